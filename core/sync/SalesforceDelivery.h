#pragma once

#include "PlannedLeadWrites.h"
#include "Ports.h"
#include "TargetDelivery.h"

#include <QSet>

#include <functional>

namespace lb {

// One delivery round to Salesforce: claims due jobs per kind and sends each group with the call
// made for it, one after the other: lead upserts (one Composite request of five Collections, or
// one Bulk API 2.0 ingest job when more than `bulkThreshold` are due:
// SalesforceBulkDelivery.cpp), People__c and lead id write-backs, closes and deletes of leads
// deleted on the platform, then platform events. Outcomes go through the OutcomeRecorder.
class SalesforceDelivery : public TargetDelivery
{
    Q_OBJECT
public:
    SalesforceDelivery(const Parts &parts, SalesforcePort &salesforce, ApiBudget &budget,
                       CircuitBreaker &breaker, QObject *parent = nullptr);

    void deliver(std::function<void(DeliveryRound)> done);

private:
    using Batch = std::shared_ptr<DeliveryBatch>;
    using PlannedLead = PlannedLeadWrite<SyncPlanner::SalesforceWrite>;
    using PlannedLeads = PlannedLeadWrites<SyncPlanner::SalesforceWrite>;
    using Step = void (SalesforceDelivery::*)(Batch);

    void claim(const Batch &batch);
    void sendLeads(Batch batch);
    // A finished bulk job's jobs still claimed are held for a lease at most (OutboxStore).
    Result<void> endHold(const QList<qint64> &ids);
    // Takes the leads whose check before a resend failed out of the batch: they wait (as after a
    // failed call) and are checked again on their next try, never sent blind.
    void holdBackUnchecked(DeliveryBatch &batch, const MirrorRefresh::Unchecked &unchecked);
    void planLeadsAndSend(Batch batch);
    PlannedLeads planLeads(DeliveryBatch &batch, const QList<OutboxJob> &jobs);
    QList<QJsonObject> leadRecords(const QList<PlannedLead> &planned) const;
    // Records the outcomes of one Salesforce write of planned leads (one per lead, in order) as
    // one unit, with `alsoInUnit` (if given): delivered -> mirror and job complete (and a
    // Lead_Assigned__e when the planner says so); converted meanwhile -> recorded, not sent;
    // failed -> retry or inbox.
    void recordLeadWrites(DeliveryBatch &batch, const QList<PlannedLead> &planned,
                          const QList<WriteOutcome> &outcomes,
                          const std::function<Result<void>()> &alsoInUnit = {});
    void sendPeopleUpdates(Batch batch);
    void sendLeadLinks(Batch batch);
    void sendIdWriteBacks(Batch batch, QList<OutboxJob> &pending, const ObjectMapping &mapping,
                          Step next);
    void sendLeadCloses(Batch batch);
    void sendLeadDeletes(Batch batch);
    void sendEvents(Batch batch);
    // The answer to one Salesforce write of `jobs`: the per-record outcomes (after `adjust`, if
    // given, and with what `alsoInUnit` records of them in the same unit) or the call's failure
    // for every job; either way the batch goes on with `next`.
    using OutcomesRecord
        = std::function<Result<void>(const QList<OutboxJob> &, const QList<WriteOutcome> &)>;
    std::function<void(Result<QList<WriteOutcome>>)>
    answer(Batch batch, QList<OutboxJob> jobs, Step next,
           std::function<void(QList<WriteOutcome> &)> adjust = {}, OutcomesRecord alsoInUnit = {});
    // The mirror records of the jobs whose write landed, each changed by `change` (false: left
    // as it is), put back in the same unit as the outcomes.
    Result<void> recordLanded(const QList<OutboxJob> &jobs, const QList<WriteOutcome> &outcomes,
                              const std::function<bool(MirrorRecord &)> &change);

    // Bulk API 2.0 (SalesforceBulkDelivery.cpp).
    void sendLeadsInBulk(Batch batch, PlannedLeads planned, QList<OutboxJob> jobs);
    // Collects an ingest job sent before (this process or one that died) and records it.
    void resumeBulk(Batch batch, IngestJob job);
    void recordBulkResult(DeliveryBatch &batch, const QString &jobId, QList<PlannedLead> planned,
                          const BulkWriteResult &result,
                          const QHash<qint64, QByteArray> &plannedHashes,
                          const QStringList &orphans);
    // The leads of a collected bulk job that were deleted on the platform before its answer
    // told their Salesforce ids (`orphans`): each one the job created is closed or deleted in
    // Salesforce like any platform deletion (the jobs are queued in the caller's unit).
    Result<void> closeOrphans(const QStringList &orphans, const BulkWriteResult &result);
    // A poll's counters go to the job's row (an import shows them); a cancel the import asked
    // for meanwhile aborts the job at Salesforce.
    void onBulkPoll(const QString &jobId, const QString &state, qint64 processed, qint64 failed);
    // A bulk call that failed once its job was stored: the job stays open (collected next
    // round); only the budget and breaker learn of it.
    void bulkCallFailed(DeliveryBatch &batch, const QString &jobId, const Error &error);

    SalesforcePort &m_salesforce;
    QSet<QString> m_aborting; // bulk jobs whose abort is on its way
};

} // namespace lb
