#include "StoreAttachedWorker.h"

#include "StoredStatus.h"
#include "store/CommandStore.h"
#include "store/PersonEraser.h"
#include "store/Store.h"

namespace lb {

StoreAttachedWorker::StoreAttachedWorker(StoreConfig config, const Clock &clock, QString issuer)
    : m_config(std::move(config))
    , m_clock(clock)
    , m_issuer(std::move(issuer))
    , m_timer(this)
{
    connect(&m_timer, &QTimer::timeout, this, &StoreAttachedWorker::tick);
}

StoreAttachedWorker::~StoreAttachedWorker() = default;

void StoreAttachedWorker::open()
{
    auto store = Store::open(m_config, m_clock, QStringLiteral("console-attached"));
    if (!store) {
        emit opened(false, store.error().message);
        return;
    }
    m_store = std::move(*store);
    emit opened(true, QString());
    m_timer.start(1000);
    tick();
}

void StoreAttachedWorker::tick()
{
    readStatus();
    followCommands();
}

void StoreAttachedWorker::readStatus()
{
    auto read = fleet::readStatus(*m_store, m_clock.nowMs());
    if (!read)
        return; // the next tick tries again; the view keeps the last status
    SyncStatus status = *read;
    // The operator's pause applies to the whole fleet, whatever the last snapshot says.
    if (auto paused = CommandStore(*m_store).fleetPaused();
        paused && *paused && status.state == SyncStatus::State::Running) {
        status.state = SyncStatus::State::Paused;
        status.detail = QStringLiteral("the fleet is paused by an operator");
    }
    if (!m_haveLast || status.queue.inbox != m_last.queue.inbox)
        emit inboxChanged();
    if (!m_haveLast || status.queue.pending != m_last.queue.pending
        || status.queue.inFlight != m_last.queue.inFlight)
        emit queueChanged();
    const auto changed = [this](const ApiLimits &now, const ApiLimits &before) {
        return now.isKnown() && (!m_haveLast || now.used != before.used || now.max != before.max);
    };
    if (changed(status.salesforceLimits, m_last.salesforceLimits))
        emit limitsObserved(status.salesforceLimits);
    if (changed(status.platformLimits, m_last.platformLimits))
        emit limitsObserved(status.platformLimits);
    m_last = status;
    m_haveLast = true;
    emit statusRead(status);
}

void StoreAttachedWorker::readFleet()
{
    if (!m_store) {
        emit fleetRead({}, QStringLiteral("The store is not open."));
        return;
    }
    auto processes = fleet::readProcesses(*m_store, m_clock.nowMs());
    emit fleetRead(processes ? *processes : QList<FleetProcess>(),
                   processes ? QString() : processes.error().message);
}

void StoreAttachedWorker::issue(const QString &kind, const QJsonObject &arguments)
{
    if (!m_store) {
        emit commandFailed(kind, QStringLiteral("The store is not open."));
        return;
    }
    auto id = CommandStore(*m_store).issue(kind, arguments, m_issuer);
    if (!id) {
        emit commandFailed(kind, id.error().message);
        return;
    }
    m_pending.insert(*id, kind);
    followCommands();
}

void StoreAttachedWorker::forget(const QString &email)
{
    if (!m_store) {
        emit forgotten(false, QStringLiteral("The fleet's store is not open."));
        return;
    }
    auto r = PersonEraser(m_store->database(), m_clock).forget(email, m_issuer);
    if (!r) {
        emit forgotten(false, r.error().message);
        return;
    }
    emit forgotten(true, r->summary());
    emit inboxChanged();
    emit queueChanged();
}

void StoreAttachedWorker::followCommands()
{
    if (m_pending.isEmpty())
        return;
    CommandStore commands(*m_store);
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        auto c = commands.get(it.key());
        if (!c || !c->has_value() || (*c)->doneAt == 0) {
            ++it;
            continue;
        }
        const FleetCommand &done = **c;
        if (!done.ok)
            emit commandFailed(done.kind, done.outcome);
        emit commandDone(done.kind, done.id, done.outcome);
        if (done.kind.startsWith(QLatin1String("inbox.")))
            emit inboxChanged();
        if (done.kind != command::Pause && done.kind != command::Resume)
            emit queueChanged();
        it = m_pending.erase(it);
    }
}

} // namespace lb
