#pragma once

#include "ReportSink.h"

class QIODevice;

namespace lb {

// RFC 4180 CSV (comma, CRLF, fields with a comma, quote or line break quoted, quotes doubled),
// UTF-8, with spreadsheet formula injection neutralised: a text cell starting with = + - @,
// TAB or CR gets a leading apostrophe, so a spreadsheet shows it as text instead of running it
// (OWASP "CSV Injection"). Numbers are written as numbers and left alone.
class CsvWriter final : public ReportSink
{
public:
    explicit CsvWriter(QIODevice &out);

    Result<void> begin(const ReportInfo &info, const QList<ReportColumn> &columns) override;
    Result<void> row(const QVariantList &values) override;
    Result<void> finish() override;

    // One field as written (neutralised and quoted as needed).
    static QByteArray field(const QVariant &value);
    static QString neutralise(const QString &text);

private:
    Result<void> writeLine(const QList<QByteArray> &fields);

    QIODevice &m_out;
};

} // namespace lb
