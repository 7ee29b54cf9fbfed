#pragma once

#include "Database.h"
#include "util/Clock.h"

namespace lb {

// Named leases (migration 9): work that one process at a time may do, such as consuming an
// org's change stream. A holder takes a lease that is free, expired or already its own, and
// keeps it by taking it again before it expires; another process takes it over only after that.
class LeaseStore
{
public:
    LeaseStore(Database &db, const Clock &clock);

    // Whether `holder` now holds `name` for the next `durationMs`.
    Result<bool> take(const QString &name, const QString &holder, qint64 durationMs);
    // Gives the lease up (only if `holder` holds it), so another process need not wait.
    Result<void> release(const QString &name, const QString &holder);
    // Who holds `name` now; empty when nobody does (or the lease expired).
    Result<QString> holder(const QString &name);

private:
    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
