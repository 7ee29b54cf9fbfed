// `leadbridge sync --once`: one full pass both ways, then the result (SyncWorker.h).
#include "SyncWorker.h"

namespace lb {

void SyncWorker::runOnce()
{
    if (!m_store || !m_parts) {
        OnceResult result;
        result.ok = false;
        result.error = makeError(QStringLiteral("engine_not_running"), notRunning());
        emit onceFinished(result);
        return;
    }
    m_once = true;
    m_oncePolled = false;
    m_state = SyncStatus::State::Running;
    m_onceStartedAt = m_clock.nowMs();
    auto inbox = m_store->inbox().countOpen();
    m_onceInboxBefore = inbox ? *inbox : 0;
    m_onceFailure.reset();
    auto failed = [this](Error error) {
        OnceResult result;
        result.ok = false;
        result.error = std::move(error);
        m_once = false;
        emit onceFinished(result);
    };
    m_parts->ports.salesforce->fetchLimits(this, [this, failed](Result<ApiLimits> l) {
        if (!l) {
            // Nothing can be synced without a working Salesforce login.
            failed(systemUnreachable(QStringLiteral("Salesforce"), QStringLiteral("read"),
                                     QStringLiteral("API limits"), l.error()));
            return;
        }
        observeLimits(*l);
        // And the platform answers with our key.
        m_parts->ports.platform->listLeads(
            0, QString(), 1, this, [this, failed](Result<RecordPage> page) {
                if (!page) {
                    failed(systemUnreachable(QStringLiteral("The lead platform"),
                                             QStringLiteral("read"),
                                             QStringLiteral("listing leads"), page.error()));
                    return;
                }
                poll([this] {
                    m_oncePolled = true;
                    onceStep();
                });
            });
    });
}

void SyncWorker::onceStep()
{
    // Not before the pass's own poll has read both sides: a round that was already under way
    // (a webhook's events, kicked while the pass checked the logins) would otherwise find
    // nothing due and end the pass before it had read anything.
    if (m_delivering || m_polling || !m_oncePolled)
        return;
    auto stats = m_store->outbox().stats();
    if (!stats) {
        finishOnce();
        return;
    }
    if (stats->due > 0) {
        deliverRound();
        return;
    }
    if (stats->pending == 0 || m_clock.nowMs() - m_onceStartedAt > m_setup.onceMaxWaitMs) {
        finishOnce();
        return;
    }
    // Retries are scheduled: wait for the next one to fall due.
    QTimer::singleShot(200, this, &SyncWorker::onceStep);
}

void SyncWorker::finishOnce()
{
    m_once = false;
    m_state = SyncStatus::State::Stopped;
    OnceResult result;
    if (m_onceFailure) {
        result.ok = false;
        result.error = *m_onceFailure;
    }
    result.delivered = m_reporter.delivered();
    auto inbox = m_store->inbox().countOpen();
    result.toInbox = inbox ? std::max<qint64>(0, *inbox - m_onceInboxBefore) : 0;
    auto stats = m_store->outbox().stats();
    result.stillPending = stats ? stats->pending : 0;
    publishStatus(true);
    emit onceFinished(result);
}

void SyncWorker::noteOnceFailure(const Error &error)
{
    if (m_once && !m_onceFailure)
        m_onceFailure = error;
}

} // namespace lb
