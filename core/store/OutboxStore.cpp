#include "OutboxStore.h"

#include "log/Logging.h"

#include <QJsonObject>

namespace lb {
namespace {

const QString Entity = QStringLiteral("outbox");

// Column list shared by every statement that reads whole jobs (order matters for readJob).
#define LB_OUTBOX_COLUMNS                                                                          \
    "id, idempotency_key, kind, target, record_key, payload, priority, state, attempts, "          \
    "next_attempt_at, claimed_by, lease_until, last_error_code, last_error, created_at, "          \
    "updated_at"

QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

} // namespace

OutboxStore::OutboxStore(Database &db, AuditLog &audit, const Clock &clock)
    : m_db(db)
    , m_audit(audit)
    , m_clock(clock)
{ }

OutboxJob OutboxStore::readJob(const QSqlQuery &q)
{
    OutboxJob job;
    job.id = q.value(0).toLongLong();
    job.idempotencyKey = q.value(1).toString();
    job.kind = q.value(2).toString();
    job.target = q.value(3).toString();
    job.recordKey = q.value(4).toString();
    job.payload = q.value(5).toString().toUtf8();
    job.priority = q.value(6).toInt();
    job.state = q.value(7).toString();
    job.attempts = q.value(8).toInt();
    job.nextAttemptAt = q.value(9).toLongLong();
    job.claimedBy = q.value(10).toString();
    job.leaseUntil = q.value(11).toLongLong();
    job.lastErrorCode = q.value(12).toString();
    job.lastError = q.value(13).toString();
    job.createdAt = q.value(14).toLongLong();
    job.updatedAt = q.value(15).toLongLong();
    return job;
}

Result<EnqueueResult> OutboxStore::enqueue(const QList<NewJob> &jobs, const QString &actor)
{
    EnqueueResult result;
    if (jobs.isEmpty())
        return result;
    for (const NewJob &job : jobs) {
        if (job.idempotencyKey.isEmpty() || job.kind.isEmpty() || job.target.isEmpty())
            return makeError(
                QStringLiteral("outbox_invalid_job"),
                QStringLiteral("A job needs an idempotency key, a kind and a target."));
    }
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    QList<AuditLog::Item> audit;
    audit.reserve(jobs.size());
    // Multi-row inserts: one round trip per 100 jobs matters a lot on PostgreSQL.
    for (qsizetype start = 0; start < jobs.size(); start += Database::MaxRowsPerStatement) {
        const int rows
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, jobs.size() - start));
        QVariantList values;
        values.reserve(rows * 9);
        for (int i = 0; i < rows; ++i) {
            const NewJob &job = jobs.at(start + i);
            values << job.idempotencyKey << job.kind << job.target << nullIfEmpty(job.recordKey)
                   << QString::fromUtf8(job.payload) << job.priority
                   << (job.notBefore > 0 ? job.notBefore : now) << now << now;
        }
        auto q = m_db.run(QStringLiteral("outbox.enqueue.%1").arg(rows),
                          QStringLiteral("INSERT INTO outbox (idempotency_key, kind, target, "
                                         "record_key, payload, priority, next_attempt_at, "
                                         "created_at, updated_at) VALUES ")
                              + Database::rowPlaceholders(rows, 9)
                              + QStringLiteral(" ON CONFLICT (idempotency_key) DO NOTHING "
                                               "RETURNING id, idempotency_key"),
                          values);
        if (!q)
            return q.error();
        QHash<QString, qint64> inserted;
        while ((*q)->next())
            inserted.insert((*q)->value(1).toString(), (*q)->value(0).toLongLong());
        (*q)->finish();
        result.inserted += int(inserted.size());
        result.duplicates += rows - int(inserted.size());
        for (int i = 0; i < rows; ++i) {
            const NewJob &job = jobs.at(start + i);
            const qint64 id = inserted.take(job.idempotencyKey); // a key twice in one call: once
            if (id == 0)
                continue;
            audit.append({QString::number(id),
                          QStringLiteral("enqueued"),
                          {{QStringLiteral("kind"), job.kind},
                           {QStringLiteral("target"), job.target},
                           {QStringLiteral("record"), job.recordKey},
                           {QStringLiteral("key"), job.idempotencyKey}}});
            if (job.supersedesPending && !job.recordKey.isEmpty()) {
                auto older = supersedeOlder(job.kind, job.recordKey, id, now);
                if (!older)
                    return older.error();
                for (qint64 olderId : *older)
                    audit.append({QString::number(olderId),
                                  QStringLiteral("coalesced"),
                                  {{QStringLiteral("by"), id}}});
            }
        }
    }
    if (auto a = m_audit.appendMany(Entity, actor, audit); !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return result;
}

