#include "WatermarkStore.h"

#include "Duties.h"
#include "util/Clock.h"

namespace lb {

WatermarkStore::WatermarkStore(Database &db, LeaseStore &leases, const Clock &clock)
    : m_db(db)
    , m_leases(leases)
    , m_clock(clock)
{ }

Result<std::optional<QString>> WatermarkStore::get(const QString &name)
{
    auto q = m_db.run(QStringLiteral("watermark.get"),
                      QStringLiteral("SELECT value FROM watermarks WHERE name = ?"), {name});
    if (!q)
        return q.error();
    std::optional<QString> value;
    if ((*q)->next())
        value = (*q)->value(0).toString();
    (*q)->finish();
    return value;
}

Result<void> WatermarkStore::set(const QString &name, const QString &value)
{
    // Checked in the caller's transaction (the fence), so a holder that lost its lease
    // meanwhile rolls back what it read instead of moving the position under its successor.
    if (auto fenced = m_leases.guard(duty::ofWatermark(name)); !fenced)
        return fenced.error();
    auto q = m_db.run(
        QStringLiteral("watermark.set"),
        QStringLiteral("INSERT INTO watermarks (name, value, updated_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                       "updated_at = excluded.updated_at"),
        {name, value, m_clock.nowMs()});
    if (!q)
        return q.error();
    return {};
}

} // namespace lb
