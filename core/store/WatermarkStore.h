#pragma once

#include "Database.h"
#include "LeaseStore.h"
#include "util/Clock.h"

#include <optional>

namespace lb {

// Named positions of incremental reads (e.g. "salesforce.lead" -> "<SystemModstamp>|<Id>").
class WatermarkStore
{
public:
    WatermarkStore(Database &db, LeaseStore &leases, const Clock &clock);

    Result<std::optional<QString>> get(const QString &name);
    // Call inside the transaction that stores what was read up to the new position. A duty's
    // position (store/Duties.h) moves only while this process holds the duty's lease.
    Result<void> set(const QString &name, const QString &value);

private:
    Database &m_db;
    LeaseStore &m_leases;
    const Clock &m_clock;
};

} // namespace lb
