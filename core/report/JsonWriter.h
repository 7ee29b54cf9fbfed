#pragma once

#include "ReportSink.h"

class QIODevice;

namespace lb {

// A report as one JSON document, written row by row so a million leads never sit in memory:
// {"report": "leads", "title", "since", "until", "generated_at", "columns": [...],
//  "rows": [{"column": value, ...}, ...], "row_count": n}
class JsonWriter final : public ReportSink
{
public:
    explicit JsonWriter(QIODevice &out);

    Result<void> begin(const ReportInfo &info, const QList<ReportColumn> &columns) override;
    Result<void> row(const QVariantList &values) override;
    Result<void> finish() override;

private:
    Result<void> write(const QByteArray &bytes);

    QIODevice &m_out;
    QStringList m_names;
    qint64 m_rows = 0;
};

} // namespace lb
