#pragma once

#include "DestinationParts.h"
#include "EngineSetup.h"
#include "net/CircuitBreaker.h"
#include "sync/ApiBudget.h"
#include "sync/Dispatcher.h"
#include "sync/InboundProcessor.h"
#include "sync/Pollers.h"
#include "sync/Reconciler.h"
#include "sync/SalesforceChangeProcessor.h"
#include "sync/SalesforceStream.h"
#include "sync/SyncPlanner.h"

#include <memory>

namespace lb {

// The leases of the duties (the stream's consumer, polls, reconcile, limits): the job lease, but
// at most 30 s, so the duties of a process that died move to another (or to itself restarted)
// soon.
qint64 dutyLeaseMs(const Profile &profile);

// The composition root: everything one engine is made of, built from a setup and its ports
// over one store. The worker owns one of these between a start (or reload) and a stop; the
// parts themselves decide nothing about when they run.
struct EngineParts
{
    PortSet ports;
    std::unique_ptr<SyncPlanner> leadPlanner;
    std::unique_ptr<SyncPlanner> agentPlanner;
    std::unique_ptr<ApiBudget> salesforceBudget;
    std::unique_ptr<ApiBudget> platformBudget;
    std::unique_ptr<CircuitBreaker> salesforceBreaker;
    std::unique_ptr<CircuitBreaker> platformBreaker;
    std::unique_ptr<InboundProcessor> inbound;
    std::unique_ptr<SalesforceChangeProcessor> changes;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<PlatformPoller> platformPoller;
    std::unique_ptr<SalesforcePoller> salesforcePoller;
    std::unique_ptr<Reconciler> reconciler;
    std::unique_ptr<SalesforceStream> stream; // null when Salesforce is only polled
    // Destinations and alerts (hub and spoke); null without a client for them.
    std::unique_ptr<DestinationParts> destinations;

    // Builds the parts over `ports` (already built by the setup's ports builder).
    static std::unique_ptr<EngineParts> assemble(const EngineSetup &setup, Store &store,
                                                 const Clock &clock, PortSet ports);
    // The parts that use the ports go first, then the ports (PortSet::clear's order).
    ~EngineParts();
};

} // namespace lb
