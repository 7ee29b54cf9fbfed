#pragma once

#include "AuditLog.h"
#include "Database.h"
#include "model/OutboxJob.h"
#include "util/Clock.h"

#include <QList>

#include <climits>

namespace lb {

// Which due jobs a worker wants: one target only (e.g. while the other's breaker is open)
// and/or only urgent work (while API usage is over the pause threshold).
struct ClaimFilter
{
    QString target; // empty = any
    QString kind; // empty = any
    int minPriority = INT_MIN;
    // A job waits while an older job of its target for the same record is pending or claimed,
    // so a record's jobs leave in the order they were decided (destinations get a lead's
    // events in order, also across retries).
    bool inOrderPerRecord = false;
};

// The durable queue between deciding a write and making it. Jobs are claimed with a lease:
// a worker that dies gives its jobs back when the lease ends, and only the lease holder can
// complete or fail a job, so a job is finished exactly once.
class OutboxStore
{
public:
    OutboxStore(Database &db, AuditLog &audit, const Clock &clock);

    // A job whose idempotency key is already known is skipped, not an error.
    Result<EnqueueResult> enqueue(const QList<NewJob> &jobs, const QString &actor);

    // Records a job that must not be sent (it failed validation) straight into the inbox, so an
    // admin sees it and can retry it once the data is fixed. Idempotent like enqueue().
    Result<bool> park(const NewJob &job, const QString &errorClass, const QString &code,
                      const QString &message, const QString &actor);

    // Claims up to `max` due jobs (and first returns any whose lease has run out).
    Result<QList<OutboxJob>> claim(const QString &workerId, int max, qint64 leaseMs,
                                   const ClaimFilter &filter = {});

    // How many jobs are due now (what claim() with this filter could take, leases aside).
    Result<int> dueCount(const ClaimFilter &filter = {});
    // Keeps this worker's claim on `ids` until `leaseUntil`: jobs a Bulk API 2.0 job carries
    // wait for its results however long Salesforce takes. Returns how many it still held.
    Result<int> holdUntil(const QList<qint64> &ids, const QString &workerId, qint64 leaseUntil);
    // Ends such a hold once its bulk job is finished: a job of `ids` still claimed (by anyone)
    // past `leaseUntil` is held only until then, so none stays held (and, claimed in order per
    // record, holds its lead's newer writes back) for the days a bulk job may run.
    Result<int> endHold(const QList<qint64> &ids, qint64 leaseUntil);
    // Takes over the claimed jobs among `ids` (whoever held them, e.g. a worker that died while
    // its bulk job ran) without counting an attempt, and returns them.
    Result<QList<OutboxJob>> adopt(const QList<qint64> &ids, const QString &workerId,
                                   qint64 leaseUntil);

    // Each returns how many of the given jobs this worker still held and so changed.
    Result<int> complete(const QList<qint64> &ids, const QString &workerId);
    // `countsAsAttempt` false: the call never reached a decision (throttled, breaker open,
    // waiting for a token), so the attempt is given back and cannot exhaust the job.
    Result<int> failTransient(qint64 id, const QString &workerId, qint64 nextAttemptAt,
                              const QString &code, const QString &message,
                              bool countsAsAttempt = true);
    Result<int> failPermanent(qint64 id, const QString &workerId, const QString &errorClass,
                              const QString &code, const QString &message);

    // Drops claimed jobs whose write is no longer wanted because a newer job for the same
    // record exists (their retry would put older values back).
    Result<int> supersede(const QList<qint64> &ids, const QString &workerId);
    Result<bool> hasNewerJob(const OutboxJob &job);

    Result<int> releaseExpiredLeases();
    Result<int> cancel(qint64 id, const QString &actor);

    Result<QueueStats> stats();
    Result<QList<OutboxJob>> active(int limit = 500, int offset = 0); // pending + claimed
    Result<OutboxJob> get(qint64 id);

private:
    Result<int> releaseExpiredInTransaction(qint64 now);
    Result<QList<qint64>> supersedeOlder(const QString &kind, const QString &recordKey,
                                         qint64 newerId, qint64 now);
    static OutboxJob readJob(const QSqlQuery &q);

    Database &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
};

} // namespace lb
