#pragma once

#include "util/Result.h"

#include <QList>
#include <QStringList>

namespace lb::sandbox {

// RFC 4180 CSV: comma-separated (or another one-character delimiter, as Bulk API 2.0 allows),
// optional double quotes ("" inside quotes is a quote),
// quoted fields may span lines, CRLF or LF, a UTF-8 BOM is skipped. Every row must have as
// many fields as the header. Errors name the line.
class CsvReader
{
public:
    struct Row
    {
        int line = 0; // 1-based line where the row starts
        QStringList fields;
    };

    static Result<QList<Row>> parse(const QByteArray &data, QChar delimiter = u',');
};

} // namespace lb::sandbox
