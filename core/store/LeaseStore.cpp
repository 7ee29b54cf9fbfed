#include "LeaseStore.h"

#include <QJsonObject>

namespace lb {

LeaseStore::LeaseStore(Database &db, AuditLog &audit, const Clock &clock)
    : m_db(db)
    , m_audit(audit)
    , m_clock(clock)
{ }

Result<qint64> LeaseStore::acquire(const QString &name, const QString &holder, qint64 durationMs)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    // What it was, to tell a renewal from a take-over and for the audit; locked on PostgreSQL
    // so that it is still what it was when the update below runs.
    auto prev = m_db.isSqlite()
        ? m_db.run(QStringLiteral("lease.prev"),
                   QStringLiteral("SELECT holder, expires_at FROM leases WHERE name = ?"), {name})
        : m_db.run(QStringLiteral("lease.prev"),
                   QStringLiteral("SELECT holder, expires_at FROM leases WHERE name = ? "
                                  "FOR UPDATE"),
                   {name});
    if (!prev)
        return prev.error();
    QString prevHolder;
    qint64 prevExpires = 0;
    if ((*prev)->next()) {
        prevHolder = (*prev)->value(0).toString();
        prevExpires = (*prev)->value(1).toLongLong();
    }
    (*prev)->finish();
    // One statement, so two processes taking the lease at once cannot both win: the update
    // happens only when the lease is ours or has run out. Only a renewal keeps the token.
    auto q = m_db.run(
        QStringLiteral("lease.take"),
        QStringLiteral("INSERT INTO leases (name, holder, expires_at, token) VALUES (?, ?, ?, 1) "
                       "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                       "expires_at = excluded.expires_at, "
                       "token = CASE WHEN leases.holder = excluded.holder "
                       "AND leases.expires_at > ? THEN leases.token ELSE leases.token + 1 END "
                       "WHERE leases.holder = excluded.holder OR leases.expires_at <= ?"),
        {name, holder, now + durationMs, now, now});
    if (!q)
        return q.error();
    const bool taken = (*q)->numRowsAffected() > 0;
    (*q)->finish();
    qint64 token = 0;
    if (taken) {
        auto t = m_db.run(QStringLiteral("lease.token"),
                          QStringLiteral("SELECT token FROM leases WHERE name = ?"), {name});
        if (!t)
            return t.error();
        token = (*t)->next() ? (*t)->value(0).toLongLong() : 0;
        (*t)->finish();
    }
    const bool renewal = taken && prevHolder == holder && prevExpires > now;
    const auto mine = m_held.constFind(name);
    const bool lost = !taken && mine != m_held.cend() && mine->holder == holder;
    if (taken && !renewal) {
        const bool handedOver = !prevHolder.isEmpty() && prevHolder != holder;
        if (auto a = m_audit.append(
                QStringLiteral("lease"), name,
                handedOver ? QStringLiteral("handed_over") : QStringLiteral("taken"), holder,
                QJsonObject {{QStringLiteral("holder"), holder},
                             {QStringLiteral("token"), token},
                             {QStringLiteral("at"), now},
                             {QStringLiteral("until"), now + durationMs},
                             {QStringLiteral("from"), prevHolder},
                             {QStringLiteral("from_until"), prevExpires}});
            !a)
            return a.error();
    } else if (lost) {
        if (auto a = m_audit.append(QStringLiteral("lease"), name, QStringLiteral("lost"), holder,
                                    QJsonObject {{QStringLiteral("holder"), holder},
                                                 {QStringLiteral("token"), mine->token},
                                                 {QStringLiteral("at"), now},
                                                 {QStringLiteral("to"), prevHolder}});
            !a)
            return a.error();
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    if (taken)
        m_held.insert(name, Held {holder, token});
    else if (lost)
        m_held.remove(name);
    return token;
}

Result<bool> LeaseStore::take(const QString &name, const QString &holder, qint64 durationMs)
{
    auto token = acquire(name, holder, durationMs);
    if (!token)
        return token.error();
    return *token > 0;
}

Result<void> LeaseStore::release(const QString &name, const QString &holder)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    // The row stays (run out), so the next holder's token is higher than every earlier one.
    const qint64 now = m_clock.nowMs();
    auto q = m_db.run(QStringLiteral("lease.release"),
                      QStringLiteral("UPDATE leases SET expires_at = 0 "
                                     "WHERE name = ? AND holder = ? AND expires_at > ?"),
                      {name, holder, now});
    if (!q)
        return q.error();
    const bool released = (*q)->numRowsAffected() > 0;
    (*q)->finish();
    if (released) {
        if (auto a
            = m_audit.append(QStringLiteral("lease"), name, QStringLiteral("released"), holder,
                             QJsonObject {{QStringLiteral("holder"), holder},
                                          {QStringLiteral("token"), heldToken(name, holder)},
                                          {QStringLiteral("at"), now}});
            !a)
            return a.error();
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    if (heldToken(name, holder) > 0)
        m_held.remove(name);
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

Result<void> LeaseStore::check(const QString &name, const QString &holder, qint64 token)
{
    auto q = m_db.run(QStringLiteral("lease.check"),
                      QStringLiteral("SELECT 1 FROM leases WHERE name = ? AND holder = ? "
                                     "AND token = ? AND expires_at > ?"),
                      {name, holder, token, m_clock.nowMs()});
    if (!q)
        return q.error();
    const bool held = (*q)->next();
    (*q)->finish();
    if (!held)
        return Error {QStringLiteral("LEASE_LOST"),
                      QStringLiteral("%1 no longer holds the lease %2 (token %3): the write is "
                                     "left to its new holder")
                          .arg(holder, name)
                          .arg(token)};
    return {};
}

Result<void> LeaseStore::guard(const QString &duty)
{
    if (m_fenceHolder.isEmpty() || duty.isEmpty())
        return {};
    return check(duty, m_fenceHolder, heldToken(duty, m_fenceHolder));
}

qint64 LeaseStore::heldToken(const QString &name, const QString &holder) const
{
    const auto it = m_held.constFind(name);
    return it != m_held.cend() && it->holder == holder ? it->token : 0;
}

} // namespace lb
