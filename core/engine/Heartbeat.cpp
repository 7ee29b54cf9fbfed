#include "Heartbeat.h"

#include "store/Store.h"

#include <QCoreApplication>
#include <QSysInfo>

namespace lb {

Heartbeat::Heartbeat(const Clock &clock, const QString &workerId, const QString &role)
    : m_clock(clock)
{
    m_self.workerId = workerId;
    m_self.host = QSysInfo::machineHostName();
    m_self.pid = QCoreApplication::applicationPid();
    // The engine's own version: a test or tool hosting the engine may set no application
    // version, and the column is NOT NULL.
    m_self.version = QStringLiteral(LB_VERSION);
    m_self.role = role;
    m_self.startedAt = clock.nowMs();
}

void Heartbeat::noteDelivered(qint64 records)
{
    if (records > 0)
        m_deliveries.emplace_back(m_clock.nowMs(), records);
}

qint64 Heartbeat::deliveredLastMinute()
{
    const qint64 since = m_clock.nowMs() - 60'000;
    while (!m_deliveries.empty() && m_deliveries.front().first < since)
        m_deliveries.pop_front();
    qint64 sum = 0;
    for (const auto &d : m_deliveries)
        sum += d.second;
    return sum;
}

Result<void> Heartbeat::beat(Store &store, const QStringList &duties)
{
    m_self.heartbeatAt = m_clock.nowMs();
    m_self.duties = duties;
    m_self.deliveriesLastMinute = deliveredLastMinute();
    ProcessStore processes(store.database());
    if (auto r = processes.beat(m_self); !r)
        return r;
    return processes.forgetSilentSince(m_self.heartbeatAt - 24 * 3600'000);
}

Result<void> Heartbeat::leave(Store &store)
{
    return ProcessStore(store.database()).remove(m_self.workerId);
}

} // namespace lb
