#include "Bulk2ResultReader.h"

#include "importer/CsvReader.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

namespace {

Error unexpected(const QString &message)
{
    return Error {u"unexpected_response"_s, u"Bulk API result CSV: "_s + message, 0, false};
}

CsvReader::Limits resultLimits()
{
    CsvReader::Limits limits;
    limits.maxBytes = 1024LL * 1024 * 1024; // a results page can be large; it is ours to read
    limits.maxRecords = 10'000'000;
    return limits;
}

} // namespace

SfError Bulk2ResultReader::parseError(const QString &text)
{
    static const QRegularExpression codeRe(u"^([A-Z][A-Z0-9_]*):"_s);
    SfError error;
    const QRegularExpressionMatch m = codeRe.match(text);
    if (!m.hasMatch()) {
        error.code = u"UNKNOWN_EXCEPTION"_s;
        error.message = text.trimmed();
        return error;
    }
    error.code = m.captured(1);
    QString rest = text.mid(m.capturedLength()).trimmed();
    // The fields part ("Name,Company --" or "--") follows the last colon.
    if (rest.endsWith("--"_L1)) {
        rest.chop(2);
        const qsizetype colon = rest.lastIndexOf(u':');
        if (colon >= 0) {
            for (const QString &f : rest.mid(colon + 1).split(u',', Qt::SkipEmptyParts)) {
                if (!f.trimmed().isEmpty())
                    error.fields.append(f.trimmed());
            }
            rest.truncate(colon);
        }
    }
    error.message = rest.trimmed();
    return error;
}

Result<QList<Bulk2RowResult>> Bulk2ResultReader::read(const QByteArray &csv, Kind kind)
{
    QList<Bulk2RowResult> out;
    CsvReader reader(csv, resultLimits());
    CsvRecord record;
    QStringList header;
    if (!reader.next(record))
        return reader.fatal() ? Result<QList<Bulk2RowResult>>(unexpected(reader.fatal()->message))
                              : Result<QList<Bulk2RowResult>>(out); // no results at all
    if (!record.ok())
        return unexpected(u"line %1: %2"_s.arg(record.line).arg(record.error));
    header = record.fields;
    const int first = kind == Kind::Unprocessed ? 0 : 2;
    if (kind != Kind::Unprocessed) {
        const QString second = kind == Kind::Successful ? u"sf__Created"_s : u"sf__Error"_s;
        if (header.size() < 2 || header[0] != "sf__Id"_L1 || header[1] != second)
            return unexpected(u"the header starts with \"%1\", not \"sf__Id\",\"%2\""_s.arg(
                header.mid(0, 2).join(u"\",\""_s), second));
    }
    while (reader.next(record)) {
        if (!record.ok())
            return unexpected(u"line %1: %2"_s.arg(record.line).arg(record.error));
        if (record.fields.size() != header.size())
            return unexpected(u"line %1 has %2 fields, the header %3"_s.arg(record.line)
                                  .arg(record.fields.size())
                                  .arg(header.size()));
        Bulk2RowResult row;
        row.line = record.line;
        for (qsizetype c = first; c < header.size(); ++c)
            row.fields.insert(header[c], record.fields[c]);
        if (kind == Kind::Successful) {
            row.result.success = true;
            row.result.id = record.fields[0];
            row.result.created = record.fields[1] == "true"_L1;
        } else if (kind == Kind::Failed) {
            row.result.id = record.fields[0];
            row.result.errors.append(parseError(record.fields[1]));
        }
        out.append(std::move(row));
    }
    if (reader.fatal())
        return unexpected(reader.fatal()->message);
    return out;
}

Result<Bulk2Table> Bulk2ResultReader::readTable(const QByteArray &csv)
{
    Bulk2Table table;
    CsvReader reader(csv, resultLimits());
    CsvRecord record;
    bool first = true;
    while (reader.next(record)) {
        if (!record.ok())
            return unexpected(u"line %1: %2"_s.arg(record.line).arg(record.error));
        if (first) {
            table.columns = record.fields;
            first = false;
            continue;
        }
        if (record.fields.size() != table.columns.size())
            return unexpected(u"line %1 has %2 fields, the header %3"_s.arg(record.line)
                                  .arg(record.fields.size())
                                  .arg(table.columns.size()));
        table.rows.append(record.fields);
    }
    if (reader.fatal())
        return unexpected(reader.fatal()->message);
    return table;
}

} // namespace lb::salesforce
