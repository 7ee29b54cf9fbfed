#include "TargetDelivery.h"

namespace lb {

TargetDelivery::TargetDelivery(const Parts &parts, QString target, ApiBudget &budget,
                               CircuitBreaker &breaker, QObject *parent)
    : QObject(parent)
    , m_store(parts.store)
    , m_leads(parts.leads)
    , m_agents(parts.agents)
    , m_clock(parts.clock)
    , m_config(parts.config)
    , m_recorder(parts.recorder)
    , m_refresh(parts.refresh)
    , m_target(std::move(target))
    , m_budget(budget)
    , m_breaker(breaker)
{ }

std::shared_ptr<DeliveryBatch> TargetDelivery::startRound(std::function<void(DeliveryRound)> done)
{
    auto batch = std::make_shared<DeliveryBatch>();
    batch->target = m_target;
    batch->done = std::move(done);
    const ApiBudget::State budget = m_budget.state();
    if (budget.blocked || !m_breaker.allowRequest()) {
        batch->round.blocked = true;
        batch->round.blockedReason
            = budget.blocked ? budget.reason : QStringLiteral("circuit breaker open");
        batch->finish();
        return nullptr;
    }
    batch->urgentOnly = budget.paused;
    return batch;
}

} // namespace lb
