#pragma once

#include "ReportRequest.h"
#include "util/Result.h"

#include <QList>
#include <QVariantList>

namespace lb {

// A column of a report: its name in CSV/JSON, its title for people, its share of a printed
// page's width (0 = left out of printed reports, e.g. raw payloads).
struct ReportColumn
{
    QString name;
    QString title;
    int printWeight = 1;
};

struct ReportInfo
{
    ReportKind kind = ReportKind::Leads;
    QString title;
    qint64 sinceMs = 0;
    qint64 untilMs = 0;
    qint64 generatedAt = 0;
    qint64 expectedRows = -1; // -1 = unknown
};

// Where report rows go: a CSV, JSON or PDF writer. Called begin(), row()..., finish() on one
// thread; values are strings, numbers, booleans or null (times already formatted).
class ReportSink
{
public:
    virtual ~ReportSink() = default;
    virtual Result<void> begin(const ReportInfo &info, const QList<ReportColumn> &columns) = 0;
    virtual Result<void> row(const QVariantList &values) = 0;
    virtual Result<void> finish() = 0;
};

} // namespace lb
