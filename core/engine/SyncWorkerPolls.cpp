// The sync loop's reading side (SyncWorker.h): the polls of both systems, as duties, within
// their API budgets, and the intake of what they and the webhooks stored.
#include "SyncWorker.h"
#include "log/Logging.h"
#include "store/Duties.h"

namespace lb {
namespace {

// Inbound events taken into the outbox per transaction.
constexpr int InboundBatch = 2000;

} // namespace

void SyncWorker::poll(std::function<void()> then)
{
    if (m_polling || !m_store || !m_parts) {
        if (then)
            then();
        return;
    }
    m_polling = true;
    pollPlatform([this, then = std::move(then)]() mutable {
        processInbound();
        pollSalesforce([this, then = std::move(then)] {
            m_polling = false;
            if (m_stopping) {
                if (!m_delivering)
                    finishShutdown();
                return;
            }
            kick();
            if (then)
                then();
        });
    });
}

bool SyncWorker::budgetAllowsPoll(ApiBudget &budget, const char *what)
{
    // Polls spend the API budget as deliveries do: while it says pause (or the server said
    // stop), they wait for a later tick, which reads all that changed meanwhile.
    if (budget.tryAcquire(false))
        return true;
    qCInfo(lcSync).noquote() << what << "waits for API budget:" << budget.state().reason;
    return false;
}

void SyncWorker::pollPlatform(std::function<void()> then)
{
    if (!m_duties.mayRun(duty::PlatformPoll)
        || !budgetAllowsPoll(*m_parts->platformBudget, "platform poll")) {
        then();
        return;
    }
    m_parts->platformPoller->poll([this, then = std::move(then)](Result<PollStats> pf) {
        if (!pf) {
            qCWarning(lcSync) << "platform poll failed:" << pf.error().toString();
            noteOnceFailure(systemUnreachable(QStringLiteral("The lead platform"),
                                              QStringLiteral("read"),
                                              QStringLiteral("polling leads"), pf.error()));
        } else {
            m_reporter.notePlatformPoll();
        }
        if (pf && pf->rejected > 0)
            emit inboxChanged();
        then();
    });
}

void SyncWorker::pollSalesforce(std::function<void()> then)
{
    if (!salesforcePollDue() || !m_duties.mayRun(duty::SalesforcePoll)
        || !budgetAllowsPoll(*m_parts->salesforceBudget, "Salesforce poll")) {
        then();
        return;
    }
    if (m_parts->stream) // half a platform interval early, so the backstop does not slip a tick
        m_nextSalesforcePollAt
            = m_clock.nowMs() + backstopMs() - qint64(m_setup.profile.sync.pollIntervalS) * 500;
    m_reporter.noteSalesforcePollStarted();
    m_parts->salesforcePoller->poll([this, then = std::move(then)](Result<PollStats> sf) {
        if (!sf) {
            qCWarning(lcSync) << "Salesforce poll failed:" << sf.error().toString();
            noteOnceFailure(systemUnreachable(QStringLiteral("Salesforce"), QStringLiteral("read"),
                                              QStringLiteral("polling Leads and People"),
                                              sf.error()));
        } else {
            m_reporter.noteSalesforcePoll();
        }
        if (sf && sf->changes.enqueued > 0)
            emit queueChanged();
        then();
    });
}

bool SyncWorker::salesforcePollDue() const
{
    return !m_parts->stream || m_once || m_clock.nowMs() >= m_nextSalesforcePollAt;
}

qint64 SyncWorker::backstopMs() const
{
    return qint64(m_setup.profile.sync.backstopPollMin) * 60'000;
}

void SyncWorker::processInbound()
{
    if (!m_parts)
        return;
    for (;;) {
        auto stats = m_parts->inbound->processPending(InboundBatch);
        if (!stats) {
            qCWarning(lcSync) << "inbound processing failed:" << stats.error().toString();
            noteOnceFailure(
                systemUnreachable(QStringLiteral("The store"), QStringLiteral("written"),
                                  QStringLiteral("taking in platform changes"), stats.error()));
            return;
        }
        if (stats->enqueued > 0)
            emit queueChanged();
        if (stats->invalid > 0)
            emit inboxChanged();
        if (stats->events < InboundBatch)
            break;
    }
    kick();
}

} // namespace lb
