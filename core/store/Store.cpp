#include "Store.h"

#include "Migrations.h"

namespace lb {

Store::Store(std::unique_ptr<Database> db, const Clock &clock)
    : m_db(std::move(db))
    , m_clock(clock)
    , m_audit(*m_db, clock)
    , m_leases(*m_db, m_audit, clock)
    , m_outbox(*m_db, m_audit, clock)
    , m_inbox(*m_db, m_audit, clock)
    , m_watermarks(*m_db, m_leases, clock)
    , m_events(*m_db, clock)
    , m_leads(*m_db, clock, MirrorStore::Kind::Leads)
    , m_agents(*m_db, clock, MirrorStore::Kind::Agents)
    , m_apiUsage(*m_db, clock)
    , m_reconciles(*m_db, m_leases)
    , m_ingestJobs(*m_db, clock)
{ }

Result<std::unique_ptr<Store>> Store::open(const StoreConfig &config, const Clock &clock,
                                           const QString &purpose)
{
    auto db = Database::open(config, purpose);
    if (!db)
        return db.error();
    if (auto migrated = Migrations::migrate(**db); !migrated)
        return migrated.error();
    return std::unique_ptr<Store>(new Store(std::move(*db), clock));
}

} // namespace lb
