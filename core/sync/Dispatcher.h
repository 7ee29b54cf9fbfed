#pragma once

#include "ApiBudget.h"
#include "Ports.h"
#include "SyncPlanner.h"
#include "net/CircuitBreaker.h"
#include "net/RetryPolicy.h"
#include "store/Store.h"

#include <QObject>
#include <QRandomGenerator>

#include <functional>

namespace lb {

// Delivers due outbox jobs. One round per target claims a batch (up to 1,000 Salesforce jobs:
// one Composite request of five Collections; more lead upserts than `bulkThreshold` due: up to
// `bulkBatch` in one Bulk API 2.0 ingest job, DispatcherBulk.cpp; up to 500 platform jobs: one
// batch request), builds
// each write from the mirror's newest state, sends it, and applies the per-record results in
// one transaction: delivered -> mirror updated and job completed; retryable -> scheduled again
// with backoff and full jitter (or to the inbox once attempts are used up); permanent -> inbox
// with the system's own error.
class Dispatcher : public QObject
{
    Q_OBJECT
public:
    struct Config
    {
        QString workerId = QStringLiteral("worker");
        int salesforceBatch = 1000;
        int platformBatch = 500;
        qint64 leaseMs = 5 * 60'000;
        RetryPolicy retry;
        double highValueThreshold = 50'000;
        qint64 limitBackoffMs = 60'000; // after a throttling answer that names no time
        int bulkThreshold = 2000; // more due lead upserts than this go through Bulk API 2.0
        int bulkBatch = 100'000; // lead upserts per ingest job
    };

    // Whether `dueLeads` lead upserts go out through a Bulk API 2.0 ingest job.
    static bool useBulk(int dueLeads, int bulkThreshold) { return dueLeads > bulkThreshold; }

    struct Round
    {
        int claimed = 0;
        int delivered = 0;
        int retried = 0;
        int toInbox = 0;
        int unchanged = 0; // nothing left to write (already there)
        bool blocked = false; // breaker open or limits: nothing was claimed
        QString blockedReason;
    };

    Dispatcher(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
               const SyncPlanner &leads, const SyncPlanner &agents, ApiBudget &salesforceBudget,
               ApiBudget &platformBudget, CircuitBreaker &salesforceBreaker,
               CircuitBreaker &platformBreaker, const Clock &clock, Config config,
               QObject *parent = nullptr);

    void deliverSalesforce(std::function<void(Round)> done);
    void deliverPlatform(std::function<void(Round)> done);

    const Config &config() const { return m_config; }
    void setRandomSeed(quint32 seed) { m_random.seed(seed); }

signals:
    void delivered(const QString &target, int records);
    void movedToInbox(int count);

private:
    // One delivery round of a target: what it claimed, and its counts so far.
    struct Batch
    {
        QString target;
        Round round;
        std::function<void(Round)> done;
        bool urgentOnly = false;
        bool bulk = false; // the leads go out in one Bulk API 2.0 ingest job
        QList<OutboxJob> leads;
        QList<OutboxJob> people;
        QList<OutboxJob> links; // platform ids written back to leads created in Salesforce
        QList<OutboxJob> closes; // leads deleted on the platform, closed in Salesforce
        QList<OutboxJob> deletes; // leads deleted on the platform, deleted in Salesforce
        // Leads deleted in Salesforce, deleted on the platform; and undeleted there, restored.
        QList<OutboxJob> platformDeletes;
        QList<OutboxJob> events;
        QList<OutboxJob> agents;
    };

