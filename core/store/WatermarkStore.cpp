#include "WatermarkStore.h"

#include "util/Clock.h"

namespace lb {

WatermarkStore::WatermarkStore(Database &db, const Clock &clock)
    : m_db(db)
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
