#include "SalesforceStream.h"

#include "Pollers.h"
#include "log/Logging.h"

#include <QRegularExpression>

#include <utility>

namespace lb {

using salesforce::streaming::ChangeEvent;
using salesforce::streaming::ChangeEventSource;
using salesforce::streaming::ChangeType;
using salesforce::streaming::ChannelStart;
using salesforce::streaming::StreamError;

namespace {
constexpr int kRetryMs = 5000; // a failed read of named records is tried again after this
constexpr qsizetype kMaxIdsPerRead = 200; // records one query of a run of events reads
} // namespace

SalesforceStream::SalesforceStream(Store &store, SalesforcePort &port,
                                   SalesforceChangeProcessor &processor, ChangeEventSource &source,
                                   const ObjectMapping &leads, const ObjectMapping &agents,
                                   QString ownClient, const Clock &clock, qint64 leaseMs,
                                   QString holder, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_port(port)
    , m_processor(processor)
    , m_source(source)
    , m_leads(leads)
    , m_agents(agents)
    , m_ownClient(std::move(ownClient))
    , m_clock(clock)
    , m_leaseMs(leaseMs)
    , m_holder(std::move(holder))
    , m_reads(std::make_unique<QObject>())
{
    m_lease.setInterval(int(std::max<qint64>(1000, m_leaseMs / 3)));
    connect(&m_lease, &QTimer::timeout, this, &SalesforceStream::renewLease);
    m_retry.setSingleShot(true);
    m_retry.setInterval(kRetryMs);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        m_busy = false;
        pump();
    });
    connect(&m_source, &ChangeEventSource::eventReceived, this, &SalesforceStream::onEvent);
    connect(&m_source, &ChangeEventSource::streamError, this, &SalesforceStream::onError);
    connect(&m_source, &ChangeEventSource::clientDropped, this,
            [this](const QString &why) { m_dropped = why; });
    connect(&m_source, &ChangeEventSource::stateChanged, this, [this](ChangeEventSource::State s) {
        if (s != ChangeEventSource::State::Connected)
            return;
        setProblem({});
        if (!m_dropped.isEmpty()) {
            const QString why = std::exchange(m_dropped, QString());
            emit resumedAfterDrop(
                m_replayIds.keys().join(QStringLiteral(", ")),
                QStringLiteral("the server dropped the client (%1); resubscribed from the "
                               "stored replayIds")
                    .arg(why));
        }
    });
}

QString SalesforceStream::channelFor(const QString &sobject)
{
    // Custom objects drop the "c" of their suffix: People__c -> People__ChangeEvent.
    const QString base = sobject.endsWith(QLatin1String("__c")) ? sobject.chopped(1) : sobject;
    return QStringLiteral("/data/") + base + QStringLiteral("ChangeEvent");
}

bool SalesforceStream::isRecordId(const QString &id)
{
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$"));
    return shape.match(id).hasMatch();
}

Result<void> SalesforceStream::start()
{
    m_running = true;
    m_resumed = false;
    m_lease.start();
    auto taken = m_store.leases().take(QString::fromLatin1(kLeaseName), m_holder, m_leaseMs);
    if (!taken)
        return taken.error();
    if (!*taken) {
        qCInfo(lcSync) << "change stream: another process consumes it; standing by";
        return {};
    }
    return subscribe();
}

Result<void> SalesforceStream::subscribe()
{
    QList<ChannelStart> channels;
    m_resumed = true;
    m_replayIds.clear();
    for (const ObjectMapping *m : {&m_leads, &m_agents}) {
        ChannelStart start;
        start.channel = channelFor(m->salesforceObject);
        const QString name = watermarkName(start.channel);
        auto stored = m_store.watermarks().get(name);
        if (!stored)
            return stored.error();
        const qint64 from = stored->has_value() ? (*stored)->toLongLong() : 0;
        if (from > 0 || from == ChannelStart::kAllRetained) {
            start.replayFrom = from;
        } else {
            // Never consumed (or its replayId was lost): only new events now, the start poll
            // covers the rest. From here on the channel is consumed, so if no event arrives
            // before the next start, that start replays everything retained (what it already
            // holds is dropped by content hash).
            if (auto w
                = m_store.watermarks().set(name, QString::number(ChannelStart::kAllRetained));
                !w)
                return w.error();
        }
        m_resumed = m_resumed && start.replayFrom != ChannelStart::kNewOnly;
        m_replayIds.insert(start.channel, start.replayFrom);
        channels.append(start);
    }
    m_subscribed = true;
    m_source.start(channels);
    return {};
}