    // The write planned for one lead and the jobs (one or more, coalesced) it answers.
    struct PlannedLead
    {
        QString platformId;
        SyncPlanner::SalesforceWrite write;
        MirrorRecord before;
        QList<OutboxJob> jobs;
    };
    using PlannedLeads = std::shared_ptr<QList<PlannedLead>>;
    void sendSalesforceLeads(std::shared_ptr<Batch> batch);
    void planSalesforceLeads(std::shared_ptr<Batch> batch);
    // Plans the Salesforce writes of lead upsert jobs, one per lead, and records the jobs with
    // nothing (left) to write and the invalid ones as one unit.
    PlannedLeads planLeads(Batch &batch, const QList<OutboxJob> &jobs);
    QList<QJsonObject> leadRecords(const QList<PlannedLead> &planned) const;
    // Records the outcomes of one Salesforce write of planned leads (one per lead, in order) as
    // one unit, with `alsoInUnit` (if given): delivered -> mirror and job complete (and a
    // Lead_Assigned__e when due); failed -> retry or inbox (failOne).
    void recordLeadWrites(Batch &batch, const QList<PlannedLead> &planned,
                          const QList<WriteOutcome> &outcomes,
                          const std::function<Result<void>()> &alsoInUnit = {});
    // Bulk API 2.0 (DispatcherBulk.cpp).
    void sendLeadsInBulk(std::shared_ptr<Batch> batch, PlannedLeads planned, QList<OutboxJob> jobs);
    void recordBulkResult(Batch &batch, const QString &jobId, QList<PlannedLead> planned,
                          const BulkWriteResult &result,
                          const QHash<qint64, QByteArray> &plannedHashes);
    // Collects an ingest job sent before (this process or one that died) and records it.
    void resumeBulk(std::shared_ptr<Batch> batch, IngestJob job);
    // A bulk call that failed once its job was stored: the job stays open (collected next
    // round); only the budget and breaker learn of it.
    void bulkCallFailed(Batch &batch, const QString &jobId, const Error &error);
    void refreshFromSalesforce(const QStringList &platformIds, std::function<void()> then);
    void refreshFromPlatform(const QStringList &platformIds, int index, std::function<void()> then);
    void sendPeopleUpdates(std::shared_ptr<Batch> batch);
    void sendLeadLinks(std::shared_ptr<Batch> batch);
    void sendLeadCloses(std::shared_ptr<Batch> batch);
    void sendLeadDeletes(std::shared_ptr<Batch> batch);
    void sendEvents(std::shared_ptr<Batch> batch);
    void finish(std::shared_ptr<Batch> batch);
    void sendPlatformLeads(std::shared_ptr<Batch> batch);
    void planPlatformLeads(std::shared_ptr<Batch> batch);
    void sendAgents(std::shared_ptr<Batch> batch, int index);
    void sendPlatformDeletes(std::shared_ptr<Batch> batch, int index);
    void sendPlatformRestore(std::shared_ptr<Batch> batch, int index);

    // Records one unit of outcomes in one transaction: `writes` runs the statements and stops
    // at the first failure; then the unit is rolled back whole (a failed commit too), so its
    // jobs stay claimed by this worker until their lease ends and are claimed again, and
    // nothing of the unit is half-recorded. Returns whether the unit was recorded.
    bool recordUnit(const char *what, const std::function<Result<void>()> &writes);
    using Step = void (Dispatcher::*)(std::shared_ptr<Batch>);
    // The answer to one Salesforce write of `jobs`: the per-record outcomes (after `adjust`, if
    // given) or the call's failure for every job; either way the batch goes on with `next`.
    std::function<void(Result<QList<WriteOutcome>>)>
    salesforceAnswer(std::shared_ptr<Batch> batch, QList<OutboxJob> jobs, Step next,
                     std::function<void(QList<WriteOutcome> &)> adjust = {});
    void sendIdWriteBacks(std::shared_ptr<Batch> batch, QList<OutboxJob> &pending,
                          const ObjectMapping &mapping, Step next);
    // Applies a whole-call failure to every job of a group.
    void failCall(Batch &batch, const QList<OutboxJob> &jobs, const Error &error, ApiBudget &budget,
                  CircuitBreaker &breaker);
    // Records the per-record outcomes of one call (complete, retry or inbox) as one unit.
    void recordOutcomes(Batch &batch, const QList<OutboxJob> &jobs,
                        const QList<WriteOutcome> &outcomes);
    // Records one job's failure (retry, supersede or inbox) and counts it in `counts`.
    Result<void> failOne(Round &counts, const OutboxJob &job, const QString &code,
                         const QString &message, bool retryable);
    qint64 retryAt(int attempts);
    // Takes an API token, or postpones `jobs` until the budget allows (attempt given back).
    bool acquire(Batch &batch, ApiBudget &budget, const QList<OutboxJob> &jobs, bool urgent);

    Store &m_store;
    SalesforcePort &m_salesforce;
    PlatformPort &m_platform;
    const SyncPlanner &m_leads;
    const SyncPlanner &m_agents;
    ApiBudget &m_salesforceBudget;
    ApiBudget &m_platformBudget;
    CircuitBreaker &m_salesforceBreaker;
    CircuitBreaker &m_platformBreaker;
    const Clock &m_clock;
    Config m_config;
    QRandomGenerator m_random;
};

} // namespace lb