Result<bool> OutboxStore::park(const NewJob &job, const QString &errorClass, const QString &code,
                               const QString &message, const QString &actor)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    auto q
        = m_db.run(QStringLiteral("outbox.park"),
                   QStringLiteral("INSERT INTO outbox (idempotency_key, kind, target, record_key, "
                                  "payload, priority, state, attempts, next_attempt_at, "
                                  "last_error_code, last_error, created_at, updated_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, 'failed', 0, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"),
                   {job.idempotencyKey, job.kind, job.target, nullIfEmpty(job.recordKey),
                    QString::fromUtf8(job.payload), job.priority, now, code, message, now, now});
    if (!q)
        return q.error();
    if (!(*q)->next())
        return false;
    const qint64 id = (*q)->value(0).toLongLong();
    (*q)->finish();
    auto inbox = m_db.run(
        QStringLiteral("outbox.parkInbox"),
        QStringLiteral("INSERT INTO inbox (outbox_id, idempotency_key, kind, target, record_key, "
                       "payload, error_class, error_code, error_message, attempts, failures, "
                       "first_failed_at, last_failed_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "0, 1, ?, ?, 'open')"),
        {id, job.idempotencyKey, job.kind, job.target, nullIfEmpty(job.recordKey),
         QString::fromUtf8(job.payload), errorClass, code, message, now, now});
    if (!inbox)
        return inbox.error();
    if (auto a
        = m_audit.append(Entity, QString::number(id), QStringLiteral("parked_invalid"), actor,
                         {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}});
        !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return true;
}

Result<QList<qint64>> OutboxStore::supersedeOlder(const QString &kind, const QString &recordKey,
                                                  qint64 newerId, qint64 now)
{
    auto q = m_db.run(QStringLiteral("outbox.supersede"),
                      QStringLiteral("UPDATE outbox SET state = 'superseded', updated_at = ? "
                                     "WHERE record_key = ? AND kind = ? AND state = 'pending' "
                                     "AND id < ? RETURNING id"),
                      {now, recordKey, kind, newerId});
    if (!q)
        return q.error();
    return Database::ids(**q);
}

Result<bool> OutboxStore::hasNewerJob(const OutboxJob &job)
{
    if (job.recordKey.isEmpty())
        return false;
    auto q = m_db.run(
        QStringLiteral("outbox.hasNewer"),
        QStringLiteral("SELECT 1 FROM outbox WHERE record_key = ? AND kind = ? AND id > ? "
                       "AND state IN ('pending', 'claimed', 'done') LIMIT 1"),
        {job.recordKey, job.kind, job.id});
    if (!q)
        return q.error();
    const bool newer = (*q)->next();
    (*q)->finish();
    return newer;
}

