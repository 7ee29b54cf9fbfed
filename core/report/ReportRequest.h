#pragma once

#include "util/Result.h"

#include <QString>
#include <QStringList>

namespace lb {

enum class ReportKind { Leads, History, Errors, ApiUsage, Reconcile, Deliveries };
enum class ReportFormat { Csv, Json, Pdf };

// One export: which report, in which format, over which time range (each report filters on
// its own time column: leads by last update, history by time, errors by last failure, API
// usage by observation, reconcile runs by start).
struct ReportRequest
{
    ReportKind kind = ReportKind::Leads;
    ReportFormat format = ReportFormat::Csv;
    qint64 sinceMs = 0; // inclusive; 0 = from the beginning
    qint64 untilMs = 0; // exclusive; 0 = no end
    QString outPath;

    static QString kindName(ReportKind kind); // "leads", "history", "errors", ...
    static QString kindTitle(ReportKind kind); // "Leads", "Sync history", ...
    static QString formatName(ReportFormat format); // "csv", "json", "pdf"
    static Result<ReportKind> parseKind(const QString &name);
    static Result<ReportFormat> parseFormat(const QString &name);
    static QStringList kindNames();
    static QStringList formatNames();

    // "2026-01-31" (UTC midnight) or an ISO 8601 date-time ("2026-01-31T12:00:00Z"). A date
    // given as the end of a range includes that whole day (`endOfRange`).
    static Result<qint64> parseTime(const QString &text, bool endOfRange);
    // RFC 3339 UTC with milliseconds, as the reports write times; "" for 0.
    static QString formatTime(qint64 epochMs);
};

} // namespace lb
