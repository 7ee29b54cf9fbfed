#pragma once

#include "Database.h"
#include "model/ApiLimits.h"
#include "util/Clock.h"

#include <QList>

namespace lb {

// History of API allowance observations (table api_usage), for the console's 24-hour chart
// and the api-usage report. The engine records at most one sample of the main allowance per
// system per `minIntervalMs`, so a busy worker does not write a row per API call; other
// counters (Bulk API batches) are recorded whenever they change.
class ApiUsageStore
{
public:
    struct Sample
    {
        qint64 at = 0;
        QString system;
        QString metric; // "api" for the main allowance, else a counter name
        qint64 used = -1;
        qint64 max = -1;
    };

    ApiUsageStore(Database &db, const Clock &clock);

    Result<void> record(const ApiLimits &limits, qint64 minIntervalMs = 60'000);
    Result<QList<Sample>> history(const QString &system, const QString &metric, qint64 sinceMs,
                                  qint64 untilMs);

private:
    Database &m_db;
    const Clock &m_clock;
    QHash<QString, qint64> m_lastRecorded; // system/metric -> ms
    QHash<QString, qint64> m_lastUsed; // system/metric -> the last value recorded
};

} // namespace lb