Result<int> OutboxStore::supersede(const QList<qint64> &ids, const QString &workerId)
{
    if (ids.isEmpty())
        return 0;
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    QList<AuditLog::Item> audit;
    for (qint64 id : ids) {
        auto q = m_db.run(QStringLiteral("outbox.supersedeClaimed"),
                          QStringLiteral("UPDATE outbox SET state = 'superseded', updated_at = ?, "
                                         "claimed_by = NULL, lease_until = NULL "
                                         "WHERE id = ? AND state = 'claimed' AND claimed_by = ?"),
                          {now, id, workerId});
        if (!q)
            return q.error();
        if ((*q)->numRowsAffected() == 1)
            audit.append({QString::number(id), QStringLiteral("superseded"), {}});
    }
    if (auto a = m_audit.appendMany(Entity, workerId, audit); !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return int(audit.size());
}

Result<int> OutboxStore::releaseExpiredInTransaction(qint64 now)
{
    const QString sql = m_db.isSqlite()
        ? QStringLiteral(
            "UPDATE outbox SET state = 'pending', claimed_by = NULL, lease_until = NULL, "
            "updated_at = ? WHERE state = 'claimed' AND lease_until < ? RETURNING id")
        : QStringLiteral(
            "UPDATE outbox SET state = 'pending', claimed_by = NULL, lease_until = NULL, "
            "updated_at = ? WHERE id IN (SELECT id FROM outbox WHERE state = 'claimed' "
            "AND lease_until < ? FOR UPDATE SKIP LOCKED) RETURNING id");
    auto q = m_db.run(QStringLiteral("outbox.releaseExpired"), sql, {now, now});
    if (!q)
        return q.error();
    const QList<qint64> released = Database::ids(**q);
    QList<AuditLog::Item> audit;
    for (qint64 id : released) {
        audit.append({QString::number(id), QStringLiteral("lease_expired"), {}});
    }
    if (auto a = m_audit.appendMany(Entity, QStringLiteral("store"), audit); !a)
        return a.error();
    if (!released.isEmpty())
        qCInfo(lcStore) << released.size() << "outbox jobs came back after their lease ran out";
    return int(released.size());
}

Result<QList<OutboxJob>> OutboxStore::claim(const QString &workerId, int max, qint64 leaseMs,
                                            const ClaimFilter &filter)
{
    QList<OutboxJob> jobs;
    if (max <= 0)
        return jobs;
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    if (auto r = releaseExpiredInTransaction(now); !r)
        return r.error();

    const QString lock = m_db.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE SKIP LOCKED");
    // sql-constant: the lock clause is one of two literals chosen by dialect; values are bound
    const QString sql
        = QStringLiteral(
              "UPDATE outbox SET state = 'claimed', claimed_by = ?, lease_until = ?, "
              "attempts = attempts + 1, updated_at = ? WHERE id IN (SELECT id FROM outbox AS due "
              "WHERE state = 'pending' AND next_attempt_at <= ? AND (? = '' OR target = ?) "
              "AND (? = '' OR kind = ?) AND priority >= ? "
              "AND (? = 0 OR due.record_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox AS older "
              "WHERE older.target = due.target AND older.record_key = due.record_key "
              "AND older.id < due.id AND older.state IN ('pending', 'claimed'))) "
              "ORDER BY priority DESC, next_attempt_at, id LIMIT ?")
        + lock + QStringLiteral(") RETURNING " LB_OUTBOX_COLUMNS);
    auto q = m_db.run(QStringLiteral("outbox.claim"), sql,
                      {workerId, now + leaseMs, now, now, Database::filterText(filter.target),
                       Database::filterText(filter.target), Database::filterText(filter.kind),
                       Database::filterText(filter.kind), filter.minPriority,
                       filter.inOrderPerRecord ? 1 : 0, max});
    if (!q)
        return q.error();
    while ((*q)->next())
        jobs.append(readJob(**q));
    (*q)->finish();
    std::sort(jobs.begin(), jobs.end(), [](const OutboxJob &a, const OutboxJob &b) {
        if (a.priority != b.priority)
            return a.priority > b.priority;
        return a.id < b.id;
    });
    QList<AuditLog::Item> audit;
    audit.reserve(jobs.size());
    for (const OutboxJob &job : jobs)
        audit.append({QString::number(job.id),
                      QStringLiteral("claimed"),
                      {{QStringLiteral("attempt"), job.attempts},
                       {QStringLiteral("lease_until"), job.leaseUntil}}});
    if (auto a = m_audit.appendMany(Entity, workerId, audit); !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return jobs;
}

Result<int> OutboxStore::dueCount(const ClaimFilter &filter)
{
    const qint64 now = m_clock.nowMs();
    auto q = m_db.run(QStringLiteral("outbox.dueCount"),
                      QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND "
                                     "next_attempt_at <= ? AND (? = '' OR target = ?) AND "
                                     "(? = '' OR kind = ?) AND priority >= ?"),
                      {now, Database::filterText(filter.target),
                       Database::filterText(filter.target), Database::filterText(filter.kind),
                       Database::filterText(filter.kind), filter.minPriority});
    if (!q)
        return q.error();
    const int count = (*q)->next() ? (*q)->value(0).toInt() : 0;
    (*q)->finish();
    return count;
}

Result<QList<OutboxJob>> OutboxStore::adopt(const QList<qint64> &ids, const QString &workerId,
                                            qint64 leaseUntil)
{
    QList<OutboxJob> jobs;
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    QList<AuditLog::Item> audit;
    for (qsizetype start = 0; start < ids.size(); start += Database::MaxRowsPerStatement) {
        const int count
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, ids.size() - start));
        QVariantList values {workerId, leaseUntil, now};
        for (int i = 0; i < count; ++i)
            values << ids.at(start + i);
        auto q = m_db.run(QStringLiteral("outbox.adopt.%1").arg(count),
                          QStringLiteral("UPDATE outbox SET claimed_by = ?, lease_until = ?, "
                                         "updated_at = ? WHERE state = 'claimed' AND id IN (")
                              + Database::listPlaceholders(count)
                              + QStringLiteral(") RETURNING " LB_OUTBOX_COLUMNS),
                          values);
        if (!q)
            return q.error();
        while ((*q)->next()) {
            jobs.append(readJob(**q));
            audit.append({QString::number(jobs.constLast().id), QStringLiteral("adopted"), {}});
        }
        (*q)->finish();
    }
    if (auto a = m_audit.appendMany(Entity, workerId, audit); !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    std::sort(jobs.begin(), jobs.end(),
              [](const OutboxJob &a, const OutboxJob &b) { return a.id < b.id; });
    return jobs;
}

