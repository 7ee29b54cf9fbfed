#pragma once

#include "ApiResponse.h"
#include "BulkJob.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace lb::sandbox {

// The CSV details of Bulk API 2.0: the delimiter names of a job, quoting of result values,
// and the line-ending check Salesforce applies to uploads.
namespace BulkCsv {

// BACKQUOTE, CARET, COMMA, PIPE, SEMICOLON, TAB; an error names the accepted values.
Result<BulkDialect> dialect(const QString &delimiterName, const QString &lineEnding);

// "value" with inner quotes doubled; results quote every value.
void appendQuoted(QByteArray &out, QStringView value);
QByteArray quotedRow(const QStringList &values, const BulkDialect &dialect);

// The text of a stored value in a query result: "" for null, true/false, numbers without a
// trailing ".0".
QString valueText(const QJsonValue &value);

// The first line of an upload, without its line ending (the header, echoed in results).
QByteArray headerLine(const QByteArray &upload);

// Salesforce rejects a file whose line endings do not match the job's lineEnding.
Result<void> checkLineEndings(const QByteArray &upload, const BulkDialect &dialect);

// 200 with Content-Type text/csv.
ApiResponse response(QByteArray body);

} // namespace BulkCsv

} // namespace lb::sandbox
