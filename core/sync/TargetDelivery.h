#pragma once

#include "ApiBudget.h"
#include "DeliveryBatch.h"
#include "MirrorRefresh.h"
#include "OutcomeRecorder.h"
#include "SyncPlanner.h"
#include "net/CircuitBreaker.h"
#include "store/Store.h"

#include <QObject>

#include <functional>
#include <memory>

namespace lb {

// What a delivery to one target (SalesforceDelivery, PlatformDelivery) works with: the store,
// the planners, that target's budget and breaker, and the parts both targets share.
class TargetDelivery : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        Store &store;
        const SyncPlanner &leads;
        const SyncPlanner &agents;
        const Clock &clock;
        const DeliveryConfig &config;
        OutcomeRecorder &recorder;
        MirrorRefresh &refresh;
    };

    TargetDelivery(const Parts &parts, QString target, ApiBudget &budget, CircuitBreaker &breaker,
                   QObject *parent);

signals:
    void delivered(int records);

protected:
    // A new round, or none (the round already finished as blocked) when the budget or the
    // breaker allows no call now. `urgentOnly` is set while the budget is paused.
    std::shared_ptr<DeliveryBatch> startRound(std::function<void(DeliveryRound)> done);

    Store &m_store;
    const SyncPlanner &m_leads;
    const SyncPlanner &m_agents;
    const Clock &m_clock;
    const DeliveryConfig &m_config;
    OutcomeRecorder &m_recorder;
    MirrorRefresh &m_refresh;
    const QString m_target;
    ApiBudget &m_budget;
    CircuitBreaker &m_breaker;
};

} // namespace lb
