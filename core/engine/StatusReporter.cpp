#include "StatusReporter.h"

#include "EngineParts.h"
#include "log/Logging.h"
#include "store/Store.h"

#include <QJsonDocument>

namespace lb {

StatusReporter::StatusReporter(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{ }

void StatusReporter::noteRound(int toSalesforce, int toPlatform)
{
    const qint64 now = m_clock.nowMs();
    if (toSalesforce > 0)
        m_lastToSalesforce = now;
    if (toPlatform > 0)
        m_lastToPlatform = now;
    const int delivered = toSalesforce + toPlatform;
    if (delivered > 0) {
        m_delivered += delivered;
        m_recent.emplace_back(now, delivered);
    }
}

void StatusReporter::noteSalesforcePollStarted()
{
    ++m_salesforcePolls;
    m_salesforcePollStartedAt = m_clock.nowMs();
}

void StatusReporter::noteSalesforcePoll()
{
    m_lastPollSalesforce = m_clock.nowMs();
    // A poll that started after the catch-up was asked for has read all it missed.
    if (m_catchUpAt > 0 && m_caughtUpAt == 0 && m_salesforcePollStartedAt >= m_catchUpAt)
        m_caughtUpAt = m_lastPollSalesforce;
}

void StatusReporter::noteCatchUp(const QString &why)
{
    m_catchUpWhy = why;
    m_catchUpAt = m_clock.nowMs();
    m_caughtUpAt = 0;
}

SyncStatus StatusReporter::compose(const Control &control, const EngineParts *parts,
                                   Store *store) const
{
    SyncStatus s;
    const qint64 now = m_clock.nowMs();
    s.state = control.state;
    s.detail = control.detail;
    if (parts && control.state == SyncStatus::State::Running) {
        const auto sf = parts->salesforceBudget->state();
        const auto pf = parts->platformBudget->state();
        if (sf.paused || pf.paused) {
            s.state = SyncStatus::State::PausedByLimits;
            s.detail = sf.paused ? sf.reason : pf.reason;
        }
    }
    if (control.queuePaused && s.detail.isEmpty())
        s.detail = QStringLiteral("deliveries paused");
    s.lastPlatformToSalesforce = m_lastToSalesforce;
    s.lastSalesforceToPlatform = m_lastToPlatform;
    s.lastPollPlatform = m_lastPollPlatform;
    s.lastPollSalesforce = m_lastPollSalesforce;
    s.salesforcePolls = m_salesforcePolls;
    if (parts && parts->stream) {
        const SalesforceStream &stream = *parts->stream;
        s.streamState = stream.stateName();
        s.streamProblem = stream.problem();
        s.streamEvents = stream.stats().events;
        s.streamEchoes = stream.stats().echoes;
        s.lastStreamEvent = stream.lastEventAt();
        const QStringList subscribed = stream.subscribedChannels();
        for (auto it = stream.replayIds().cbegin(); it != stream.replayIds().cend(); ++it)
            s.streamChannels.append({it.key(), subscribed.contains(it.key()), it.value()});
        s.streamCatchUpWhy = m_catchUpWhy;
        s.streamCatchUpAt = m_catchUpAt;
        s.streamCaughtUpAt = m_caughtUpAt;
    }
    while (!m_recent.empty() && now - m_recent.front().first > 60'000)
        m_recent.pop_front();
    int recent = 0;
    for (const auto &r : m_recent)
        recent += r.second;
    s.recordsPerSecond = recent / 60.0;
    if (store) {
        if (auto q = store->outbox().stats())
            s.queue = *q;
    }
    s.lagMs = s.queue.oldestPendingAt > 0 ? std::max<qint64>(0, now - s.queue.oldestPendingAt) : 0;
    if (parts) {
        s.salesforceLimits = parts->salesforceBudget->lastLimits();
        s.platformLimits = parts->platformBudget->lastLimits();
        for (const CircuitBreaker *b :
             {parts->salesforceBreaker.get(), parts->platformBreaker.get()})
            s.breakers.append({b->name(), CircuitBreaker::stateName(b->state()), b->failureShare(),
                               b->retryAt()});
        if (parts->destinations)
            s.destinations = parts->destinations->status();
    }
    s.nextReconcileAt = control.msToReconcile >= 0 ? now + control.msToReconcile : 0;
    s.delivered = m_delivered;
    s.updatedAt = now;
    return s;
}

void StatusReporter::publish(const SyncStatus &s, Store &store, bool persist)
{
    // Tray notifications on transitions.
    QString breakerStates;
    for (const auto &b : s.breakers)
        breakerStates += b.name + u'=' + b.state + u';';
    if (!m_lastBreakerStates.isEmpty() && breakerStates != m_lastBreakerStates) {
        for (const auto &b : s.breakers) {
            if (b.state == QLatin1String("open")
                && !m_lastBreakerStates.contains(b.name + QStringLiteral("=open")))
                emit notify(
                    QStringLiteral("breaker_open"), QStringLiteral("%1 unreachable").arg(b.name),
                    QStringLiteral("Calls to %1 are paused after repeated failures; retrying "
                                   "in a minute.")
                        .arg(b.name));
        }
    }
    m_lastBreakerStates = breakerStates;
    if (s.queue.inbox >= m_lastInboxCount + 10) {
        emit notify(QStringLiteral("inbox_growing"), QStringLiteral("Error inbox is growing"),
                    QStringLiteral("%1 records wait for an admin.").arg(s.queue.inbox));
        m_lastInboxCount = s.queue.inbox;
    } else if (s.queue.inbox < m_lastInboxCount) {
        m_lastInboxCount = s.queue.inbox;
    }
    emit statusChanged(s);
    if (!persist)
        return;
    // Read by `leadbridge status` from other processes; the next report writes it again.
    if (auto r = store.watermarks().set(
            QStringLiteral("worker.status"),
            QString::fromUtf8(QJsonDocument(s.toJson()).toJson(QJsonDocument::Compact)));
        !r)
        qCWarning(lcSync) << "could not store the status:" << r.error().toString();
}

} // namespace lb
