#pragma once

#include "ApiUsageStore.h"
#include "AuditLog.h"
#include "Database.h"
#include "InboundEventStore.h"
#include "InboxStore.h"
#include "IngestJobStore.h"
#include "LeaseStore.h"
#include "MirrorStore.h"
#include "OutboxStore.h"
#include "ReconcileStore.h"
#include "StoreConfig.h"
#include "WatermarkStore.h"

#include <memory>

namespace lb {

// Everything one thread needs from the store, over that thread's own connection. Open one
// Store per thread (GUI, sync worker, each bench worker); never share one across threads.
class Store
{
public:
    static Result<std::unique_ptr<Store>> open(const StoreConfig &config, const Clock &clock,
                                               const QString &purpose);

    Database &database() { return *m_db; }
    AuditLog &audit() { return m_audit; }
    OutboxStore &outbox() { return m_outbox; }
    InboxStore &inbox() { return m_inbox; }
    WatermarkStore &watermarks() { return m_watermarks; }
    InboundEventStore &events() { return m_events; }
    MirrorStore &leads() { return m_leads; }
    MirrorStore &agents() { return m_agents; }
    ApiUsageStore &apiUsage() { return m_apiUsage; }
    ReconcileStore &reconciles() { return m_reconciles; }
    IngestJobStore &ingestJobs() { return m_ingestJobs; }
    LeaseStore &leases() { return m_leases; }
    const Clock &clock() const { return m_clock; }

private:
    Store(std::unique_ptr<Database> db, const Clock &clock);

    std::unique_ptr<Database> m_db;
    const Clock &m_clock;
    AuditLog m_audit;
    LeaseStore m_leases; // before the stores whose writes it fences
    OutboxStore m_outbox;
    InboxStore m_inbox;
    WatermarkStore m_watermarks;
    InboundEventStore m_events;
    MirrorStore m_leads;
    MirrorStore m_agents;
    ApiUsageStore m_apiUsage;
    ReconcileStore m_reconciles;
    IngestJobStore m_ingestJobs;
};

} // namespace lb