Result<int> OutboxStore::complete(const QList<qint64> &ids, const QString &workerId)
{
    if (ids.isEmpty())
        return 0;
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    QList<AuditLog::Item> audit;
    for (qsizetype start = 0; start < ids.size(); start += Database::MaxRowsPerStatement) {
        const int count
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, ids.size() - start));
        QVariantList values {now, now, workerId};
        for (int i = 0; i < count; ++i)
            values << ids.at(start + i);
        // Only the lease holder may finish a job; a worker whose lease ran out changes nothing.
        auto q
            = m_db.run(QStringLiteral("outbox.complete.%1").arg(count),
                       QStringLiteral("UPDATE outbox SET state = 'done', completed_at = ?, "
                                      "updated_at = ?, claimed_by = NULL, lease_until = NULL, "
                                      "last_error_code = NULL, last_error = NULL "
                                      "WHERE state = 'claimed' AND claimed_by = ? AND id IN (")
                           + Database::listPlaceholders(count) + QStringLiteral(") RETURNING id"),
                       values);
        if (!q)
            return q.error();
        while ((*q)->next())
            audit.append(
                {QString::number((*q)->value(0).toLongLong()), QStringLiteral("completed"), {}});
        (*q)->finish();
    }
    if (auto a = m_audit.appendMany(Entity, workerId, audit); !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    const int completed = int(audit.size());
    if (completed < ids.size())
        qCWarning(lcStore) << "worker" << workerId << "no longer held" << ids.size() - completed
                           << "of the jobs it completed (lease ran out); left to their new holder";
    return completed;
}

Result<int> OutboxStore::failTransient(qint64 id, const QString &workerId, qint64 nextAttemptAt,
                                       const QString &code, const QString &message,
                                       bool countsAsAttempt)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    auto q = m_db.run(QStringLiteral("outbox.failTransient"),
                      QStringLiteral("UPDATE outbox SET state = 'pending', next_attempt_at = ?, "
                                     "claimed_by = NULL, lease_until = NULL, last_error_code = ?, "
                                     "last_error = ?, updated_at = ?, attempts = attempts - ? "
                                     "WHERE id = ? AND state = 'claimed' AND claimed_by = ?"),
                      {nextAttemptAt, code, message, now, countsAsAttempt ? 0 : 1, id, workerId});
    if (!q)
        return q.error();
    if ((*q)->numRowsAffected() != 1)
        return 0;
    if (auto a
        = m_audit.append(Entity, QString::number(id), QStringLiteral("retry_scheduled"), workerId,
                         {{QStringLiteral("code"), code},
                          {QStringLiteral("message"), message},
                          {QStringLiteral("next_attempt_at"), nextAttemptAt}});
        !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return 1;
}

