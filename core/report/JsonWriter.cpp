#include "JsonWriter.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lb {
namespace {

// The compact text of a JSON object without its closing brace, so more members can follow.
QByteArray openObject(const QJsonObject &o)
{
    QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    text.chop(1);
    return text;
}

QJsonValue toJson(const QVariant &v)
{
    if (v.isNull())
        return QJsonValue::Null;
    return QJsonValue::fromVariant(v);
}

} // namespace

JsonWriter::JsonWriter(QIODevice &out)
    : m_out(out)
{ }

Result<void> JsonWriter::write(const QByteArray &bytes)
{
    if (m_out.write(bytes) != bytes.size())
        return makeError(QStringLiteral("report_write"),
                         QStringLiteral("Cannot write the report: %1").arg(m_out.errorString()));
    return {};
}

Result<void> JsonWriter::begin(const ReportInfo &info, const QList<ReportColumn> &columns)
{
    QJsonArray names;
    for (const ReportColumn &c : columns) {
        names.append(c.name);
        m_names.append(c.name);
    }
    const QJsonObject head {
        {QStringLiteral("report"), ReportRequest::kindName(info.kind)},
        {QStringLiteral("title"), info.title},
        {QStringLiteral("since"),
         info.sinceMs > 0 ? QJsonValue(ReportRequest::formatTime(info.sinceMs))
                          : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("until"),
         info.untilMs > 0 ? QJsonValue(ReportRequest::formatTime(info.untilMs))
                          : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("generated_at"), ReportRequest::formatTime(info.generatedAt)},
        {QStringLiteral("columns"), names}};
    return write(openObject(head) + ",\"rows\":[");
}

Result<void> JsonWriter::row(const QVariantList &values)
{
    QJsonObject o;
    for (qsizetype i = 0; i < values.size() && i < m_names.size(); ++i)
        o.insert(m_names.at(i), toJson(values.at(i)));
    QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    if (m_rows++ > 0)
        text.prepend(",\n");
    else
        text.prepend('\n');
    return write(text);
}

Result<void> JsonWriter::finish()
{
    return write("\n],\"row_count\":" + QByteArray::number(m_rows) + "}\n");
}

} // namespace lb