void SalesforceStream::renewLease()
{
    if (!m_running)
        return;
    auto taken = m_store.leases().take(QString::fromLatin1(kLeaseName), m_holder, m_leaseMs);
    if (!taken) {
        qCWarning(lcSync) << "change stream: cannot renew its lease:" << taken.error().toString();
        return; // tried again at the next tick, well before it runs out
    }
    if (*taken && !m_subscribed) {
        qCInfo(lcSync) << "change stream: the lease is free; taking the stream over";
        if (auto r = subscribe(); !r)
            qCWarning(lcSync) << "change stream:" << r.error().toString();
        emit problemChanged(m_problem); // the state changed: report it
    } else if (!*taken && m_subscribed) {
        // Another process took the lease (ours ran out while this one stalled): leave the
        // stream to it, and stand by.
        stopSource();
        setProblem(QStringLiteral("another process took the change stream over"));
    }
}

void SalesforceStream::stop()
{
    m_running = false;
    m_lease.stop();
    stopSource();
    if (auto r = m_store.leases().release(QString::fromLatin1(kLeaseName), m_holder); !r)
        qCWarning(lcSync) << "change stream: cannot give its lease up:" << r.error().toString();
}

void SalesforceStream::stopSource()
{
    m_subscribed = false;
    m_source.stop();
    m_retry.stop();
    m_pending.clear();
    m_busy = false;
    m_reads = std::make_unique<QObject>(); // answers to reads in flight are dropped
}

void SalesforceStream::onEvent(const ChangeEvent &event)
{
    if (!m_running)
        return;
    m_pending.push_back(event);
    pump();
}

void SalesforceStream::onError(const StreamError &error)
{
    qCWarning(lcSync).noquote() << "change stream:" << error.error.toString();
    setProblem(error.error.message);
    if (error.kind != StreamError::Kind::InvalidReplayId || !m_running)
        return;
    // The stored replayId is gone (expired or unknown): forget it, subscribe to new events
    // first, then catch up by polling, so nothing falls between the two.
    if (auto w = m_store.watermarks().set(watermarkName(error.channel), QStringLiteral("-1")); !w)
        qCWarning(lcSync) << "change stream:" << w.error().toString();
    // Restarted from the event loop: this runs inside the source's own answer handling.
    QTimer::singleShot(0, this, [this] {
        if (!m_running || !m_subscribed)
            return;
        stopSource();
        if (auto r = subscribe(); !r)
            qCWarning(lcSync) << "change stream:" << r.error().toString();
    });
    emit catchUpNeeded(error.channel,
                       QStringLiteral("the replayId %1 of %2 is no longer available")
                           .arg(error.replayId)
                           .arg(error.channel));
}

bool SalesforceStream::isEcho(const ChangeEvent &event) const
{
    return !m_ownClient.isEmpty() && event.originClient == m_ownClient;
}

void SalesforceStream::pump()
{
    if (m_busy || m_pending.empty() || !m_running)
        return;
    m_busy = true;
    const ChangeEvent &first = m_pending.front();
    const bool leads = first.channel == channelFor(m_leads.salesforceObject);
    if (!leads && first.channel != channelFor(m_agents.salesforceObject)) {
        finishEvents(1);
        return;
    }
    if (first.changeType == ChangeType::GapOverflow && !isEcho(first)) {
        emit catchUpNeeded(first.channel,
                           QStringLiteral("a GAP_OVERFLOW event on %1").arg(first.channel));
        finishEvents(1);
        return;
    }
    // The run of events on this channel up to the next GAP_OVERFLOW is read together: one
    // query for the records they name (our own writes are not read), one transaction for
    // those records and the run's last replayId. At a high rate of edits this keeps up where
    // a query per event would not.
    QStringList ids;
    int run = 0;
    for (const ChangeEvent &event : m_pending) {
        if (event.channel != first.channel
            || (event.changeType == ChangeType::GapOverflow && !isEcho(event))
            || (run > 0 && ids.size() + event.recordIds.size() > kMaxIdsPerRead))
            break;
        ++run;
        if (isEcho(event))
            continue;
        for (const QString &id : event.recordIds) {
            if (!isRecordId(id))
                qCWarning(lcSync).noquote()
                    << "change stream: event" << event.replayId << "names a bad record id" << id;
            else if (!ids.contains(id))
                ids.append(id);
        }
    }
    m_run = run;
    if (ids.isEmpty()) {
        finishEvents(run);
        return;
    }
    ++m_stats.reads;
    const ObjectMapping &mapping = leads ? m_leads : m_agents;
    // With the Recycle Bin: a DELETE event's records come back with IsDeleted (and a merge's
    // MasterRecordId), an UNDELETE's live again; the processor tells which.
    m_port.queryAll(SalesforcePoller::soqlForIds(mapping, leads, ids), m_reads.get(),
                    [this, leads](Result<RecordPage> result) { page(leads, result); });
}

