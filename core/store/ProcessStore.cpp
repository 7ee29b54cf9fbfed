#include "ProcessStore.h"

#include <QJsonArray>

namespace lb {

QJsonObject FleetProcess::toJson(qint64 nowMs, qint64 aliveWithinMs) const
{
    return {{QStringLiteral("worker_id"), workerId},
            {QStringLiteral("host"), host},
            {QStringLiteral("pid"), pid},
            {QStringLiteral("version"), version},
            {QStringLiteral("role"), role},
            {QStringLiteral("started_at"), startedAt},
            {QStringLiteral("heartbeat_at"), heartbeatAt},
            {QStringLiteral("heartbeat_age_ms"), nowMs - heartbeatAt},
            {QStringLiteral("alive"), nowMs - heartbeatAt <= aliveWithinMs},
            {QStringLiteral("duties"), QJsonArray::fromStringList(duties)},
            {QStringLiteral("deliveries_last_min"), deliveriesLastMinute}};
}

ProcessStore::ProcessStore(Database &db)
    : m_db(db)
{ }

Result<void> ProcessStore::beat(const FleetProcess &p)
{
    auto q = m_db.run(
        QStringLiteral("process.beat"),
        QStringLiteral(
            "INSERT INTO processes (worker_id, host, pid, version, role, started_at, "
            "heartbeat_at, duties, deliveries_last_min) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, "
            "duties = excluded.duties, "
            "deliveries_last_min = excluded.deliveries_last_min"),
        {p.workerId, p.host, p.pid, p.version, p.role, p.startedAt, p.heartbeatAt,
         Database::filterText(p.duties.join(u',')), p.deliveriesLastMinute});
    if (!q)
        return q.error();
    return {};
}

Result<void> ProcessStore::remove(const QString &workerId)
{
    auto q = m_db.run(QStringLiteral("process.remove"),
                      QStringLiteral("DELETE FROM processes WHERE worker_id = ?"), {workerId});
    if (!q)
        return q.error();
    return {};
}

Result<QStringList> ProcessStore::silentBefore(qint64 beforeMs)
{
    auto q = m_db.run(QStringLiteral("process.silent"),
                      QStringLiteral("SELECT worker_id FROM processes WHERE heartbeat_at < ? "
                                     "ORDER BY worker_id"),
                      {beforeMs});
    if (!q)
        return q.error();
    QStringList ids;
    while ((*q)->next())
        ids.append((*q)->value(0).toString());
    (*q)->finish();
    return ids;
}

Result<void> ProcessStore::forgetSilentSince(qint64 beforeMs)
{
    auto q = m_db.run(QStringLiteral("process.forget"),
                      QStringLiteral("DELETE FROM processes WHERE heartbeat_at < ?"), {beforeMs});
    if (!q)
        return q.error();
    return {};
}

Result<QList<FleetProcess>> ProcessStore::since(qint64 sinceMs)
{
    auto q = m_db.run(QStringLiteral("process.since"),
                      QStringLiteral("SELECT worker_id, host, pid, version, role, started_at, "
                                     "heartbeat_at, duties, deliveries_last_min FROM processes "
                                     "WHERE heartbeat_at >= ? ORDER BY started_at, worker_id"),
                      {sinceMs});
    if (!q)
        return q.error();
    QList<FleetProcess> out;
    while ((*q)->next()) {
        FleetProcess p;
        p.workerId = (*q)->value(0).toString();
        p.host = (*q)->value(1).toString();
        p.pid = (*q)->value(2).toLongLong();
        p.version = (*q)->value(3).toString();
        p.role = (*q)->value(4).toString();
        p.startedAt = (*q)->value(5).toLongLong();
        p.heartbeatAt = (*q)->value(6).toLongLong();
        p.duties = (*q)->value(7).toString().split(u',', Qt::SkipEmptyParts);
        p.deliveriesLastMinute = (*q)->value(8).toLongLong();
        out.append(p);
    }
    (*q)->finish();
    return out;
}

} // namespace lb
