#include "SyncWorker.h"

#include "MetricsEndpoint.h"
#include "log/Logging.h"
#include "store/Duties.h"
#include "util/ServiceManager.h"

#include <QJsonDocument>
#include <QPointer>

namespace lb {
namespace {

constexpr qint64 MaxIdleRoundMs = 5000;

} // namespace

Error systemUnreachable(const QString &system, const QString &verb, const QString &doing,
                        Error error)
{
    const QString status
        = error.httpStatus > 0 ? QStringLiteral(", HTTP %1").arg(error.httpStatus) : QString();
    error.message = QStringLiteral("%1 could not be %2 (%3%4): %5")
                        .arg(system, verb, doing, status, error.message);
    return error;
}

SyncWorker::SyncWorker(EngineSetup setup, QObject *parent)
    : QObject(parent)
    , m_setup(std::move(setup))
    , m_clock(*m_setup.clock)
    , m_retention(m_clock, this)
    , m_scheduler(this)
    , m_duties(m_clock, this)
    , m_heartbeat(m_clock, m_setup.workerId, m_setup.role)
    , m_reporter(m_clock, this)
    , m_commands(this)
{
    connect(&m_reporter, &StatusReporter::statusChanged, this, &SyncWorker::statusChanged);
    connect(&m_reporter, &StatusReporter::notify, this, &SyncWorker::notify);
    // The fleet-wide pause flag, as an operator sets it through the store.
    connect(&m_commands, &CommandListener::pauseChanged, this, [this](bool paused) {
        qCInfo(lcSync) << (paused ? "the fleet was paused" : "the fleet was resumed");
        if (paused)
            pause();
        else
            resume();
    });
    connect(&m_commands, &CommandListener::claimed, this, &SyncWorker::runStoredCommand);
}

SyncWorker::~SyncWorker()
{
    m_commands.stop(); // it listens on the store's connection
    m_parts.reset(); // before the store its parts write to
}

// ---- Life cycle ---------------------------------------------------------------------------

void SyncWorker::initialize()
{
    auto store = Store::open(m_setup.store, m_clock, m_setup.workerId);
    if (!store) {
        emit initialized(false, store.error().message);
        return;
    }
    m_store = std::move(*store);
    if (m_setup.pingWatchdog)
        m_watchdog = std::make_unique<service::WatchdogPinger>();
    if (m_setup.serveMetrics && !m_setup.profile.metricsListen.isEmpty()) {
        m_metrics = std::make_unique<MetricsEndpoint>(*m_store, m_clock, m_setup.workerId,
                                                      [this] { return status(); });
        if (auto port = m_metrics->listen(m_setup.profile.metricsListen); !port) {
            m_metrics.reset();
            emit initialized(false, port.error().message);
            return;
        }
    }
    connect(&m_scheduler, &SyncScheduler::pollDue, this, [this] { poll({}); });
    connect(&m_scheduler, &SyncScheduler::inboundDue, this, &SyncWorker::processInbound);
    connect(&m_scheduler, &SyncScheduler::roundDue, this, &SyncWorker::deliverRound);
    // The duties' ticks run only in the process holding the duty (the gate: DutyRoster).
    // A paused process holds no duty (its roster is stopped, where mayRun says yes to all): it
    // leaves the scheduled reconcile and limits refresh to the running ones.
    connect(&m_scheduler, &SyncScheduler::reconcileDue, this, [this] {
        if (m_state != SyncStatus::State::Paused && m_duties.mayRun(duty::Reconcile))
            reconcileNow(QStringLiteral("schedule"));
    });
    connect(&m_scheduler, &SyncScheduler::statusDue, this, [this] {
        // The purge runs in a started engine (not `--once`, not a one-off command's engine)
        // that holds the retention duty.
        if (m_state == SyncStatus::State::Running && m_beating)
            m_retention.tick(*m_store, m_duties, m_setup.profile.retention);
    });
    connect(&m_scheduler, &SyncScheduler::statusDue, this, &SyncWorker::probeLimitsWhilePaused);
    connect(&m_scheduler, &SyncScheduler::statusDue, this,
            [this] { publishStatus(++m_statusTicks % 5 == 0); });
    connect(&m_scheduler, &SyncScheduler::limitsDue, this, [this] {
        if (m_state != SyncStatus::State::Paused && m_duties.mayRun(duty::LimitsRefresh))
            refreshLimits();
    });
    preparePorts(m_setup.profile, [this](Result<EngineSetup::PortsBuilder> builder) {
        const QString error = builder ? buildEngine(*builder) : builder.error().message;
        if (!error.isEmpty()) {
            emit initialized(false, error);
            return;
        }
        m_scheduler.startStatus();
        auto inbox = m_store->inbox().countOpen();
        m_reporter.setInboxBaseline(inbox ? *inbox : 0);
        emit initialized(true, QString());
        publishStatus(true);
        if (m_startWhenBuilt)
            start();
    });
}

void SyncWorker::preparePorts(const Profile &profile,
                              std::function<void(Result<EngineSetup::PortsBuilder>)> done)
{
    if (!m_setup.preparePorts) {
        done(m_setup.ports);
        return;
    }
    QPointer<SyncWorker> self(this);
    m_setup.preparePorts(profile, this,
                         [self, done = std::move(done)](Result<EngineSetup::PortsBuilder> b) {
                             if (self)
                                 done(std::move(b));
                         });
}

bool SyncWorker::busy() const
{
    return m_delivering || m_polling || (m_parts && m_parts->reconciler->isRunning());
}

void SyncWorker::reload(const Profile &profile, const FieldMapping &mapping)
{
    // What the new ports need (the keychain) is gathered first, while the engine goes on with
    // the old settings; only then is it torn down and built again, in one step.
    const int generation = ++m_reloads;
    preparePorts(profile,
                 [this, profile, mapping, generation](Result<EngineSetup::PortsBuilder> builder) {
                     applyReload(profile, mapping, std::move(builder), generation);
                 });
}

void SyncWorker::applyReload(const Profile &profile, const FieldMapping &mapping,
                             Result<EngineSetup::PortsBuilder> builder, int generation)
{
    if (generation != m_reloads || m_stopping)
        return; // a newer reload (or the shutdown) supersedes this one
    if (busy()) {
        // Let the work in flight finish with the old settings first.
        QTimer::singleShot(200, this, [this, profile, mapping, builder, generation] {
            applyReload(profile, mapping, builder, generation);
        });
        return;
    }
    const bool wasRunning = m_state == SyncStatus::State::Running;
    m_scheduler.stopWork();
    teardownEngine();
    m_setup.profile = profile;
    m_setup.mapping = mapping;
    const QString error = builder ? buildEngine(*builder) : builder.error().message;
    emit initialized(error.isEmpty(), error);
    if (!error.isEmpty()) {
        setError(error);
        return;
    }
    m_state = SyncStatus::State::Stopped;
    if (wasRunning)
        start();
    publishStatus(true);
}

void SyncWorker::teardownEngine()
{
    m_parts.reset();
}

QString SyncWorker::buildEngine(const EngineSetup::PortsBuilder &buildPorts)
{
    QPointer<SyncWorker> self(this);
    auto ports = buildPorts(
        m_setup.profile, *m_store,
        [self](const ApiLimits &limits) {
            if (self)
                self->observeLimits(limits);
        },
        [self] {
            if (self)
                self->m_scheduler.inboundSoon();
        });
    if (!ports)
        return ports.error().message;
    m_parts = EngineParts::assemble(m_setup, *m_store, m_clock, std::move(*ports));
    if (m_metrics)
        m_metrics->watch(m_parts->ports);
    wireEngine();
    m_scheduler.configure(m_setup.profile);
    return {};
}

void SyncWorker::wireEngine()
{
    connect(m_parts->dispatcher.get(), &Dispatcher::movedToInbox, this, [this](int n) {
        emit inboxChanged();
        qCInfo(lcSync) << n << "record(s) moved to the inbox";
    });
    SalesforceStream *stream = m_parts->stream.get();
    if (!stream)
        return;
    connect(stream, &SalesforceStream::changesTaken, this,
            [this](const SalesforceChangeProcessor::Stats &taken) {
                if (taken.enqueued > 0) {
                    emit queueChanged();
                    kick();
                }
            });
    connect(stream, &SalesforceStream::problemChanged, this, [this] { publishStatus(false); });
    connect(stream, &SalesforceStream::catchUpNeeded, this,
            [this](const QString &channel, const QString &why) {
                qCWarning(lcSync).noquote()
                    << "change stream: catching up by a poll because" << why;
                // An admin can see afterwards that changes came by the catch-up, not the stream.
                auditStream(channel, QStringLiteral("catch_up"), why);
                m_reporter.noteCatchUp(why);
                m_nextSalesforcePollAt = 0;
                poll({});
            });
    connect(stream, &SalesforceStream::resumedAfterDrop, this,
            [this](const QString &channels, const QString &why) {
                qCInfo(lcSync).noquote() << "change stream:" << why;
                auditStream(channels, QStringLiteral("resumed"), why);
                m_reporter.noteCatchUp(why);
                m_reporter.noteCaughtUp();
                publishStatus(false);
            });
}

void SyncWorker::auditStream(const QString &channel, const QString &action, const QString &why)
{
    if (auto a
        = m_store->audit().append(QStringLiteral("salesforce.stream"), channel, action,
                                  m_setup.workerId, QJsonObject {{QStringLiteral("why"), why}});
        !a)
        qCWarning(lcSync) << "could not audit the stream's" << action << a.error().toString();
}

void SyncWorker::start()
{
    if (!m_parts) {
        // Still gathering what the engine needs (the keychain): start once it is built.
        m_startWhenBuilt = true;
        return;
    }
    if (m_state == SyncStatus::State::Running)
        return;
    m_state = SyncStatus::State::Running;
    m_detail.clear();
    m_stopping = false;
    // Leases first: the stream's consumer and the polls below write fenced by them.
    m_duties.start(*m_store, m_setup.workerId, dutyLeaseMs(m_setup.profile));
    m_beating = true;
    m_scheduler.startRunning();
    refreshLimits();
    m_nextSalesforcePollAt = 0;
    if (SalesforceStream *stream = m_parts->stream.get()) {
        // Subscribed before the first poll, so a change between the two is not missed. Resumed
        // from stored replayIds, the stream replays what changed while stopped: no poll then
        // until the backstop is due.
        if (auto r = stream->start(); !r)
            qCWarning(lcSync) << "change stream cannot start:" << r.error().toString();
        else if (stream->resumed())
            m_nextSalesforcePollAt = m_clock.nowMs() + backstopMs();
    }
    if (m_parts->destinations)
        m_parts->destinations->hub->start();
    poll({});
    kick();
    publishStatus(true);
    // Last: the fleet may be paused (the listener then pauses this process at once).
    if (m_setup.takeCommands && !m_once && !m_commands.running())
        m_commands.start(*m_store, m_setup.workerId,
                         [this] { return m_duties.active() && m_duties.mayRun(duty::Reconcile); });
}

void SyncWorker::pause()
{
    if (m_state == SyncStatus::State::Stopped)
        return;
    m_state = SyncStatus::State::Paused;
    m_detail = QStringLiteral("paused by an admin");
    if (m_parts && m_parts->stream)
        m_parts->stream->stop();
    m_duties.stop(); // a paused process leaves its duties to the rest of the fleet
    m_scheduler.stopPolling();
    if (m_parts && m_parts->destinations)
        m_parts->destinations->hub->stop();
    publishStatus(true);
}

void SyncWorker::resume()
{
    if (m_state != SyncStatus::State::Paused)
        return;
    m_state = SyncStatus::State::Stopped;
    start();
}

void SyncWorker::setQueuePaused(bool paused)
{
    m_queuePaused = paused;
    if (!paused)
        kick();
    publishStatus(false);
}

void SyncWorker::shutdown()
{
    if (m_parts && m_parts->stream)
        m_parts->stream->stop();
    m_commands.stop();
    if (m_parts && m_parts->destinations)
        m_parts->destinations->hub->stop();
    m_scheduler.stopWork();
    m_state = SyncStatus::State::Stopped;
    m_detail.clear();
    m_stopping = true;
    // A poll or round in flight finishes first, still holding its duties: given up before,
    // a poll's watermark write was refused as LEASE_LOST (token 0) and its pass rolled back.
    if (m_delivering || m_polling)
        return;
    finishShutdown();
}

void SyncWorker::finishShutdown()
{
    m_duties.stop();
    if (m_beating && m_store) {
        m_beating = false;
        if (auto r = m_heartbeat.leave(*m_store); !r)
            qCWarning(lcSync) << "could not leave the fleet's process list:"
                              << r.error().toString();
    }
    m_scheduler.stopStatus();
    publishStatus(true);
    emit stopped();
}

QString SyncWorker::notRunning() const
{
    return m_detail.isEmpty() ? QStringLiteral("The sync engine is not running.")
                              : QStringLiteral("The sync engine is not running: %1").arg(m_detail);
}

void SyncWorker::setError(const QString &detail)
{
    m_state = SyncStatus::State::Error;
    m_detail = detail;
    publishStatus(true);
}

// ---- The sync loop ------------------------------------------------------------------------

void SyncWorker::kick()
{
    if (!m_parts || m_queuePaused || m_stopping
        || (m_state != SyncStatus::State::Running && m_state != SyncStatus::State::PausedByLimits))
        return;
    if (m_delivering) {
        m_kickPending = true;
        return;
    }
    m_scheduler.roundIn(0);
}

void SyncWorker::deliverRound()
{
    if (m_delivering || !m_parts)
        return;
    m_delivering = true;
    m_kickPending = false;
    Dispatcher *dispatcher = m_parts->dispatcher.get();
    dispatcher->deliverSalesforce([this, dispatcher](Dispatcher::Round sf) {
        dispatcher->deliverPlatform([this, sf](Dispatcher::Round pf) { afterRound(sf, pf); });
    });
}

void SyncWorker::afterRound(const Dispatcher::Round &sf, const Dispatcher::Round &pf)
{
    m_delivering = false;
    m_reporter.noteRound(sf.delivered, pf.delivered);
    m_heartbeat.noteDelivered(sf.delivered + pf.delivered);
    if (m_metrics)
        m_metrics->noteRound(sf.delivered, pf.delivered);
    if (sf.claimed + pf.claimed > 0)
        emit queueChanged();
    if (m_stopping) {
        if (!m_polling)
            finishShutdown();
        return;
    }
    if (m_once) {
        // On the next turn of the event loop: a round that finishes without a call (nothing
        // claimable while paused by limits) must not recurse into the next one. A round that
        // claimed nothing waits a little, as for a scheduled retry.
        QTimer::singleShot(sf.claimed + pf.claimed > 0 ? 0 : 200, this, &SyncWorker::onceStep);
        return;
    }
    const bool busy = sf.claimed > 0 || pf.claimed > 0;
    if ((busy && !(sf.blocked && pf.blocked)) || m_kickPending)
        m_scheduler.roundIn(0);
    else
        scheduleNextRound();
}

void SyncWorker::scheduleNextRound()
{
    if (m_state != SyncStatus::State::Running && m_state != SyncStatus::State::PausedByLimits)
        return;
    qint64 wait = MaxIdleRoundMs;
    auto stats = m_store->outbox().stats();
    if (stats && stats->pending > 0) {
        wait = 250; // something is scheduled; look again soon (retries have their own times)
        if (m_parts->salesforceBudget->state().blocked || m_parts->platformBudget->state().blocked)
            wait = 2000;
    }
    m_scheduler.roundIn(int(wait));
}

void SyncWorker::refreshLimits()
{
    if (!m_parts)
        return;
    m_lastLimitsProbe = m_clock.nowMs();
    m_parts->ports.salesforce->fetchLimits(this, [this](Result<ApiLimits> l) {
        if (!m_parts)
            return;
        if (l)
            observeLimits(*l);
        else if (l.error().code == QLatin1String("REQUEST_LIMIT_EXCEEDED"))
            m_parts->salesforceBudget->throttled(qint64(m_setup.profile.sync.limitBackoffS) * 1000,
                                                 l.error().toString());
    });
}

void SyncWorker::probeLimitsWhilePaused()
{
    // Paused by limits, nothing calls the API and so nothing would tell us when usage falls
    // again (the allocation is a rolling window): ask /limits now and then.
    if (!m_parts || m_state != SyncStatus::State::Running)
        return;
    const qint64 every = qint64(m_setup.profile.sync.limitBackoffS) * 1000;
    if (m_parts->salesforceBudget->state().paused && m_clock.nowMs() - m_lastLimitsProbe >= every) {
        refreshLimits();
        kick();
    }
}

void SyncWorker::observeLimits(const ApiLimits &limits)
{
    if (!m_parts)
        return;
    ApiBudget &budget = limits.system == QLatin1String("platform") ? *m_parts->platformBudget
                                                                   : *m_parts->salesforceBudget;
    const bool wasPaused = budget.state().paused;
    budget.observe(limits);
    if (auto r = m_store->apiUsage().record(limits); !r)
        qCWarning(lcSync) << "could not record API usage:" << r.error().toString();
    emit limitsObserved(limits);
    if (!wasPaused && budget.state().paused)
        emit notify(QStringLiteral("limits_pause"), QStringLiteral("Sync paused by API limits"),
                    budget.state().reason);
}

void SyncWorker::publishStatus(bool persist)
{
    if (!m_store)
        return;
    const SyncStatus s = status();
    if (m_parts && m_parts->destinations && m_state == SyncStatus::State::Running)
        m_parts->destinations->observe(s, m_setup.profile.sync.apiUsagePauseAt);
    m_reporter.publish(s, *m_store, persist);
    if (persist && m_beating)
        if (auto r = m_heartbeat.beat(*m_store, m_duties.held()); !r)
            qCWarning(lcSync) << "could not write the heartbeat:" << r.error().toString();
}

SyncStatus SyncWorker::status() const
{
    return m_reporter.compose({m_state, m_detail, m_queuePaused, m_scheduler.msToReconcile()},
                              m_parts.get(), m_store.get());
}

} // namespace lb