void SalesforceStream::page(bool leads, const Result<RecordPage> &result)
{
    if (!result) {
        retryLater(result.error());
        return;
    }
    // The last page and the run's last replayId commit in one transaction (the processor joins
    // it): a crash before the commit replays the run, one after it never sees it again.
    const bool last = result->next.isEmpty();
    Transaction tx(m_store.database());
    if (!tx.started()) {
        retryLater(tx.started().error());
        return;
    }
    const QList<SalesforceRecordChange> changes
        = SalesforceRecordChange::fromRecords(result->records, QStringLiteral("stream"));
    auto processed = leads ? m_processor.processLeads(changes) : m_processor.processAgents(changes);
    if (!processed) {
        retryLater(processed.error());
        return;
    }
    if (last) {
        if (auto w = storeReplayId(m_pending.at(size_t(m_run - 1))); !w) {
            retryLater(w.error());
            return;
        }
    }
    if (auto c = tx.commit(); !c) {
        retryLater(c.error());
        return;
    }
    m_stats.changes += *processed;
    emit changesTaken(*processed);
    if (!last) {
        m_port.queryMore(result->next, m_reads.get(),
                         [this, leads](Result<RecordPage> next) { page(leads, next); });
        return;
    }
    advance(m_run);
}

Result<void> SalesforceStream::storeReplayId(const ChangeEvent &event)
{
    return m_store.watermarks().set(watermarkName(event.channel), QString::number(event.replayId));
}

void SalesforceStream::finishEvents(int count)
{
    // Events that named nothing to read: only the replayId of the last moves the channel on.
    if (auto w = storeReplayId(m_pending.at(size_t(count - 1))); !w) {
        retryLater(w.error());
        return;
    }
    advance(count);
}

void SalesforceStream::advance(int count)
{
    for (int i = 0; i < count; ++i) {
        const ChangeEvent &event = m_pending.front();
        m_replayIds.insert(event.channel, event.replayId);
        m_stats.echoes += isEcho(event) ? 1 : 0;
        ++m_stats.events;
        m_pending.pop_front();
    }
    m_busy = false;
    m_lastEventAt = m_clock.nowMs();
    // Queued, so a run of events that need no read does not recurse.
    QMetaObject::invokeMethod(this, &SalesforceStream::pump, Qt::QueuedConnection);
}

void SalesforceStream::retryLater(const Error &why)
{
    qCWarning(lcSync).noquote() << "change stream: reading changed records failed, retrying:"
                                << why.toString();
    setProblem(why.message);
    m_retry.start(); // m_busy stays set until then
}

QString SalesforceStream::stateName() const
{
    if (m_running && !m_subscribed)
        return QStringLiteral("standby");
    switch (m_source.state()) {
    case ChangeEventSource::State::Stopped:
        return QStringLiteral("stopped");
    case ChangeEventSource::State::Connecting:
        return QStringLiteral("connecting");
    case ChangeEventSource::State::Connected:
        return QStringLiteral("connected");
    case ChangeEventSource::State::Backoff:
        return QStringLiteral("backoff");
    }
    return QStringLiteral("stopped");
}

void SalesforceStream::setProblem(const QString &problem)
{
    if (problem == m_problem)
        return;
    m_problem = problem;
    emit problemChanged(problem);
}

} // namespace lb
