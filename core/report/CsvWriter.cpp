#include "CsvWriter.h"

#include <QIODevice>

namespace lb {

CsvWriter::CsvWriter(QIODevice &out)
    : m_out(out)
{ }

QString CsvWriter::neutralise(const QString &text)
{
    if (text.isEmpty())
        return text;
    const QChar first = text.front();
    if (first == u'=' || first == u'+' || first == u'-' || first == u'@' || first == u'\t'
        || first == u'\r')
        return u'\'' + text;
    return text;
}

QByteArray CsvWriter::field(const QVariant &value)
{
    if (value.isNull())
        return {};
    QString text;
    switch (value.metaType().id()) {
    case QMetaType::Bool:
        return value.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return QByteArray::number(value.toLongLong());
    case QMetaType::Double:
        return QByteArray::number(value.toDouble(), 'g', 15);
    default:
        text = neutralise(value.toString());
        break;
    }
    QByteArray utf8 = text.toUtf8();
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')) {
        utf8.replace('"', QByteArrayLiteral("\"\""));
        return '"' + utf8 + '"';
    }
    return utf8;
}

Result<void> CsvWriter::writeLine(const QList<QByteArray> &fields)
{
    QByteArray line = fields.join(',');
    line += "\r\n";
    if (m_out.write(line) != line.size())
        return makeError(QStringLiteral("report_write"),
                         QStringLiteral("Cannot write the report: %1").arg(m_out.errorString()));
    return {};
}

Result<void> CsvWriter::begin(const ReportInfo &, const QList<ReportColumn> &columns)
{
    QList<QByteArray> header;
    for (const ReportColumn &c : columns)
        header.append(field(c.name));
    return writeLine(header);
}

Result<void> CsvWriter::row(const QVariantList &values)
{
    QList<QByteArray> fields;
    fields.reserve(values.size());
    for (const QVariant &v : values)
        fields.append(field(v));
    return writeLine(fields);
}

Result<void> CsvWriter::finish()
{
    return {};
}

} // namespace lb
