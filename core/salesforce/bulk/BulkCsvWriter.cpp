#include "BulkCsvWriter.h"

#include <QJsonValue>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

namespace {

QJsonValue valueAt(const QJsonObject &record, const QString &column)
{
    const qsizetype dot = column.indexOf(u'.');
    if (dot < 0 || record.contains(column))
        return record.value(column);
    const QJsonValue parent = record.value(column.left(dot));
    if (parent.isNull())
        return QJsonValue::Null;
    if (!parent.isObject())
        return QJsonValue::Undefined;
    return parent.toObject().value(column.mid(dot + 1));
}

} // namespace

BulkCsvWriter::BulkCsvWriter(QStringList columns)
    : m_columns(std::move(columns))
{
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        if (i > 0)
            m_data += ',';
        appendField(m_data, m_columns[i]);
    }
    m_data += '\n';
}

QStringList BulkCsvWriter::columnsOf(const QList<QJsonObject> &records)
{
    QStringList columns;
    for (const QJsonObject &record : records) {
        for (auto it = record.begin(); it != record.end(); ++it) {
            if (it.key() == "attributes"_L1)
                continue;
            if (it.value().isObject()) {
                const QJsonObject nested = it.value().toObject();
                for (auto n = nested.begin(); n != nested.end(); ++n) {
                    const QString name = it.key() + u'.' + n.key();
                    if (n.key() != "attributes"_L1 && !columns.contains(name))
                        columns.append(name);
                }
            } else if (!columns.contains(it.key())) {
                columns.append(it.key());
            }
        }
    }
    return columns;
}

QByteArray BulkCsvWriter::write(const QList<QJsonObject> &records)
{
    BulkCsvWriter writer(columnsOf(records));
    for (const QJsonObject &record : records)
        writer.addRecord(record);
    return writer.m_data;
}

QString BulkCsvWriter::valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return u"#N/A"_s;
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 15);
    }
    case QJsonValue::String:
        return value.toString();
    default:
        return {}; // undefined, arrays, objects: left unchanged
    }
}

void BulkCsvWriter::appendField(QByteArray &out, QStringView text)
{
    const QByteArray bytes = text.toUtf8();
    const bool quote = bytes.contains(',') || bytes.contains('"') || bytes.contains('\n')
        || bytes.contains('\r')
        || (!bytes.isEmpty() && (bytes.front() == ' ' || bytes.back() == ' '));
    if (!quote) {
        out += bytes;
        return;
    }
    out += '"';
    for (char c : bytes) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void BulkCsvWriter::addRecord(const QJsonObject &record)
{
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        if (i > 0)
            m_data += ',';
        appendField(m_data, valueText(valueAt(record, m_columns[i])));
    }
    m_data += '\n';
    ++m_rows;
}

} // namespace lb::salesforce
