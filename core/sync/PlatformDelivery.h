#pragma once

#include "PlannedLeadWrites.h"
#include "Ports.h"
#include "TargetDelivery.h"

#include <functional>

namespace lb {

// One delivery round to the platform: claims up to `platformBatch` due jobs and sends them one
// group after the other: leads (one batch request), agents (PUTs and deactivations), then
// deletions and restores of leads deleted or undeleted in Salesforce. Outcomes go through the
// OutcomeRecorder.
class PlatformDelivery : public TargetDelivery
{
    Q_OBJECT
public:
    PlatformDelivery(const Parts &parts, PlatformPort &platform, ApiBudget &budget,
                     CircuitBreaker &breaker, QObject *parent = nullptr);

    void deliver(std::function<void(DeliveryRound)> done);

private:
    using Batch = std::shared_ptr<DeliveryBatch>;
    using PlannedLead = PlannedLeadWrite<SyncPlanner::PlatformWrite>;
    using PlannedLeads = PlannedLeadWrites<SyncPlanner::PlatformWrite>;

    // Sorts the claimed jobs into the batch's groups; a kind with no delivery goes to the inbox.
    void sort(DeliveryBatch &batch, const QList<OutboxJob> &claimed);
    void sendLeads(Batch batch);
    void planLeadsAndSend(Batch batch);
    void recordLeadWrites(DeliveryBatch &batch, const QList<PlannedLead> &planned,
                          const QList<WriteOutcome> &outcomes);
    void sendAgents(Batch batch, int index);
    void sendDeactivation(Batch batch, int index, const std::optional<MirrorRecord> &mirror);
    void sendDeletes(Batch batch, int index);
    void sendRestore(Batch batch, int index);
    void recordSynced(DeliveryBatch &batch, const char *what, MirrorStore &mirror,
                      MirrorRecord updated, const OutboxJob &job);

    PlatformPort &m_platform;
};

} // namespace lb
