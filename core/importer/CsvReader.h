#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QStringList>

#include <optional>

namespace lb {

// One record of a CSV file: its fields, the line it starts on (1-based; a quoted field may
// span lines) and, when it is broken, why. A broken record keeps whatever fields were read.
struct CsvRecord
{
    QStringList fields;
    int line = 0;
    QString error;

    bool ok() const { return error.isEmpty(); }
};

// Reads CSV as RFC 4180 describes it and as spreadsheets write it: comma separated, fields
// optionally in double quotes (doubled inside), quoted fields may hold commas and line breaks,
// lines end in CRLF, LF or CR, a UTF-8 byte order mark is skipped, empty lines are skipped.
//
// Hostile input is expected (this reader is fuzzed): the input, each field and the number of
// fields and records are capped; NUL bytes, invalid UTF-8, a quote inside an unquoted field or
// text after a closing quote make that record broken, and reading goes on at the next line.
// A quote that is never closed swallows the rest of the file; that is fatal() and names the
// line where the quote opened.
class CsvReader
{
public:
    struct Limits
    {
        qint64 maxBytes = 64 * 1024 * 1024;
        int maxFieldBytes = 32 * 1024;
        int maxFields = 1000;
        int maxRecords = 1'000'000;
    };

    explicit CsvReader(QByteArray data);
    CsvReader(QByteArray data, Limits limits);

    // The next record, or false at the end of the input (or after a fatal error).
    bool next(CsvRecord &record);
    const std::optional<Error> &fatal() const { return m_fatal; }
    // How far reading has come, for progress bars.
    qsizetype position() const { return m_pos; }
    qsizetype size() const { return m_data.size(); }

private:
    void skipToNextLine();
    bool atLineEnd(qsizetype i) const;
    qsizetype consumeLineEnd(qsizetype i);

    QByteArray m_data;
    Limits m_limits;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_records = 0;
    std::optional<Error> m_fatal;
};

} // namespace lb
