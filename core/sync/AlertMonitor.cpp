#include "AlertMonitor.h"

#include "log/Logging.h"
#include "store/AlertIncidentStore.h"
#include "store/ProcessStore.h"

namespace lb {

AlertMonitor::AlertMonitor(Store &store, AlertBook book, Thresholds thresholds, const Clock &clock,
                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_book(std::move(book))
    , m_thresholds(thresholds)
    , m_clock(clock)
{
    refresh();
}

namespace {

AlertBook::Incident fromStored(const StoredIncident &i)
{
    return {{i.conditionId, i.summary, i.severity}, i.dedupKey, i.openedAt};
}

} // namespace

void AlertMonitor::refresh()
{
    auto open = AlertIncidentStore(m_store.database()).open();
    if (!open) {
        qCWarning(lcSync) << "open alert incidents not read:" << open.error().toString();
        return;
    }
    QList<AlertBook::Incident> incidents;
    for (const StoredIncident &i : std::as_const(*open))
        incidents.append(fromStored(i));
    m_book.replaceOpen(incidents);
}

Result<bool> AlertMonitor::record(bool trigger, const AlertBook::Incident &incident,
                                  const QList<NewJob> &jobs)
{
    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    AlertIncidentStore incidents(m_store.database());
    const Result<bool> changed = trigger
        ? incidents.insert({incident.condition.id, incident.dedupKey, incident.condition.summary,
                            incident.condition.severity, incident.openedAt})
        : incidents.remove(incident.condition.id, incident.dedupKey);
    if (!changed || !*changed)
        return changed;
    if (auto r = m_store.outbox().enqueue(jobs, QStringLiteral("alerts")); !r)
        return r.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    return true;
}

void AlertMonitor::set(bool active, const AlertCondition &condition)
{
    const qint64 now = m_clock.nowMs();
    const std::optional<AlertBook::Incident> before = m_book.incident(condition.id);
    const QList<NewJob> jobs
        = active ? m_book.raise(condition, now) : m_book.resolve(condition.id, now);
    if (jobs.isEmpty())
        return;
    const AlertBook::Incident incident = active ? *m_book.incident(condition.id) : *before;
    const Result<bool> recorded = record(active, incident, jobs);
    if (!recorded) {
        // Nothing was written: the book goes back to what the store holds, so the next reading
        // tries again.
        if (before)
            m_book.adopt(*before);
        else
            m_book.forget(condition.id);
        ++m_enqueueFailures;
        qCWarning(lcSync) << "alert" << condition.id
                          << "could not be queued:" << recorded.error().toString();
        return;
    }
    if (!*recorded) {
        // Another run or process of the fleet triggered it first (take its incident) or
        // resolved it already (nothing left to do).
        m_book.forget(condition.id);
        if (active)
            refresh();
        return;
    }
    qCInfo(lcSync) << "alert" << (active ? "raised:" : "resolved:") << condition.id;
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

void AlertMonitor::checkFleet(const QString &selfWorkerId)
{
    auto silent = ProcessStore(m_store.database())
                      .silentBefore(m_clock.nowMs() - m_thresholds.processGoneMs);
    if (!silent) {
        qCWarning(lcSync) << "fleet heartbeats not read:" << silent.error().toString();
        return;
    }
    QStringList gone = *silent;
    gone.removeAll(selfWorkerId);
    processesGone(gone);
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
