#include "SyncWorker.h"

#include "JobKinds.h"
#include "log/Logging.h"

#include <QJsonDocument>
#include <QPointer>

namespace lb {
namespace {

constexpr int InboundBatch = 2000;
constexpr qint64 MaxIdleRoundMs = 5000;

// The error of a system that could not be read or written at all, its message naming the
// system and what was being done (code, status and retryability stay the original's, so a
// refused credential still reads as one).
Error unreachable(const QString &system, const QString &verb, const QString &doing, Error error)
{
    const QString status
        = error.httpStatus > 0 ? QStringLiteral(", HTTP %1").arg(error.httpStatus) : QString();
    error.message = QStringLiteral("%1 could not be %2 (%3%4): %5")
                        .arg(system, verb, doing, status, error.message);
    return error;
}

} // namespace

SyncWorker::SyncWorker(EngineSetup setup, QObject *parent)
    : QObject(parent)
    , m_setup(std::move(setup))
    , m_clock(*m_setup.clock)
    , m_pollTimer(this)
    , m_roundTimer(this)
    , m_inboundTimer(this)
    , m_reconcileTimer(this)
    , m_statusTimer(this)
    , m_limitsTimer(this)
{
    m_roundTimer.setSingleShot(true);
    m_inboundTimer.setSingleShot(true);
    m_inboundTimer.setInterval(5); // gather events that arrive together into one batch
}

SyncWorker::~SyncWorker()
{
    // The ports' clients have callbacks into the engine: drop them first, newest first (a client
    // goes before the HttpClient and the QNetworkAccessManager it uses).
    m_ports.salesforce.reset();
    m_ports.platform.reset();
    while (!m_ports.owned.empty())
        m_ports.owned.pop_back();
}

void SyncWorker::initialize()
{
    auto store = Store::open(m_setup.store, m_clock, m_setup.workerId);
    if (!store) {
        emit initialized(false, store.error().message);
        return;
    }
    m_store = std::move(*store);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] { poll({}); });
    connect(&m_inboundTimer, &QTimer::timeout, this, &SyncWorker::processInbound);
    connect(&m_roundTimer, &QTimer::timeout, this, &SyncWorker::deliverRound);
    connect(&m_reconcileTimer, &QTimer::timeout, this,
            [this] { reconcileNow(QStringLiteral("schedule")); });
    connect(&m_statusTimer, &QTimer::timeout, this, &SyncWorker::probeLimitsWhilePaused);
    connect(&m_statusTimer, &QTimer::timeout, this,
            [this] { publishStatus(++m_statusTicks % 5 == 0); });
    connect(&m_limitsTimer, &QTimer::timeout, this, &SyncWorker::refreshLimits);
    preparePorts(m_setup.profile, [this](Result<EngineSetup::PortsBuilder> builder) {
        const QString error = builder ? buildEngine(*builder) : builder.error().message;
        if (!error.isEmpty()) {
            emit initialized(false, error);
            return;
        }
        m_statusTimer.start();
        auto inbox = m_store->inbox().countOpen();
        m_lastInboxCount = inbox ? *inbox : 0;
        emit initialized(true, QString());
        publishStatus(true);
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
    return m_delivering || m_polling || (m_reconciler && m_reconciler->isRunning());
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
    for (QTimer *t :
         {&m_pollTimer, &m_roundTimer, &m_reconcileTimer, &m_limitsTimer, &m_inboundTimer})
        t->stop();
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
    if (m_stream)
        m_stream->stop();
    m_stream.reset();
    m_reconciler.reset();
    m_salesforcePoller.reset();
    m_platformPoller.reset();
    m_dispatcher.reset();
    m_changes.reset();
    m_inbound.reset();
    m_ports.salesforce.reset();
    m_ports.platform.reset();
    while (!m_ports.owned.empty())
        m_ports.owned.pop_back();
}

QString SyncWorker::buildEngine(const EngineSetup::PortsBuilder &buildPorts)
{
    const Profile &p = m_setup.profile;
    m_leadPlanner = std::make_unique<SyncPlanner>(m_setup.mapping.lead);
    m_agentPlanner = std::make_unique<SyncPlanner>(m_setup.mapping.agent);
    m_salesforceBudget = std::make_unique<ApiBudget>(QStringLiteral("salesforce"), m_clock,
                                                     p.sync.apiUsagePauseAt, 25, 50);
    m_platformBudget = std::make_unique<ApiBudget>(QStringLiteral("platform"), m_clock,
                                                   p.sync.apiUsagePauseAt, 50, 100);
    m_salesforceBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("salesforce"), m_clock);
    m_platformBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("platform"), m_clock);

    QPointer<SyncWorker> self(this);
    auto ports = buildPorts(
        m_setup.profile, *m_store,
        [self](const ApiLimits &limits) {
            if (self)
                self->observeLimits(limits);
        },
        [self] {
            if (self && !self->m_inboundTimer.isActive())
                self->m_inboundTimer.start();
        });
    if (!ports)
        return ports.error().message;
    m_ports = std::move(*ports);

    m_inbound = std::make_unique<InboundProcessor>(*m_store, *m_leadPlanner, m_setup.workerId,
                                                   p.lifecycle.platformDelete);
    m_changes = std::make_unique<SalesforceChangeProcessor>(*m_store, *m_leadPlanner,
                                                            *m_agentPlanner, m_setup.workerId);
    Dispatcher::Config config;
    config.workerId = m_setup.workerId;
    config.leaseMs = qint64(p.sync.leaseS) * 1000;
    config.retry = RetryPolicy {p.sync.retryBaseMs, p.sync.retryCapMs, p.sync.maxAttempts};
    config.highValueThreshold = p.sync.highValueThreshold;
    config.limitBackoffMs = qint64(p.sync.limitBackoffS) * 1000;
    config.salesforceBatch = std::min(p.sync.batchSize, 1000);
    config.bulkThreshold = p.sync.bulkThreshold;
    m_dispatcher = std::make_unique<Dispatcher>(
        *m_store, *m_ports.salesforce, *m_ports.platform, *m_leadPlanner, *m_agentPlanner,
        *m_salesforceBudget, *m_platformBudget, *m_salesforceBreaker, *m_platformBreaker, m_clock,
        config);
    connect(m_dispatcher.get(), &Dispatcher::movedToInbox, this, [this](int n) {
        emit inboxChanged();
        qCInfo(lcSync) << n << "record(s) moved to the inbox";
    });
    const qint64 overlap = qint64(p.sync.pollOverlapS) * 1000;
    m_platformPoller = std::make_unique<PlatformPoller>(*m_store, *m_ports.platform, m_clock,
                                                        overlap, m_setup.workerId);
    m_salesforcePoller
        = std::make_unique<SalesforcePoller>(*m_store, *m_ports.salesforce, *m_changes,
                                             m_setup.mapping.lead, m_setup.mapping.agent, overlap);
    m_reconciler = std::make_unique<Reconciler>(*m_store, *m_ports.salesforce, *m_ports.platform,
                                                *m_leadPlanner, *m_agentPlanner, m_clock,
                                                m_setup.workerId + QStringLiteral(":reconcile"));

    if (m_ports.changeSource) {
        m_stream = std::make_unique<SalesforceStream>(
            *m_store, *m_ports.salesforce, *m_changes, *m_ports.changeSource, m_setup.mapping.lead,
            m_setup.mapping.agent, p.salesforce.callOptionsClient, m_clock);
        connect(m_stream.get(), &SalesforceStream::changesTaken, this,
                [this](const SalesforceChangeProcessor::Stats &taken) {
                    if (taken.enqueued > 0) {
                        emit queueChanged();
                        kick();
                    }
                });
        connect(m_stream.get(), &SalesforceStream::problemChanged, this,
                [this] { publishStatus(false); });
        connect(
            m_stream.get(), &SalesforceStream::catchUpNeeded, this,
            [this](const QString &channel, const QString &why) {
                qCWarning(lcSync).noquote()
                    << "change stream: catching up by a poll because" << why;
                // An admin can see afterwards that changes came by the catch-up, not the stream.
                if (auto a = m_store->audit().append(QStringLiteral("salesforce.stream"), channel,
                                                     QStringLiteral("catch_up"), m_setup.workerId,
                                                     QJsonObject {{QStringLiteral("why"), why}});
                    !a)
                    qCWarning(lcSync) << "could not audit the catch-up:" << a.error().toString();
                m_nextSalesforcePollAt = 0;
                poll({});
            });
    }
    // On the stream, the Salesforce poll is the backstop; the platform poll keeps its pace.
    m_pollTimer.setInterval(p.sync.pollIntervalS * 1000);
    m_reconcileTimer.setInterval(p.sync.reconcileIntervalMin * 60'000);
    m_statusTimer.setInterval(1000);
    m_limitsTimer.setInterval(5 * 60'000);
    return {};
}

void SyncWorker::start()
{
    if (!m_store || m_state == SyncStatus::State::Running)
        return;
    m_state = SyncStatus::State::Running;
    m_detail.clear();
    m_stopping = false;
    m_pollTimer.start();
    m_reconcileTimer.start();
    m_limitsTimer.start();
    refreshLimits();
    m_nextSalesforcePollAt = 0;
    if (m_stream) {
        // Subscribed before the first poll, so a change between the two is not missed. Resumed
        // from stored replayIds, the stream replays what changed while stopped: no poll then
        // until the backstop is due.
        if (auto r = m_stream->start(); !r)
            qCWarning(lcSync) << "change stream cannot start:" << r.error().toString();
        else if (m_stream->resumed())
            m_nextSalesforcePollAt = m_clock.nowMs() + backstopMs();
    }
    poll({});
    kick();
    publishStatus(true);
}

void SyncWorker::pause()
{
    if (m_state == SyncStatus::State::Stopped)
        return;
    m_state = SyncStatus::State::Paused;
    m_detail = QStringLiteral("paused by an admin");
    if (m_stream)
        m_stream->stop();
    m_pollTimer.stop();
    m_roundTimer.stop();
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

void SyncWorker::poll(std::function<void()> then)
{
    if (m_polling || !m_store) {
        if (then)
            then();
        return;
    }
    m_polling = true;
    pollPlatform([this, then = std::move(then)]() mutable {
        processInbound();
        pollSalesforce([this, then = std::move(then)] {
            m_polling = false;
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
    if (!budgetAllowsPoll(*m_platformBudget, "platform poll")) {
        then();
        return;
    }
    m_platformPoller->poll([this, then = std::move(then)](Result<PollStats> pf) {
        if (!pf) {
            qCWarning(lcSync) << "platform poll failed:" << pf.error().toString();
            noteOnceFailure(unreachable(QStringLiteral("The lead platform"), QStringLiteral("read"),
                                        QStringLiteral("polling leads"), pf.error()));
        } else {
            m_lastPollPlatform = m_clock.nowMs();
        }
        if (pf && pf->rejected > 0)
            emit inboxChanged();
        then();
    });
}

void SyncWorker::pollSalesforce(std::function<void()> then)
{
    if (!salesforcePollDue() || !budgetAllowsPoll(*m_salesforceBudget, "Salesforce poll")) {
        then();
        return;
    }
    if (m_stream) // half a platform interval early, so the backstop does not slip a tick
        m_nextSalesforcePollAt
            = m_clock.nowMs() + backstopMs() - qint64(m_setup.profile.sync.pollIntervalS) * 500;
    ++m_salesforcePolls;
    m_salesforcePoller->poll([this, then = std::move(then)](Result<PollStats> sf) {
        if (!sf) {
            qCWarning(lcSync) << "Salesforce poll failed:" << sf.error().toString();
            noteOnceFailure(unreachable(QStringLiteral("Salesforce"), QStringLiteral("read"),
                                        QStringLiteral("polling Leads and People"), sf.error()));
        } else {
            m_lastPollSalesforce = m_clock.nowMs();
        }
        if (sf && sf->changes.enqueued > 0)
            emit queueChanged();
        then();
    });
}

bool SyncWorker::salesforcePollDue() const
{
    return !m_stream || m_once || m_clock.nowMs() >= m_nextSalesforcePollAt;
}

qint64 SyncWorker::backstopMs() const
{
    return qint64(m_setup.profile.sync.backstopPollMin) * 60'000;
}

void SyncWorker::processInbound()
{
    if (!m_inbound)
        return;
    for (;;) {
        auto stats = m_inbound->processPending(InboundBatch);
        if (!stats) {
            qCWarning(lcSync) << "inbound processing failed:" << stats.error().toString();
            noteOnceFailure(unreachable(QStringLiteral("The store"), QStringLiteral("written"),
                                        QStringLiteral("taking in platform changes"),
                                        stats.error()));
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

void SyncWorker::kick()
{
    if (!m_dispatcher || m_queuePaused || m_stopping
        || (m_state != SyncStatus::State::Running && m_state != SyncStatus::State::PausedByLimits))
        return;
    if (m_delivering) {
        m_kickPending = true;
        return;
    }
    m_roundTimer.start(0);
}

void SyncWorker::deliverRound()
{
    if (m_delivering || !m_dispatcher)
        return;
    m_delivering = true;
    m_kickPending = false;
    m_dispatcher->deliverSalesforce([this](Dispatcher::Round sf) {
        m_dispatcher->deliverPlatform([this, sf](Dispatcher::Round pf) { afterRound(sf, pf); });
    });
}

void SyncWorker::afterRound(const Dispatcher::Round &sf, const Dispatcher::Round &pf)
{
    m_delivering = false;
    const qint64 now = m_clock.nowMs();
    if (sf.delivered > 0)
        m_lastToSalesforce = now;
    if (pf.delivered > 0)
        m_lastToPlatform = now;
    const int delivered = sf.delivered + pf.delivered;
    if (delivered > 0) {
        m_delivered += delivered;
        m_recent.emplace_back(now, delivered);
    }
    if (sf.claimed + pf.claimed > 0)
        emit queueChanged();
    if (m_stopping) {
        publishStatus(true);
        emit stopped();
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
        m_roundTimer.start(0);
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
        if (m_salesforceBudget->state().blocked || m_platformBudget->state().blocked)
            wait = 2000;
    }
    m_roundTimer.start(int(wait));
}

void SyncWorker::refreshLimits()
{
    m_lastLimitsProbe = m_clock.nowMs();
    m_ports.salesforce->fetchLimits(this, [this](Result<ApiLimits> l) {
        if (l)
            observeLimits(*l);
        else if (l.error().code == QLatin1String("REQUEST_LIMIT_EXCEEDED"))
            m_salesforceBudget->throttled(qint64(m_setup.profile.sync.limitBackoffS) * 1000,
                                          l.error().toString());
    });
}

void SyncWorker::probeLimitsWhilePaused()
{
    // Paused by limits, nothing calls the API and so nothing would tell us when usage falls
    // again (the allocation is a rolling window): ask /limits now and then.
    if (!m_salesforceBudget || m_state != SyncStatus::State::Running)
        return;
    const qint64 every = qint64(m_setup.profile.sync.limitBackoffS) * 1000;
    if (m_salesforceBudget->state().paused && m_clock.nowMs() - m_lastLimitsProbe >= every) {
        refreshLimits();
        kick();
    }
}

void SyncWorker::observeLimits(const ApiLimits &limits)
{
    ApiBudget *budget = limits.system == QLatin1String("platform") ? m_platformBudget.get()
                                                                   : m_salesforceBudget.get();
    if (!budget)
        return;
    const bool wasPaused = budget->state().paused;
    budget->observe(limits);
    if (auto r = m_store->apiUsage().record(limits); !r)
        qCWarning(lcSync) << "could not record API usage:" << r.error().toString();
    emit limitsObserved(limits);
    if (!wasPaused && budget->state().paused)
        emit notify(QStringLiteral("limits_pause"), QStringLiteral("Sync paused by API limits"),
                    budget->state().reason);
}

void SyncWorker::publishStatus(bool persist)
{
    if (!m_store)
        return;
    const SyncStatus s = status();
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
    if (auto r = m_store->watermarks().set(
            QStringLiteral("worker.status"),
            QString::fromUtf8(QJsonDocument(s.toJson()).toJson(QJsonDocument::Compact)));
        !r)
        qCWarning(lcSync) << "could not store the status:" << r.error().toString();
}

SyncStatus SyncWorker::status() const
{
    SyncStatus s;
    const qint64 now = m_clock.nowMs();
    s.state = m_state;
    s.detail = m_detail;
    if (m_state == SyncStatus::State::Running && m_salesforceBudget && m_platformBudget) {
        const auto sf = m_salesforceBudget->state();
        const auto pf = m_platformBudget->state();
        if (sf.paused || pf.paused) {
            s.state = SyncStatus::State::PausedByLimits;
            s.detail = sf.paused ? sf.reason : pf.reason;
        }
    }
    if (m_queuePaused && s.detail.isEmpty())
        s.detail = QStringLiteral("deliveries paused");
    s.lastPlatformToSalesforce = m_lastToSalesforce;
    s.lastSalesforceToPlatform = m_lastToPlatform;
    s.lastPollPlatform = m_lastPollPlatform;
    s.lastPollSalesforce = m_lastPollSalesforce;
    s.salesforcePolls = m_salesforcePolls;
    if (m_stream) {
        s.streamState = m_stream->stateName();
        s.streamProblem = m_stream->problem();
        s.streamEvents = m_stream->stats().events;
        s.streamEchoes = m_stream->stats().echoes;
        s.lastStreamEvent = m_stream->lastEventAt();
    }
    int recent = 0;
    auto &window = const_cast<std::deque<std::pair<qint64, int>> &>(m_recent);
    while (!window.empty() && now - window.front().first > 60'000)
        window.pop_front();
    for (const auto &r : window)
        recent += r.second;
    s.recordsPerSecond = recent / 60.0;
    if (m_store) {
        if (auto q = m_store->outbox().stats())
            s.queue = *q;
    }
    s.lagMs = s.queue.oldestPendingAt > 0 ? std::max<qint64>(0, now - s.queue.oldestPendingAt) : 0;
    if (m_salesforceBudget)
        s.salesforceLimits = m_salesforceBudget->lastLimits();
    if (m_platformBudget)
        s.platformLimits = m_platformBudget->lastLimits();
    for (const CircuitBreaker *b : {m_salesforceBreaker.get(), m_platformBreaker.get()}) {
        if (b)
            s.breakers.append({b->name(), CircuitBreaker::stateName(b->state()), b->failureShare(),
                               b->retryAt()});
    }
    s.nextReconcileAt = m_reconcileTimer.isActive() ? now + m_reconcileTimer.remainingTime() : 0;
    s.delivered = m_delivered;
    s.updatedAt = now;
    return s;
}

void SyncWorker::reconcileNow(const QString &trigger)
{
    if (!m_reconciler) {
        emit reconciled({}, notRunning());
        return;
    }
    // The reconcile reads every lead on both sides: it waits while either budget says pause.
    for (ApiBudget *budget : {m_salesforceBudget.get(), m_platformBudget.get()}) {
        const ApiBudget::State state = budget->state();
        if (state.paused || state.blocked) {
            const QString why
                = QStringLiteral("The reconcile waits for API budget (%1); it runs when usage "
                                 "falls, at the latest at the next scheduled reconcile.")
                      .arg(state.reason);
            qCInfo(lcSync).noquote() << why;
            emit reconciled({}, why);
            if (trigger != QLatin1String("schedule"))
                emit commandFailed(QStringLiteral("reconcile"), why);
            return;
        }
    }
    m_reconciler->run(trigger, [this](Result<ReconcileReport> r) {
        if (!r) {
            emit reconciled({}, r.error().message);
            emit commandFailed(QStringLiteral("reconcile"), r.error().message);
            return;
        }
        emit reconciled(*r, QString());
        if (r->enqueued > 0)
            emit queueChanged();
        kick();
        if (m_once)
            onceStep();
    });
}

void SyncWorker::retryInbox(const QList<qint64> &ids)
{
    const QString actor = QStringLiteral("console");
    auto r = ids.isEmpty() ? m_store->inbox().retryAll(actor) : m_store->inbox().retry(ids, actor);
    if (!r) {
        emit commandFailed(QStringLiteral("retry"), r.error().message);
        return;
    }
    emit inboxChanged();
    emit queueChanged();
    kick();
}

void SyncWorker::discardInbox(const QList<qint64> &ids, const QString &reason)
{
    auto r = m_store->inbox().discard(ids, reason, QStringLiteral("console"));
    if (!r) {
        emit commandFailed(QStringLiteral("discard"), r.error().message);
        return;
    }
    emit inboxChanged();
}

void SyncWorker::cancelJob(qint64 outboxId)
{
    auto r = m_store->outbox().cancel(outboxId, QStringLiteral("console"));
    if (!r) {
        emit commandFailed(QStringLiteral("cancel"), r.error().message);
        return;
    }
    if (*r == 0)
        emit commandFailed(
            QStringLiteral("cancel"),
            QStringLiteral("Job %1 is already being delivered or finished.").arg(outboxId));
    emit queueChanged();
}

void SyncWorker::fetchLive(const QString &platformLeadId)
{
    if (!m_ports.salesforce || !m_ports.platform) {
        emit liveFetched(platformLeadId, {}, {}, notRunning());
        return;
    }
    struct Pending
    {
        QJsonObject salesforce;
        QJsonObject platform;
        QStringList errors;
        int outstanding = 2;
    };
    auto pending = std::make_shared<Pending>();
    auto finish = [this, pending, platformLeadId] {
        if (--pending->outstanding == 0)
            emit liveFetched(platformLeadId, pending->salesforce, pending->platform,
                             pending->errors.join(QStringLiteral("; ")));
    };
    const ObjectMapping &m = m_setup.mapping.lead;
    m_ports.salesforce->get(m.salesforceObject, m.salesforceKey, platformLeadId,
                            m.salesforceFields(), this, [pending, finish](Result<QJsonObject> r) {
                                if (r)
                                    pending->salesforce = *r;
                                else
                                    pending->errors.append(QStringLiteral("Salesforce: ")
                                                           + r.error().message);
                                finish();
                            });
    m_ports.platform->getLead(platformLeadId, this, [pending, finish](Result<QJsonObject> r) {
        if (r)
            pending->platform = *r;
        else
            pending->errors.append(QStringLiteral("Platform: ") + r.error().message);
        finish();
    });
}

void SyncWorker::testConnection(const QString &system)
{
    if (!m_ports.salesforce || !m_ports.platform) {
        emit connectionTested(system, false, notRunning());
        return;
    }
    if (system == QLatin1String("salesforce")) {
        m_ports.salesforce->fetchLimits(this, [this](Result<ApiLimits> r) {
            if (!r) {
                emit connectionTested(QStringLiteral("salesforce"), false, r.error().message);
                return;
            }
            observeLimits(*r);
            emit connectionTested(QStringLiteral("salesforce"), true,
                                  QStringLiteral("Connected: %1 of %2 daily API requests used.")
                                      .arg(r->used)
                                      .arg(r->max));
        });
        return;
    }
    m_ports.platform->listLeads(0, QString(), 1, this, [this](Result<RecordPage> r) {
        emit connectionTested(QStringLiteral("platform"), r.ok(),
                              r ? QStringLiteral("Connected to the lead platform.")
                                : r.error().message);
    });
}

void SyncWorker::runOnce()
{
    if (!m_store || !m_ports.salesforce || !m_ports.platform) {
        OnceResult result;
        result.ok = false;
        result.error = makeError(QStringLiteral("engine_not_running"), notRunning());
        emit onceFinished(result);
        return;
    }
    m_once = true;
    m_state = SyncStatus::State::Running;
    m_onceStartedAt = m_clock.nowMs();
    auto inbox = m_store->inbox().countOpen();
    m_onceInboxBefore = inbox ? *inbox : 0;
    m_onceFailure.reset();
    m_ports.salesforce->fetchLimits(this, [this](Result<ApiLimits> l) {
        if (!l) {
            // Nothing can be synced without a working Salesforce login.
            OnceResult result;
            result.ok = false;
            result.error = unreachable(QStringLiteral("Salesforce"), QStringLiteral("read"),
                                       QStringLiteral("API limits"), l.error());
            m_once = false;
            emit onceFinished(result);
            return;
        }
        observeLimits(*l);
        // And the platform answers with our key.
        m_ports.platform->listLeads(0, QString(), 1, this, [this](Result<RecordPage> page) {
            if (!page) {
                OnceResult result;
                result.ok = false;
                result.error
                    = unreachable(QStringLiteral("The lead platform"), QStringLiteral("read"),
                                  QStringLiteral("listing leads"), page.error());
                m_once = false;
                emit onceFinished(result);
                return;
            }
            poll([this] { onceStep(); });
        });
    });
}

void SyncWorker::onceStep()
{
    if (m_delivering || m_polling)
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
    result.delivered = m_delivered;
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

void SyncWorker::shutdown()
{
    if (m_stream)
        m_stream->stop();
    m_pollTimer.stop();
    m_reconcileTimer.stop();
    m_limitsTimer.stop();
    m_roundTimer.stop();
    m_inboundTimer.stop();
    m_state = SyncStatus::State::Stopped;
    m_detail.clear();
    if (m_delivering) {
        m_stopping = true; // the round in flight finishes, then stopped() is emitted
        return;
    }
    m_statusTimer.stop();
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

} // namespace lb
