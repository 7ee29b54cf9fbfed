#include "EngineParts.h"

namespace lb {

qint64 dutyLeaseMs(const Profile &p)
{
    return std::min<qint64>(p.sync.leaseS, 30) * 1000;
}

std::unique_ptr<EngineParts> EngineParts::assemble(const EngineSetup &setup, Store &store,
                                                   const Clock &clock, PortSet ports)
{
    const Profile &p = setup.profile;
    auto e = std::make_unique<EngineParts>();
    e->ports = std::move(ports);
    e->leadPlanner = std::make_unique<SyncPlanner>(setup.mapping.lead);
    e->agentPlanner = std::make_unique<SyncPlanner>(setup.mapping.agent);
    e->salesforceBudget = std::make_unique<ApiBudget>(QStringLiteral("salesforce"), clock,
                                                      p.sync.apiUsagePauseAt, 25, 50);
    e->platformBudget = std::make_unique<ApiBudget>(QStringLiteral("platform"), clock,
                                                    p.sync.apiUsagePauseAt, 50, 100);
    e->salesforceBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("salesforce"), clock);
    e->platformBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("platform"), clock);

    e->inbound = std::make_unique<InboundProcessor>(store, *e->leadPlanner, setup.workerId,
                                                    p.lifecycle.platformDelete);
    e->changes = std::make_unique<SalesforceChangeProcessor>(store, *e->leadPlanner,
                                                             *e->agentPlanner, setup.workerId);
    e->changes->setPlatformDelete(p.lifecycle.platformDelete);
    Dispatcher::Config config;
    config.workerId = setup.workerId;
    config.leaseMs = qint64(p.sync.leaseS) * 1000;
    config.retry = RetryPolicy {p.sync.retryBaseMs, p.sync.retryCapMs, p.sync.maxAttempts};
    config.highValueThreshold = p.sync.highValueThreshold;
    config.limitBackoffMs = qint64(p.sync.limitBackoffS) * 1000;
    config.salesforceBatch = std::min(p.sync.batchSize, 1000);
    config.bulkThreshold = p.sync.bulkThreshold;
    config.platformDelete = p.lifecycle.platformDelete;
    e->dispatcher = std::make_unique<Dispatcher>(
        store, *e->ports.salesforce, *e->ports.platform, *e->leadPlanner, *e->agentPlanner,
        *e->salesforceBudget, *e->platformBudget, *e->salesforceBreaker, *e->platformBreaker, clock,
        config);
    const qint64 overlap = qint64(p.sync.pollOverlapS) * 1000;
    e->platformPoller = std::make_unique<PlatformPoller>(store, *e->ports.platform, clock, overlap,
                                                         setup.workerId);
    e->salesforcePoller = std::make_unique<SalesforcePoller>(
        store, *e->ports.salesforce, *e->changes, setup.mapping.lead, setup.mapping.agent, overlap,
        p.sync.bulkThreshold);
    e->reconciler = std::make_unique<Reconciler>(
        store, *e->ports.salesforce, *e->ports.platform, *e->leadPlanner, *e->agentPlanner, clock,
        setup.workerId + QStringLiteral(":reconcile"), p.sync.bulkThreshold);
    if (e->ports.destinationsHttp) {
        e->destinations
            = DestinationParts::build(p, store, clock, *e->ports.destinationsHttp,
                                      e->ports.destinationSecrets, setup.workerId, config.retry);
        e->inbound->setFanout(&e->destinations->fanout);
        // Changes that start in Salesforce reach destinations too, whichever reader finds them.
        e->changes->setFanout(&e->destinations->fanout);
        e->reconciler->setFanout(&e->destinations->fanout);
    }
    if (e->ports.changeSource)
        e->stream = std::make_unique<SalesforceStream>(
            store, *e->ports.salesforce, *e->changes, *e->ports.changeSource, setup.mapping.lead,
            setup.mapping.agent, p.salesforce.callOptionsClient, clock, dutyLeaseMs(p),
            setup.workerId);
    return e;
}

EngineParts::~EngineParts()
{
    if (stream)
        stream->stop();
    stream.reset();
    reconciler.reset();
    salesforcePoller.reset();
    platformPoller.reset();
    dispatcher.reset();
    changes.reset();
    inbound.reset();
    destinations.reset(); // its lanes' requests go through the ports' client
    ports.clear();
}

} // namespace lb
