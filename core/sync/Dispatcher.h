#pragma once

#include "ApiBudget.h"
#include "DeliveryBatch.h"
#include "Ports.h"
#include "SyncPlanner.h"
#include "TargetDelivery.h"
#include "net/CircuitBreaker.h"
#include "store/Store.h"

#include <QObject>

#include <functional>
#include <memory>

namespace lb {

class PlatformDelivery;
class SalesforceDelivery;

// Delivers due outbox jobs, one round per target: SalesforceDelivery (up to 1,000 jobs in one
// Composite request of five Collections; more lead upserts than `bulkThreshold` due: up to
// `bulkBatch` in one Bulk API 2.0 ingest job) and PlatformDelivery (up to 500 jobs: one batch
// request). Each builds its writes from the mirror's newest state (PlannedLeadWrites.h), reads
// again first where a resend's outcome is unknown (MirrorRefresh), and records the per-record
// results through one OutcomeRecorder: delivered -> mirror updated and job completed; retryable
// -> scheduled again with backoff and full jitter (or to the inbox once attempts are used up);
// permanent -> inbox with the system's own error.
class Dispatcher : public QObject
{
    Q_OBJECT
public:
    using Config = DeliveryConfig;
    using Round = DeliveryRound;

    // Whether `dueLeads` lead upserts go out through a Bulk API 2.0 ingest job.
    static bool useBulk(int dueLeads, int bulkThreshold)
    {
        return useBulkIngest(dueLeads, bulkThreshold);
    }

    Dispatcher(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
               const SyncPlanner &leads, const SyncPlanner &agents, ApiBudget &salesforceBudget,
               ApiBudget &platformBudget, CircuitBreaker &salesforceBreaker,
               CircuitBreaker &platformBreaker, const Clock &clock, Config config,
               QObject *parent = nullptr);
    ~Dispatcher() override;

    void deliverSalesforce(std::function<void(Round)> done);
    void deliverPlatform(std::function<void(Round)> done);

    const Config &config() const { return m_config; }
    void setRandomSeed(quint32 seed);

signals:
    void delivered(const QString &target, int records);
    void movedToInbox(int count);

private:
    TargetDelivery::Parts parts(Store &store, const SyncPlanner &leads, const SyncPlanner &agents,
                                const Clock &clock);
    std::function<void(Round)> reporting(std::function<void(Round)> done);

    Config m_config;
    std::unique_ptr<OutcomeRecorder> m_recorder;
    MirrorRefresh *m_refresh;
    SalesforceDelivery *m_salesforce;
    PlatformDelivery *m_platform;
};

} // namespace lb
