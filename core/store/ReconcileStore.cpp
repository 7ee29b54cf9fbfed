#include "ReconcileStore.h"

#include "Duties.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace lb {

QJsonObject ReconcileReport::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("started_at"), startedAt},
            {QStringLiteral("finished_at"), finishedAt},
            {QStringLiteral("trigger"), trigger},
            {QStringLiteral("leads_compared"), leadsCompared},
            {QStringLiteral("agents_compared"), agentsCompared},
            {QStringLiteral("missing_in_salesforce"), missingInSalesforce},
            {QStringLiteral("missing_on_platform"), missingOnPlatform},
            {QStringLiteral("differing"), differing},
            {QStringLiteral("deleted"), deleted},
            {QStringLiteral("extra"), extra},
            {QStringLiteral("enqueued"), enqueued},
            {QStringLiteral("queued"), queued},
            {QStringLiteral("samples"), samples},
            {QStringLiteral("error"), error}};
}

ReconcileStore::ReconcileStore(Database &db, LeaseStore &leases)
    : m_db(db)
    , m_leases(leases)
{ }

Result<qint64> ReconcileStore::save(const ReconcileReport &r)
{
    // The reconciler saves its report in the transaction that queues its repairs: when this
    // process lost the reconcile's lease meanwhile, both roll back (fencing, LeaseStore).
    if (auto fenced = m_leases.guard(duty::Reconcile); !fenced)
        return fenced.error();
    auto q = m_db.run(
        QStringLiteral("reconcile.save"),
        QStringLiteral("INSERT INTO reconcile_reports (started_at, finished_at, "
                       "trigger_kind, leads_compared, agents_compared, "
                       "missing_in_salesforce, missing_on_platform, differing, deleted, extra, "
                       "enqueued, queued, samples, error) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {r.startedAt, r.finishedAt, r.trigger, r.leadsCompared, r.agentsCompared,
         r.missingInSalesforce, r.missingOnPlatform, r.differing, r.deleted, r.extra, r.enqueued,
         QString::fromUtf8(QJsonDocument(r.queued).toJson(QJsonDocument::Compact)),
         QString::fromUtf8(QJsonDocument(r.samples).toJson(QJsonDocument::Compact)),
         r.error.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(r.error)});
    if (!q)
        return q.error();
    const qint64 id = (*q)->next() ? (*q)->value(0).toLongLong() : 0;
    (*q)->finish();
    return id;
}

Result<QList<ReconcileReport>> ReconcileStore::recent(int limit, qint64 sinceMs, qint64 untilMs)
{
    auto q = m_db.run(
        QStringLiteral("reconcile.recent"),
        QStringLiteral("SELECT id, started_at, finished_at, trigger_kind, leads_compared, "
                       "agents_compared, missing_in_salesforce, missing_on_platform, "
                       "differing, enqueued, samples, error, deleted, extra, queued "
                       "FROM reconcile_reports "
                       "WHERE started_at >= ? AND started_at < ? ORDER BY id DESC LIMIT ?"),
        {sinceMs, untilMs, limit});
    if (!q)
        return q.error();
    QList<ReconcileReport> out;
    while ((*q)->next()) {
        ReconcileReport r;
        r.id = (*q)->value(0).toLongLong();
        r.startedAt = (*q)->value(1).toLongLong();
        r.finishedAt = (*q)->value(2).toLongLong();
        r.trigger = (*q)->value(3).toString();
        r.leadsCompared = (*q)->value(4).toInt();
        r.agentsCompared = (*q)->value(5).toInt();
        r.missingInSalesforce = (*q)->value(6).toInt();
        r.missingOnPlatform = (*q)->value(7).toInt();
        r.differing = (*q)->value(8).toInt();
        r.enqueued = (*q)->value(9).toInt();
        r.samples = QJsonDocument::fromJson((*q)->value(10).toString().toUtf8()).array();
        r.error = (*q)->value(11).toString();
        r.deleted = (*q)->value(12).toInt();
        r.extra = (*q)->value(13).toInt();
        r.queued = QJsonDocument::fromJson((*q)->value(14).toString().toUtf8()).object();
        out.append(r);
    }
    (*q)->finish();
    return out;
}

} // namespace lb