Result<int> OutboxStore::failPermanent(qint64 id, const QString &workerId,
                                       const QString &errorClass, const QString &code,
                                       const QString &message)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    auto q = m_db.run(QStringLiteral("outbox.failPermanent"),
                      QStringLiteral("UPDATE outbox SET state = 'failed', claimed_by = NULL, "
                                     "lease_until = NULL, last_error_code = ?, last_error = ?, "
                                     "updated_at = ? "
                                     "WHERE id = ? AND state = 'claimed' AND claimed_by = ?"),
                      {code, message, now, id, workerId});
    if (!q)
        return q.error();
    if ((*q)->numRowsAffected() != 1)
        return 0;
    auto inbox = m_db.run(
        QStringLiteral("outbox.toInbox"),
        QStringLiteral(
            "INSERT INTO inbox (outbox_id, idempotency_key, kind, target, record_key, payload, "
            "error_class, error_code, error_message, attempts, failures, first_failed_at, "
            "last_failed_at, state) SELECT id, idempotency_key, kind, target, record_key, payload, "
            "?, ?, ?, attempts, 1, ?, ?, 'open' FROM outbox WHERE id = ? "
            "ON CONFLICT (outbox_id) DO UPDATE SET error_class = excluded.error_class, "
            "error_code = excluded.error_code, error_message = excluded.error_message, "
            "attempts = excluded.attempts, failures = inbox.failures + 1, "
            "last_failed_at = excluded.last_failed_at, payload = excluded.payload, "
            "state = 'open', resolution = NULL, resolved_by = NULL, resolved_at = NULL "
            "RETURNING id"),
        {errorClass, code, message, now, now, id});
    if (!inbox)
        return inbox.error();
    const qint64 inboxId = (*inbox)->next() ? (*inbox)->value(0).toLongLong() : 0;
    (*inbox)->finish();
    const QJsonObject detail {{QStringLiteral("class"), errorClass},
                              {QStringLiteral("code"), code},
                              {QStringLiteral("message"), message},
                              {QStringLiteral("inbox_id"), inboxId}};
    if (auto a = m_audit.append(Entity, QString::number(id), QStringLiteral("moved_to_inbox"),
                                workerId, detail);
        !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return 1;
}

Result<int> OutboxStore::releaseExpiredLeases()
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    auto released = releaseExpiredInTransaction(m_clock.nowMs());
    if (!released)
        return released;
    if (auto c = tx.commit(); !c)
        return c.error();
    return released;
}

Result<int> OutboxStore::cancel(qint64 id, const QString &actor)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    auto q = m_db.run(QStringLiteral("outbox.cancel"),
                      QStringLiteral("UPDATE outbox SET state = 'cancelled', updated_at = ? "
                                     "WHERE id = ? AND state = 'pending'"),
                      {m_clock.nowMs(), id});
    if (!q)
        return q.error();
    if ((*q)->numRowsAffected() != 1)
        return 0;
    if (auto a = m_audit.append(Entity, QString::number(id), QStringLiteral("cancelled"), actor);
        !a)
        return a.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return 1;
}

Result<QueueStats> OutboxStore::stats()
{
    QueueStats stats;
    const qint64 now = m_clock.nowMs();
    auto q = m_db.run(
        QStringLiteral("outbox.stats"),
        QStringLiteral(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending'), "
            "(SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?), "
            "(SELECT COUNT(*) FROM outbox WHERE state = 'claimed'), "
            "(SELECT COUNT(*) FROM inbox WHERE state = 'open'), "
            "(SELECT MIN(created_at) FROM outbox WHERE state = 'pending')"),
        {now});
    if (!q)
        return q.error();
    if ((*q)->next()) {
        stats.pending = (*q)->value(0).toLongLong();
        stats.due = (*q)->value(1).toLongLong();
        stats.inFlight = (*q)->value(2).toLongLong();
        stats.inbox = (*q)->value(3).toLongLong();
        stats.oldestPendingAt = (*q)->value(4).toLongLong();
    }
    (*q)->finish();
    return stats;
}

Result<QList<OutboxJob>> OutboxStore::active(int limit, int offset)
{
    auto q = m_db.run(QStringLiteral("outbox.active"),
                      QStringLiteral("SELECT " LB_OUTBOX_COLUMNS " FROM outbox WHERE state IN "
                                     "('pending', 'claimed') ORDER BY next_attempt_at, id "
                                     "LIMIT ? OFFSET ?"),
                      {limit, offset});
    if (!q)
        return q.error();
    return Database::rows(**q, readJob);
}

Result<OutboxJob> OutboxStore::get(qint64 id)
{
    auto q
        = m_db.run(QStringLiteral("outbox.get"),
                   QStringLiteral("SELECT " LB_OUTBOX_COLUMNS " FROM outbox WHERE id = ?"), {id});
    if (!q)
        return q.error();
    if (!(*q)->next())
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("There is no outbox job %1.").arg(id));
    OutboxJob job = readJob(**q);
    (*q)->finish();
    return job;
}

} // namespace lb
