#include "CsvReader.h"

#include "importer/CsvReader.h"

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

Result<QList<CsvReader::Row>> CsvReader::parse(const QByteArray &data, QChar delimiter)
{
    // LeadBridge's own reader, held to Salesforce's stricter rule: the first broken row fails
    // the whole file, and every row has the header's number of fields.
    lb::CsvReader::Limits limits;
    limits.delimiter = char(delimiter.unicode());
    limits.maxBytes = std::numeric_limits<qint64>::max(); // the ingest resource caps uploads
    limits.maxFieldBytes = 4 * 131'072; // a long text area: 131,072 characters in UTF-8
    limits.maxFields = 5000;
    limits.maxRecords = std::numeric_limits<int>::max();
    lb::CsvReader reader(data, limits);
    QList<Row> rows;
    CsvRecord record;
    while (reader.next(record)) {
        if (reader.fatal())
            return *reader.fatal();
        if (!record.ok())
            return makeError(u"CSV_ROW"_s, u"line %1: %2"_s.arg(record.line).arg(record.error));
        if (!rows.isEmpty() && record.fields.size() != rows.constFirst().fields.size())
            return makeError(u"CSV_FIELD_COUNT"_s,
                             u"line %1: expected %2 fields, found %3"_s.arg(record.line)
                                 .arg(rows.constFirst().fields.size())
                                 .arg(record.fields.size()));
        rows.append({record.line, record.fields});
    }
    if (reader.fatal())
        return *reader.fatal();
    return rows;
}

} // namespace lb::sandbox
