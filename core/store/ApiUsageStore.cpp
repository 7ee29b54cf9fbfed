#include "ApiUsageStore.h"

namespace lb {

ApiUsageStore::ApiUsageStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

Result<void> ApiUsageStore::record(const ApiLimits &limits, qint64 minIntervalMs)
{
    const qint64 now = limits.observedAt > 0 ? limits.observedAt : m_clock.nowMs();
    QList<Sample> samples;
    if (limits.isKnown())
        samples.append({now, limits.system, QStringLiteral("api"), limits.used, limits.max});
    for (auto it = limits.counters.begin(); it != limits.counters.end(); ++it)
        samples.append({now, limits.system, it.key(), it->used, it->max});
    for (const Sample &s : samples) {
        const QString key = s.system + u'/' + s.metric;
        // The main allowance moves with every call: at most one sample per interval. Other
        // counters (Bulk API batches, query jobs) move once per job: every change is kept, so
        // a Bulk job shows in the history and the report as soon as /limits reports it.
        const bool changed
            = s.metric != QLatin1String("api") && m_lastUsed.value(key, s.used) != s.used;
        if (m_lastRecorded.contains(key) && now - m_lastRecorded.value(key) < minIntervalMs
            && !changed)
            continue;
        auto q
            = m_db.run(QStringLiteral("apiusage.record"),
                       QStringLiteral("INSERT INTO api_usage (at, system, metric, used, max_value) "
                                      "VALUES (?, ?, ?, ?, ?)"),
                       {s.at, s.system, s.metric, s.used, s.max});
        if (!q)
            return q.error();
        m_lastRecorded.insert(key, now);
        m_lastUsed.insert(key, s.used);
    }
    return {};
}

Result<QList<ApiUsageStore::Sample>>
ApiUsageStore::history(const QString &system, const QString &metric, qint64 sinceMs, qint64 untilMs)
{
    auto q = m_db.run(QStringLiteral("apiusage.history"),
                      QStringLiteral("SELECT at, system, metric, used, max_value FROM api_usage "
                                     "WHERE system = ? AND metric = ? AND at >= ? AND at < ? "
                                     "ORDER BY at"),
                      {system, metric, sinceMs, untilMs});
    if (!q)
        return q.error();
    QList<Sample> out;
    while ((*q)->next())
        out.append({(*q)->value(0).toLongLong(), (*q)->value(1).toString(),
                    (*q)->value(2).toString(), (*q)->value(3).toLongLong(),
                    (*q)->value(4).toLongLong()});
    (*q)->finish();
    return out;
}

} // namespace lb
