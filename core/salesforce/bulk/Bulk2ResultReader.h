#pragma once

#include "salesforce/SalesforceTypes.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QStringList>

namespace lb::salesforce {

// One row of an ingest job's results: the outcome (success, id, created, the error of
// sf__Error split into code, message and fields) and the row's original values by column.
struct Bulk2RowResult
{
    RecordResult result;
    QHash<QString, QString> fields;
    int line = 0; // in the result file, for messages
};

// A page of query results: the columns and the rows' values (null comes back as "").
struct Bulk2Table
{
    QStringList columns;
    QList<QStringList> rows;
};

// Reads Bulk API 2.0 result CSV with core's CsvReader: successfulResults ("sf__Id",
// "sf__Created", original columns), failedResults ("sf__Id", "sf__Error", ...),
// unprocessedrecords (original columns only) and query result pages. The answer comes from the
// network, so anything malformed is an "unexpected_response" error naming the line.
class Bulk2ResultReader
{
public:
    enum class Kind { Successful, Failed, Unprocessed };

    static Result<QList<Bulk2RowResult>> read(const QByteArray &csv, Kind kind);
    static Result<Bulk2Table> readTable(const QByteArray &csv);

    // "REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --"
    static SfError parseError(const QString &text);
};

} // namespace lb::salesforce
