#pragma once

#include "AuditLog.h"
#include "Database.h"
#include "util/Clock.h"

#include <QHash>

namespace lb {

// Named leases (migrations 9 and 12): work that one process at a time may do, such as consuming
// an org's change stream or polling the platform (store/Duties.h). A holder takes a lease that
// is free, expired or already its own, and keeps it by taking it again before it expires;
// another process takes it over only after that.
//
// Fencing: a lease's token grows whenever it is taken anew (from another holder, or again after
// it ran out or was given up). A write made under a duty calls guard() inside its transaction:
// the write then commits only while this process still holds the lease with the token it got,
// so a holder paused past its lease (SIGSTOP, a long GC-like stall) cannot write after another
// took over. Every change of hands is in the audit log (entity "lease", id = the lease's name).
class LeaseStore
{
public:
    LeaseStore(Database &db, AuditLog &audit, const Clock &clock);

    // The token under which `holder` now holds `name` for the next `durationMs`, or 0 when
    // another holds it.
    Result<qint64> acquire(const QString &name, const QString &holder, qint64 durationMs);
    // Whether `holder` now holds `name` for the next `durationMs` (acquire() > 0).
    Result<bool> take(const QString &name, const QString &holder, qint64 durationMs);
    // Gives the lease up (only if `holder` holds it), so another process need not wait.
    Result<void> release(const QString &name, const QString &holder);
    // Who holds `name` now; empty when nobody does (or the lease expired).
    Result<QString> holder(const QString &name);
    // Fails (code LEASE_LOST) unless `holder` holds `name` now with `token`.
    Result<void> check(const QString &name, const QString &holder, qint64 token);

    // From now on writes guarded by a duty need this process (`holder`) to hold its lease.
    // Until then guard() lets every write through: one-off commands (`sync --once`,
    // `reconcile`) and tests write without leases.
    void fenceAs(const QString &holder) { m_fenceHolder = holder; }
    // Call inside the transaction of a write made under `duty` (empty: not a duty's write).
    Result<void> guard(const QString &duty);
    // The token this store last got for `name` as `holder`, 0 when it holds none.
    qint64 heldToken(const QString &name, const QString &holder) const;

private:
    struct Held
    {
        QString holder;
        qint64 token = 0;
    };

    Database &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
    QString m_fenceHolder;
    QHash<QString, Held> m_held; // what this store took and has not seen lost or given up
};

} // namespace lb
