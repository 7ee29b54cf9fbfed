#include "DutyRoster.h"

#include "log/Logging.h"
#include "store/Duties.h"
#include "store/Store.h"

#include <algorithm>

namespace lb {

DutyRoster::DutyRoster(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_renew(this)
{
    connect(&m_renew, &QTimer::timeout, this, &DutyRoster::renewAll);
}

void DutyRoster::start(Store &store, const QString &holder, qint64 leaseMs)
{
    m_store = &store;
    m_holder = holder;
    m_leaseMs = leaseMs;
    m_store->leases().fenceAs(holder);
    m_renew.setInterval(int(std::max<qint64>(1000, leaseMs / 3)));
    m_renew.start();
    renewAll();
}

void DutyRoster::stop()
{
    m_renew.stop();
    if (!m_store)
        return;
    const bool had = !m_until.isEmpty();
    for (auto it = m_until.cbegin(); it != m_until.cend(); ++it)
        if (auto r = m_store->leases().release(it.key(), m_holder); !r)
            qCWarning(lcSync) << "cannot give the duty" << it.key()
                              << "up:" << r.error().toString();
    m_until.clear();
    m_store = nullptr;
    if (had)
        emit heldChanged({});
}

bool DutyRoster::mayRun(const QString &duty)
{
    if (!m_store)
        return true;
    const auto it = m_until.constFind(duty);
    // Held with more than a third of the lease left: the renewal timer keeps it. Else ask the
    // store now (it may have run out while this process stalled, or become free).
    if (it != m_until.cend() && *it - m_clock.nowMs() > m_leaseMs / 3)
        return true;
    const bool had = it != m_until.cend();
    const bool holds = acquire(duty);
    if (holds != had)
        emit heldChanged(held());
    return holds;
}

bool DutyRoster::acquire(const QString &duty)
{
    auto token = m_store->leases().acquire(duty, m_holder, m_leaseMs);
    if (!token) {
        // Unknown: act as if lost (its writes would be refused anyway) and try again later.
        qCWarning(lcSync) << "cannot renew the duty" << duty << token.error().toString();
        m_until.remove(duty);
        return false;
    }
    if (*token == 0) {
        if (m_until.remove(duty) > 0)
            qCWarning(lcSync).noquote() << "duty" << duty << "lost to another process";
        return false;
    }
    if (!m_until.contains(duty))
        qCInfo(lcSync).noquote() << "duty" << duty << "taken (token" << *token << ")";
    m_until.insert(duty, m_clock.nowMs() + m_leaseMs);
    return true;
}

void DutyRoster::renewAll()
{
    if (!m_store)
        return;
    const QStringList before = held();
    for (const QString &duty : duty::scheduled())
        acquire(duty);
    const QStringList after = held();
    if (after != before)
        emit heldChanged(after);
}

QStringList DutyRoster::held() const
{
    QStringList out;
    if (!m_store)
        return out;
    for (const QString &duty : duty::scheduled())
        if (m_until.contains(duty))
            out.append(duty);
    if (m_store->leases().heldToken(duty::SalesforceStream, m_holder) > 0)
        out.append(duty::SalesforceStream);
    return out;
}

QString DutyRoster::holderOf(const QString &duty) const
{
    if (!m_store)
        return {};
    auto h = m_store->leases().holder(duty);
    return h ? *h : QString();
}

} // namespace lb
