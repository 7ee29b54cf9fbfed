#include "AlertIncidentStore.h"

namespace lb {

AlertIncidentStore::AlertIncidentStore(Database &db)
    : m_db(db)
{ }

Result<QList<StoredIncident>> AlertIncidentStore::open()
{
    auto q = m_db.run(QStringLiteral("incidents.open"),
                      QStringLiteral("SELECT condition_id, dedup_key, summary, severity, opened_at "
                                     "FROM alert_incidents ORDER BY opened_at, condition_id"));
    if (!q)
        return q.error();
    QList<StoredIncident> out;
    while ((*q)->next()) {
        StoredIncident i;
        i.conditionId = (*q)->value(0).toString();
        i.dedupKey = (*q)->value(1).toString();
        i.summary = (*q)->value(2).toString();
        i.severity = (*q)->value(3).toString();
        i.openedAt = (*q)->value(4).toLongLong();
        out.append(i);
    }
    (*q)->finish();
    return out;
}

Result<bool> AlertIncidentStore::insert(const StoredIncident &i)
{
    auto q = m_db.run(
        QStringLiteral("incidents.insert"),
        QStringLiteral("INSERT INTO alert_incidents (condition_id, dedup_key, "
                       "summary, severity, opened_at) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT (condition_id) DO NOTHING"),
        {i.conditionId, i.dedupKey, Database::filterText(i.summary), i.severity, i.openedAt});
    if (!q)
        return q.error();
    return (*q)->numRowsAffected() == 1;
}

Result<bool> AlertIncidentStore::remove(const QString &conditionId, const QString &dedupKey)
{
    auto q = m_db.run(
        QStringLiteral("incidents.remove"),
        QStringLiteral("DELETE FROM alert_incidents WHERE condition_id = ? AND dedup_key = ?"),
        {conditionId, dedupKey});
    if (!q)
        return q.error();
    return (*q)->numRowsAffected() == 1;
}

} // namespace lb
