#pragma once

#include "ApiBudget.h"
#include "DeliveryBatch.h"
#include "Ports.h"
#include "net/CircuitBreaker.h"
#include "store/Store.h"

#include <QRandomGenerator>

#include <functional>
#include <optional>

namespace lb {

// The one place delivery outcomes become store writes, for both targets: success (job
// complete), transient failure (retried with backoff and full jitter, or to the inbox once the
// attempts are used up), permanent failure (inbox with the system's own error). A call that
// failed as a whole is classified once here (throttling and refused credentials wait without
// losing an attempt; anything else is each record's failure).
//
// Every unit is one transaction: a failed statement or commit rolls it back whole, so its jobs
// stay claimed by this worker until their lease ends and are claimed again, and nothing of the
// unit is half-recorded.
class OutcomeRecorder
{
public:
    OutcomeRecorder(Store &store, const Clock &clock, const DeliveryConfig &config);

    void setRandomSeed(quint32 seed) { m_random.seed(seed); }

    // Runs `writes` in one transaction; returns whether the unit was recorded.
    bool recordUnit(const char *what, const std::function<Result<void>()> &writes);

    // Takes an API token, or postpones `jobs` until the budget allows (attempt given back) and
    // marks the round blocked. False without either when a job of `jobs` is no longer claimed
    // by this worker (its lease ran out while the process was frozen): nothing is sent.
    bool acquire(DeliveryBatch &batch, ApiBudget &budget, const QList<OutboxJob> &jobs,
                 bool urgent);

    // Tells the budget or the breaker about a call that failed as a whole. Returns until when
    // the records wait without losing an attempt (throttled, refused credentials), if they do.
    std::optional<qint64> noteCallFailure(const Error &error, ApiBudget &budget,
                                          CircuitBreaker &breaker);
    // Applies a whole-call failure to every job of a group, recorded under `code` when given
    // (else the error's own).
    void failCall(DeliveryBatch &batch, const QList<OutboxJob> &jobs, const Error &error,
                  ApiBudget &budget, CircuitBreaker &breaker, const QString &code = {});
    // Records the per-record outcomes of one call (complete, retry or inbox) as one unit, with
    // `alsoInUnit` (what the outcomes change beside the jobs) in it.
    void recordOutcomes(DeliveryBatch &batch, const QList<OutboxJob> &jobs,
                        const QList<WriteOutcome> &outcomes,
                        const std::function<Result<void>()> &alsoInUnit = {});
    // Records one job's failure (retry, supersede or inbox) and counts it in `counts`.
    Result<void> failOne(DeliveryRound &counts, const OutboxJob &job, const QString &code,
                         const QString &message, bool retryable);
    // A job whose record needs no write (nothing planned) is complete; one whose plan failed
    // goes to the inbox with the planner's error. Not recorded (logged): the job stays claimed
    // and is claimed again once its lease ends.
    void settleUnsent(const OutboxJob &job, const std::optional<Error> &planError);

    // What one write of planned leads came to, to be recorded as one unit.
    struct LeadWrites
    {
        QList<qint64> doneIds; // completed together (one statement per 100)
        QList<std::pair<OutboxJob, WriteOutcome>> failed; // retried or to the inbox
        QList<MirrorRecord> updates;
        int delivered = 0;

        // A record the target took: the mirror holds what was written there.
        void landed(MirrorRecord record, const QList<OutboxJob> &jobs, qint64 now);
        // A record the target refused: the mirror shows why; each job is retried or goes to the
        // inbox.
        void refused(MirrorRecord record, const QList<OutboxJob> &jobs, const WriteOutcome &o);
    };
    // Records `writes` with `alsoInUnit` (if given) in one unit and counts it in the round.
    // Returns whether it was recorded (if not, its jobs are claimed again once their lease
    // ends, and the resend first reads what landed).
    bool recordLeadWrites(DeliveryBatch &batch, const char *what, const LeadWrites &writes,
                          const std::function<Result<void>()> &alsoInUnit = {});

    // The outcome of a record a system's answer left out.
    static WriteOutcome missingResult(const QString &message);

    // Whether a job was sent before without an outcome LeadBridge knows: its answer was lost to
    // a kill or a lease that ran out (no error recorded), its call failed in transit (the
    // connection dropped or the answer timed out, maybe after the system committed), or the
    // answer told nothing of this record (`missing_result`: a bulk job collected after a
    // restart, aborted or reporting no row for it), or that check itself failed (CheckFailed).
    // Such a job is resent only after the check before a resend (MirrorRefresh) read what
    // landed.
    static bool outcomeUnknown(const OutboxJob &job);
    // The error code of a job whose check before a resend failed: it waits, still unknown.
    static inline const QString CheckFailed = QStringLiteral("check_failed");
    // A call that failed this way may have been carried out: no answer, or one cut short.
    static bool failedInTransit(const QString &errorCode);

    const DeliveryConfig &config() const { return m_config; }

private:
    qint64 retryAt(int attempts);

    Store &m_store;
    const Clock &m_clock;
    const DeliveryConfig &m_config;
    QRandomGenerator m_random;
};

} // namespace lb
