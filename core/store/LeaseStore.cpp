#include "LeaseStore.h"

namespace lb {

LeaseStore::LeaseStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

Result<bool> LeaseStore::take(const QString &name, const QString &holder, qint64 durationMs)
{
    const qint64 now = m_clock.nowMs();
    // One statement, so two processes taking the lease at once cannot both win: the update
    // happens only when the lease is ours or has run out.
    auto q = m_db.run(
        QStringLiteral("lease.take"),
        QStringLiteral("INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                       "expires_at = excluded.expires_at "
                       "WHERE leases.holder = excluded.holder OR leases.expires_at <= ?"),
        {name, holder, now + durationMs, now});
    if (!q)
        return q.error();
    const bool taken = (*q)->numRowsAffected() > 0;
    (*q)->finish();
    return taken;
}

Result<void> LeaseStore::release(const QString &name, const QString &holder)
{
    auto q = m_db.run(QStringLiteral("lease.release"),
                      QStringLiteral("DELETE FROM leases WHERE name = ? AND holder = ?"),
                      {name, holder});
    if (!q)
        return q.error();
    return {};
}

Result<QString> LeaseStore::holder(const QString &name)
{
    auto q = m_db.run(QStringLiteral("lease.holder"),
                      QStringLiteral("SELECT holder FROM leases WHERE name = ? AND expires_at > ?"),
                      {name, m_clock.nowMs()});
    if (!q)
        return q.error();
    QString holder;
    if ((*q)->next())
        holder = (*q)->value(0).toString();
    (*q)->finish();
    return holder;
}

} // namespace lb
