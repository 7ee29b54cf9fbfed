#include "AlertMonitor.h"

#include "log/Logging.h"

namespace lb {

AlertMonitor::AlertMonitor(Store &store, AlertBook book, Thresholds thresholds, const Clock &clock,
                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_book(std::move(book))
    , m_thresholds(thresholds)
    , m_clock(clock)
{ }

void AlertMonitor::set(bool active, const AlertCondition &condition)
{
    const qint64 now = m_clock.nowMs();
    const QList<NewJob> jobs
        = active ? m_book.raise(condition, now) : m_book.resolve(condition.id, now);
    if (jobs.isEmpty())
        return;
    qCInfo(lcSync) << "alert" << (active ? "raised:" : "resolved:") << condition.id;
    if (auto r = m_store.outbox().enqueue(jobs, QStringLiteral("alerts")); !r) {
        ++m_enqueueFailures;
        qCWarning(lcSync) << "alert" << condition.id
                          << "could not be queued:" << r.error().toString();
    }
}

void AlertMonitor::breakerChanged(const QString &name, const QString &state)
{
    if (state == QLatin1String("half-open"))
        return; // a trial decides: open again (still down) or closed (back)
    set(state == QLatin1String("open"),
        {QStringLiteral("breaker:") + name,
         QStringLiteral("circuit breaker open for %1: its calls are failing").arg(name)});
}

void AlertMonitor::inboxOpen(qint64 openItems)
{
    set(openItems > m_thresholds.inboxAbove,
        {QStringLiteral("inbox"),
         QStringLiteral("%1 items wait in the error inbox (above %2)")
             .arg(openItems)
             .arg(m_thresholds.inboxAbove),
         QStringLiteral("warning")});
}

void AlertMonitor::apiUsage(const QString &system, double share, double pauseAt)
{
    set(share >= pauseAt,
        {QStringLiteral("api:") + system,
         QStringLiteral("%1 API usage at %2% of the daily allocation: non-urgent work is paused")
             .arg(system)
             .arg(qRound(share * 100)),
         QStringLiteral("warning")});
}

void AlertMonitor::streamDisconnectedSince(qint64 sinceMs)
{
    const qint64 down = sinceMs > 0 ? m_clock.nowMs() - sinceMs : 0;
    set(down > m_thresholds.streamDownMs,
        {QStringLiteral("stream"),
         QStringLiteral("the Salesforce change stream has been disconnected for %1 minutes")
             .arg(down / 60'000)});
}

void AlertMonitor::processesGone(const QStringList &workerIds)
{
    for (const QString &id : workerIds)
        set(true,
            {QStringLiteral("process:") + id,
             QStringLiteral("fleet process %1 stopped reporting").arg(id)});
    for (const QString &open : m_book.openConditions()) {
        if (open.startsWith(QLatin1String("process:")) && !workerIds.contains(open.mid(8)))
            set(false, {open, {}});
    }
}

} // namespace lb
