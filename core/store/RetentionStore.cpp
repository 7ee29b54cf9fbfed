#include "RetentionStore.h"

namespace lb {

RetentionStore::RetentionStore(Database &db)
    : m_db(db)
{ }

QString RetentionStore::nameOf(RetentionKind kind)
{
    switch (kind) {
    case RetentionKind::InboundEvents:
        return QStringLiteral("inbound_events");
    case RetentionKind::FinishedJobs:
        return QStringLiteral("finished_jobs");
    case RetentionKind::AuditDetails:
        return QStringLiteral("audit_details");
    }
    return {};
}

Result<QList<qint64>> RetentionStore::candidates(RetentionKind kind, qint64 cutoffMs,
                                                 qint64 afterId, int limit)
{
    QString sql;
    switch (kind) {
    case RetentionKind::InboundEvents:
        // A "new" event has not been taken yet: it is work, not history.
        sql = QStringLiteral("SELECT id FROM inbound_events WHERE id > ? AND received_at < ? "
                             "AND state <> 'new' ORDER BY id LIMIT ?");
        break;
    case RetentionKind::FinishedJobs:
        // Finished: done, superseded, cancelled, or failed with its inbox item resolved (as long
        // ago as the cutoff). An open inbox item waits for the operator, and its job with it.
        sql = QStringLiteral("SELECT o.id FROM outbox o WHERE o.id > ? AND o.updated_at < ? "
                             "AND o.state IN ('done', 'superseded', 'cancelled', 'failed') "
                             "AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.outbox_id = o.id "
                             "AND (i.state = 'open' OR i.resolved_at >= ?)) "
                             "ORDER BY o.id LIMIT ?");
        break;
    case RetentionKind::AuditDetails:
        sql = QStringLiteral("SELECT id FROM audit_log WHERE id > ? AND at < ? "
                             "AND detail IS NOT NULL ORDER BY id LIMIT ?");
        break;
    }
    const QVariantList values = kind == RetentionKind::FinishedJobs
        ? QVariantList {afterId, cutoffMs, cutoffMs, limit}
        : QVariantList {afterId, cutoffMs, limit};
    auto q = m_db.run(QStringLiteral("retention.candidates.") + nameOf(kind), sql, values);
    if (!q)
        return q.error();
    QList<qint64> ids;
    while ((*q)->next())
        ids.append((*q)->value(0).toLongLong());
    (*q)->finish();
    return ids;
}

// Runs `sql` + "(?, ?, ...)" over `ids`, a statement per 100.
Result<void> RetentionStore::apply(const QString &key, const QString &sqlBeforeList,
                                   const QList<qint64> &ids)
{
    for (qsizetype start = 0; start < ids.size(); start += Database::MaxRowsPerStatement) {
        const int n = int(std::min<qsizetype>(Database::MaxRowsPerStatement, ids.size() - start));
        QVariantList values;
        for (int i = 0; i < n; ++i)
            values << ids.at(start + i);
        // sql-constant: `sqlBeforeList` is one of this file's literals, then "?" placeholders
        // counted from the batch; the ids are bound
        auto q = m_db.run(QStringLiteral("%1.%2").arg(key).arg(n),
                          sqlBeforeList + u'(' + Database::listPlaceholders(n) + u')', values);
        if (!q)
            return q.error();
        (*q)->finish();
    }
    return {};
}

Result<RetentionStore::Batch> RetentionStore::purgeBatch(RetentionKind kind, qint64 cutoffMs,
                                                         qint64 afterId, int limit)
{
    Batch batch;
    batch.lastId = afterId;
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    auto ids = candidates(kind, cutoffMs, afterId, limit);
    if (!ids)
        return ids.error();
    if (ids->isEmpty())
        return batch;
    switch (kind) {
    case RetentionKind::InboundEvents:
        if (auto r = apply(QStringLiteral("retention.events"),
                           QStringLiteral("DELETE FROM inbound_events WHERE id IN "), *ids);
            !r)
            return r.error();
        break;
    case RetentionKind::FinishedJobs:
        // The resolved inbox items first: they refer to their jobs.
        if (auto r = apply(QStringLiteral("retention.inbox"),
                           QStringLiteral("DELETE FROM inbox WHERE outbox_id IN "), *ids);
            !r)
            return r.error();
        if (auto r = apply(QStringLiteral("retention.jobs"),
                           QStringLiteral("DELETE FROM outbox WHERE id IN "), *ids);
            !r)
            return r.error();
        break;
    case RetentionKind::AuditDetails:
        if (auto r = apply(QStringLiteral("retention.audit"),
                           QStringLiteral("UPDATE audit_log SET detail = NULL WHERE id IN "), *ids);
            !r)
            return r.error();
        break;
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    batch.rows = int(ids->size());
    batch.lastId = ids->last();
    batch.more = ids->size() == limit;
    return batch;
}

} // namespace lb
