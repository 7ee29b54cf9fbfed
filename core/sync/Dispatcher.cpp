#include "Dispatcher.h"

#include "JobKinds.h"
#include "MirrorRefresh.h"
#include "OutcomeRecorder.h"
#include "PlatformDelivery.h"
#include "SalesforceDelivery.h"

namespace lb {

Dispatcher::Dispatcher(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
                       const SyncPlanner &leads, const SyncPlanner &agents,
                       ApiBudget &salesforceBudget, ApiBudget &platformBudget,
                       CircuitBreaker &salesforceBreaker, CircuitBreaker &platformBreaker,
                       const Clock &clock, Config config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_recorder(std::make_unique<OutcomeRecorder>(store, clock, m_config))
    , m_refresh(new MirrorRefresh(store, salesforce, platform, leads, agents,
                                  m_config.platformDelete, m_config.workerId, this))
    , m_salesforce(new SalesforceDelivery(parts(store, leads, agents, clock), salesforce,
                                          salesforceBudget, salesforceBreaker, this))
    , m_platform(new PlatformDelivery(parts(store, leads, agents, clock), platform, platformBudget,
                                      platformBreaker, this))
{
    connect(m_salesforce, &SalesforceDelivery::delivered, this,
            [this](int records) { emit delivered(JobTarget::Salesforce, records); });
    connect(m_platform, &PlatformDelivery::delivered, this,
            [this](int records) { emit delivered(JobTarget::Platform, records); });
}

TargetDelivery::Parts Dispatcher::parts(Store &store, const SyncPlanner &leads,
                                        const SyncPlanner &agents, const Clock &clock)
{
    return {store, leads, agents, clock, m_config, *m_recorder, *m_refresh};
}

// Declared here, where the parts are complete types.
Dispatcher::~Dispatcher() = default;

void Dispatcher::setRandomSeed(quint32 seed)
{
    m_recorder->setRandomSeed(seed);
}

std::function<void(Dispatcher::Round)> Dispatcher::reporting(std::function<void(Round)> done)
{
    return [this, done = std::move(done)](Round round) {
        if (round.toInbox > 0)
            emit movedToInbox(round.toInbox);
        if (done)
            done(round);
    };
}

void Dispatcher::deliverSalesforce(std::function<void(Round)> done)
{
    m_salesforce->deliver(reporting(std::move(done)));
}

void Dispatcher::deliverPlatform(std::function<void(Round)> done)
{
    m_platform->deliver(reporting(std::move(done)));
}

} // namespace lb
