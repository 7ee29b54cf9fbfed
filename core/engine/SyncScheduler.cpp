#include "SyncScheduler.h"

namespace lb {

SyncScheduler::SyncScheduler(QObject *parent)
    : QObject(parent)
    , m_poll(this)
    , m_round(this)
    , m_inbound(this)
    , m_reconcile(this)
    , m_status(this)
    , m_limits(this)
{
    m_round.setSingleShot(true);
    m_inbound.setSingleShot(true);
    m_inbound.setInterval(5); // gather events that arrive together into one batch
    m_status.setInterval(1000);
    m_limits.setInterval(5 * 60'000);
    connect(&m_poll, &QTimer::timeout, this, &SyncScheduler::pollDue);
    connect(&m_round, &QTimer::timeout, this, &SyncScheduler::roundDue);
    connect(&m_inbound, &QTimer::timeout, this, &SyncScheduler::inboundDue);
    connect(&m_reconcile, &QTimer::timeout, this, &SyncScheduler::reconcileDue);
    connect(&m_status, &QTimer::timeout, this, &SyncScheduler::statusDue);
    connect(&m_limits, &QTimer::timeout, this, &SyncScheduler::limitsDue);
}

void SyncScheduler::configure(const Profile &profile)
{
    // On the stream, the Salesforce poll is the backstop; the platform poll keeps its pace.
    m_poll.setInterval(profile.sync.pollIntervalS * 1000);
    m_reconcile.setInterval(profile.sync.reconcileIntervalMin * 60'000);
}

void SyncScheduler::startRunning()
{
    m_poll.start();
    m_reconcile.start();
    m_limits.start();
}

void SyncScheduler::stopPolling()
{
    m_poll.stop();
    m_round.stop();
}

void SyncScheduler::stopWork()
{
    for (QTimer *t : {&m_poll, &m_round, &m_reconcile, &m_limits, &m_inbound})
        t->stop();
}

void SyncScheduler::inboundSoon()
{
    if (!m_inbound.isActive())
        m_inbound.start();
}

qint64 SyncScheduler::msToReconcile() const
{
    return m_reconcile.isActive() ? m_reconcile.remainingTime() : -1;
}

} // namespace lb
