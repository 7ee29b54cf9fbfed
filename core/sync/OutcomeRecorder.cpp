#include "OutcomeRecorder.h"

#include "log/Logging.h"
#include "net/CallFailure.h"

namespace lb {

OutcomeRecorder::OutcomeRecorder(Store &store, const Clock &clock, const DeliveryConfig &config)
    : m_store(store)
    , m_clock(clock)
    , m_config(config)
    , m_random(QRandomGenerator::securelySeeded())
{ }

bool OutcomeRecorder::recordUnit(const char *what, const std::function<Result<void>()> &writes)
{
    Transaction tx(m_store.database());
    Result<void> recorded = tx.started();
    if (recorded)
        recorded = writes();
    if (recorded)
        recorded = tx.commit();
    if (!recorded)
        qCWarning(lcSync).nospace() << "could not record " << what
                                    << " (the jobs are claimed again when their lease ends): "
                                    << recorded.error().toString();
    return recorded.ok();
}

bool OutcomeRecorder::acquire(DeliveryBatch &batch, ApiBudget &budget, const QList<OutboxJob> &jobs,
                              bool urgent)
{
    // Still ours? A process frozen (SIGSTOP, a paused VM) or starved past its claims' lease
    // finds them claimed by another worker (or given back) when it runs again: it sends
    // nothing of them, since what it planned may be older than what the new holder sends
    // (a stale write landing after a newer one would overwrite it, and our own writes are not
    // read back from the stream). The claims it still holds are extended for the call.
    QList<qint64> ids;
    ids.reserve(jobs.size());
    for (const OutboxJob &job : jobs)
        ids.append(job.id);
    auto held
        = m_store.outbox().holdUntil(ids, m_config.workerId, m_clock.nowMs() + m_config.leaseMs);
    if (!held || *held < ids.size()) {
        qCWarning(lcSync).noquote()
            << (held ? QStringLiteral("%1 of %2 jobs are no longer claimed by this worker (its "
                                      "lease ran out): not sent")
                           .arg(ids.size() - *held)
                           .arg(ids.size())
                     : QStringLiteral("could not check the claims before sending: ")
                        + held.error().toString());
        return false;
    }
    if (budget.tryAcquire(urgent))
        return true;
    // No budget now: the jobs wait for it without losing an attempt.
    const qint64 at = m_clock.nowMs() + budget.waitMs(urgent);
    // Not recorded: the jobs stay claimed until their lease ends, then wait like this anyway.
    recordUnit("jobs waiting for API budget", [&]() -> Result<void> {
        for (const OutboxJob &job : jobs) {
            if (auto r = m_store.outbox().failTransient(
                    job.id, m_config.workerId, at, QStringLiteral("throttled"),
                    QStringLiteral("waiting for API budget"), false);
                !r)
                return r.error();
        }
        return {};
    });
    batch.round.blocked = true;
    batch.round.blockedReason = QStringLiteral("waiting for API budget");
    return false;
}

qint64 OutcomeRecorder::retryAt(int attempts)
{
    return m_clock.nowMs() + m_config.retry.backoffMs(attempts, m_random);
}

std::optional<qint64> OutcomeRecorder::noteCallFailure(const Error &error, ApiBudget &budget,
                                                       CircuitBreaker &breaker)
{
    // Throttled or refused credentials: not the records' fault, so they wait (as told, or a
    // minute) and get the attempt back.
    if (isThrottling(error)) {
        budget.throttled(error.retryAfterMs > 0 ? error.retryAfterMs : m_config.limitBackoffMs,
                         error.toString());
        return m_clock.nowMs() + budget.waitMs(true);
    }
    breaker.recordFailure();
    if (isAuthFailure(error))
        return m_clock.nowMs() + 60'000;
    return std::nullopt;
}

void OutcomeRecorder::failCall(DeliveryBatch &batch, const QList<OutboxJob> &jobs,
                               const Error &error, ApiBudget &budget, CircuitBreaker &breaker,
                               const QString &code)
{
    const QString recordedCode = code.isEmpty() ? error.code : code;
    // Anything but throttling and refused credentials is each job's failure.
    const std::optional<qint64> waitUntil = noteCallFailure(error, budget, breaker);
    if (waitUntil) {
        batch.round.blocked = true;
        batch.round.blockedReason = error.message;
    }
    DeliveryRound counts;
    const bool recorded = recordUnit("a failed call", [&]() -> Result<void> {
        for (const OutboxJob &job : jobs) {
            if (waitUntil) {
                if (auto r = m_store.outbox().failTransient(job.id, m_config.workerId, *waitUntil,
                                                            recordedCode, error.message, false);
                    !r)
                    return r.error();
            } else if (auto r = failOne(counts, job, recordedCode, error.message, error.retryable);
                       !r) {
                return r;
            }
        }
        return {};
    });
    if (recorded)
        batch.round.add(counts);
    qCInfo(lcSync).noquote() << batch.target << "call failed for" << jobs.size()
                             << "jobs:" << error.toString();
}

void OutcomeRecorder::recordOutcomes(DeliveryBatch &batch, const QList<OutboxJob> &jobs,
                                     const QList<WriteOutcome> &outcomes,
                                     const std::function<Result<void>()> &alsoInUnit)
{
    DeliveryRound counts;
    if (recordUnit("write outcomes", [&]() -> Result<void> {
            QList<qint64> done;
            for (int i = 0; i < jobs.size(); ++i) {
                const WriteOutcome o = outcomes.value(i);
                if (o.success) {
                    done.append(jobs.at(i).id);
                    ++counts.delivered;
                } else if (auto r
                           = failOne(counts, jobs.at(i),
                                     o.code.isEmpty() ? QStringLiteral("missing_result") : o.code,
                                     o.message, o.code.isEmpty() || o.retryable);
                           !r) {
                    return r;
                }
            }
            if (auto r = m_store.outbox().complete(done, m_config.workerId); !r)
                return r.error();
            if (alsoInUnit)
                return alsoInUnit();
            return {};
        }))
        batch.round.add(counts);
}

Result<void> OutcomeRecorder::failOne(DeliveryRound &counts, const OutboxJob &job,
                                      const QString &code, const QString &message, bool retryable)
{
    OutboxStore &outbox = m_store.outbox();
    if (retryable) {
        // A newer job for this record makes the retry pointless (it would write older values).
        auto newer = outbox.hasNewerJob(job);
        if (!newer)
            return newer.error();
        if (*newer) {
            if (auto r = outbox.supersede({job.id}, m_config.workerId); !r)
                return r.error();
            return {};
        }
        if (!m_config.retry.exhausted(job.attempts)) {
            if (auto r = outbox.failTransient(job.id, m_config.workerId, retryAt(job.attempts),
                                              code, message);
                !r)
                return r.error();
            ++counts.retried;
            return {};
        }
        if (auto r = outbox.failPermanent(
                job.id, m_config.workerId, ErrorClass::Exhausted, code,
                QStringLiteral("Gave up after %1 attempts: %2").arg(job.attempts).arg(message));
            !r)
            return r.error();
    } else if (auto r = outbox.failPermanent(job.id, m_config.workerId, ErrorClass::Permanent, code,
                                             message);
               !r) {
        return r.error();
    }
    ++counts.toInbox;
    return {};
}

void OutcomeRecorder::settleUnsent(const OutboxJob &job, const std::optional<Error> &planError)
{
    const Result<int> r = planError
        ? m_store.outbox().failPermanent(job.id, m_config.workerId, ErrorClass::Validation,
                                         planError->code, planError->message)
        : m_store.outbox().complete({job.id}, m_config.workerId);
    if (!r)
        qCWarning(lcSync) << "could not record job" << job.id << ":" << r.error().toString();
}

void OutcomeRecorder::LeadWrites::landed(MirrorRecord record, const QList<OutboxJob> &jobs,
                                         qint64 now)
{
    record.syncState = QStringLiteral("synced");
    record.lastSyncedAt = now;
    record.lastError.clear();
    updates.append(record);
    for (const OutboxJob &job : jobs)
        doneIds.append(job.id);
    ++delivered;
}

void OutcomeRecorder::LeadWrites::refused(MirrorRecord record, const QList<OutboxJob> &jobs,
                                          const WriteOutcome &o)
{
    record.syncState = o.retryable ? QStringLiteral("pending") : QStringLiteral("error");
    record.lastError = o.code + QStringLiteral(": ") + o.message;
    updates.append(record);
    for (const OutboxJob &job : jobs)
        failed.append({job, o});
}

bool OutcomeRecorder::recordLeadWrites(DeliveryBatch &batch, const char *what,
                                       const LeadWrites &writes,
                                       const std::function<Result<void>()> &alsoInUnit)
{
    DeliveryRound counts;
    const bool recorded = recordUnit(what, [&]() -> Result<void> {
        for (const auto &[job, o] : writes.failed) {
            if (auto r = failOne(counts, job, o.code, o.message, o.retryable); !r)
                return r;
        }
        if (auto r = m_store.outbox().complete(writes.doneIds, m_config.workerId); !r)
            return r.error();
        if (auto r = m_store.leads().put(writes.updates); !r)
            return r.error();
        if (alsoInUnit)
            return alsoInUnit();
        return {};
    });
    if (!recorded)
        return false;
    batch.round.add(counts);
    batch.round.delivered += writes.delivered;
    return true;
}

bool OutcomeRecorder::failedInTransit(const QString &errorCode)
{
    // HttpClient's words for a request whose answer did not arrive whole (core/net): the
    // request may have reached the system and been carried out. A refused connection is
    // "network" too; its check costs one read.
    return errorCode == QLatin1String("network") || errorCode == QLatin1String("timeout")
        || errorCode == QLatin1String("undecodable_response")
        || errorCode == QLatin1String("response_too_large");
}

bool OutcomeRecorder::outcomeUnknown(const OutboxJob &job)
{
    return job.attempts > 1
        && (job.lastErrorCode.isEmpty() || failedInTransit(job.lastErrorCode)
            || job.lastErrorCode == QLatin1String("missing_result")
            || job.lastErrorCode == CheckFailed);
}

WriteOutcome OutcomeRecorder::missingResult(const QString &message)
{
    WriteOutcome o;
    o.success = false;
    o.retryable = true;
    o.code = QStringLiteral("missing_result");
    o.message = message;
    return o;
}

} // namespace lb
