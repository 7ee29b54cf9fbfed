#pragma once

#include "ApiBudget.h"
#include "Dispatcher.h"
#include "InboundProcessor.h"
#include "Pollers.h"
#include "Ports.h"
#include "Reconciler.h"
#include "SalesforceChangeProcessor.h"
#include "SalesforceStream.h"
#include "SyncPlanner.h"
#include "SyncStatus.h"
#include "config/Profile.h"
#include "mapping/FieldMapping.h"
#include "net/CircuitBreaker.h"
#include "store/Store.h"

#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>

namespace lb {

// The two systems as the worker reaches them, built on the worker's thread (they own its
// QNetworkAccessManager and clients).
struct PortSet
{
    std::unique_ptr<SalesforcePort> salesforce;
    std::unique_ptr<PlatformPort> platform;
    // Salesforce changes as they happen (profile salesforce.changes = stream), owned by `owned`;
    // null when Salesforce is only polled.
    salesforce::streaming::ChangeEventSource *changeSource = nullptr;
    std::vector<std::unique_ptr<QObject>> owned; // clients, NAM, webhook receiver, ...
};

// Everything the worker needs, as values (it crosses into the worker thread).
struct EngineSetup
{
    Profile profile;
    StoreConfig store;
    FieldMapping mapping;
    QString workerId = QStringLiteral("worker");
    // Builds the ports on the worker thread. `onLimits` must be called with every ApiLimits the
    // clients observe; `onEvent` when the webhook receiver stored an event.
    using PortsBuilder = std::function<Result<PortSet>(
        const Profile &profile, Store &store, std::function<void(const ApiLimits &)> onLimits,
        std::function<void()> onEvent)>;
    PortsBuilder ports;
    // Optional: first gathers, without blocking the worker, what building the ports needs that
    // takes a while (the keychain's secrets), then answers with the builder to use. It runs
    // before anything is torn down, so the engine keeps working (and answering commands) while a
    // slow keychain is asked. The answer must arrive on `context`'s thread. Without it, `ports`
    // is used as it is.
    std::function<void(const Profile &profile, QObject *context,
                       std::function<void(Result<PortsBuilder>)> done)>
        preparePorts;
    const Clock *clock = &Clock::system();
    qint64 onceMaxWaitMs = 15 * 60'000; // `sync --once`: longest wait for scheduled retries
};

// The result of `leadbridge sync --once`.
struct OnceResult
{
    bool ok = true;
    Error error;
    qint64 delivered = 0;
    qint64 toInbox = 0;
    qint64 stillPending = 0;
};

// Runs the engine on its own thread: polls, webhook intake, delivery rounds, the reconcile
// schedule and status reports. Created on the GUI/main thread, moved to its QThread, then
// initialize() is invoked there. All slots are meant to be invoked queued.
class SyncWorker : public QObject
{
    Q_OBJECT
public:
    explicit SyncWorker(EngineSetup setup, QObject *parent = nullptr);
    ~SyncWorker() override;

    SyncStatus status() const;

public slots:
    void initialize();
    // New profile or mapping (secrets are read again by the ports factory): rebuilds the
    // clients and the engine after the work in flight, and carries on as before.
    void reload(const lb::Profile &profile, const lb::FieldMapping &mapping);
    void start();
    void pause();
    void resume();
    void reconcileNow(const QString &trigger = QStringLiteral("manual"));
    void setQueuePaused(bool paused);
    void retryInbox(const QList<qint64> &ids);
    void discardInbox(const QList<qint64> &ids, const QString &reason);
    void cancelJob(qint64 outboxId);
    void fetchLive(const QString &platformLeadId);
    void testConnection(const QString &system);
    void runOnce();
    void shutdown();

signals:
    void initialized(bool ok, const QString &error);
    void statusChanged(const lb::SyncStatus &status);
    void limitsObserved(const lb::ApiLimits &limits);
    void inboxChanged();
    void queueChanged();
    void liveFetched(const QString &platformLeadId, const QJsonObject &salesforce,
                     const QJsonObject &platform, const QString &error);
    void connectionTested(const QString &system, bool ok, const QString &message);
    void notify(const QString &kind, const QString &title, const QString &message);
    void commandFailed(const QString &command, const QString &message);
    void reconciled(const lb::ReconcileReport &report, const QString &error);
    void onceFinished(const lb::OnceResult &result);
    void stopped();

private:
    // Asks setup.preparePorts (or takes setup.ports) for the profile's ports builder.
    void preparePorts(const Profile &profile,
                      std::function<void(Result<EngineSetup::PortsBuilder>)> done);
    void applyReload(const Profile &profile, const FieldMapping &mapping,
                     Result<EngineSetup::PortsBuilder> builder, int generation);
    // Empty on success, else why it failed.
    QString buildEngine(const EngineSetup::PortsBuilder &buildPorts);
    void teardownEngine();
    bool busy() const;
    void poll(std::function<void()> then);
    void pollPlatform(std::function<void()> then);
    void pollSalesforce(std::function<void()> then);
    bool budgetAllowsPoll(ApiBudget &budget, const char *what);
    void processInbound();
    // Every platform poll tick, unless changes come on the stream: then every
    // backstop_poll_min, on a start the stream cannot resume, for `--once` and when the
    // stream asks for a catch-up.
    bool salesforcePollDue() const;
    qint64 backstopMs() const;
    void kick();
    void deliverRound();
    void afterRound(const Dispatcher::Round &sf, const Dispatcher::Round &pf);
    void scheduleNextRound();
    void publishStatus(bool persist);
    void observeLimits(const ApiLimits &limits);
    void refreshLimits();
    void probeLimitsWhilePaused();
    void onceStep();
    void finishOnce();
    void setError(const QString &detail);
    QString notRunning() const; // the answer to a command while the engine has no ports
    void noteOnceFailure(const Error &error);

    EngineSetup m_setup;
    const Clock &m_clock;
    std::unique_ptr<Store> m_store;
    PortSet m_ports;
    std::unique_ptr<SyncPlanner> m_leadPlanner;
    std::unique_ptr<SyncPlanner> m_agentPlanner;
    std::unique_ptr<ApiBudget> m_salesforceBudget;
    std::unique_ptr<ApiBudget> m_platformBudget;
    std::unique_ptr<CircuitBreaker> m_salesforceBreaker;
    std::unique_ptr<CircuitBreaker> m_platformBreaker;
    std::unique_ptr<InboundProcessor> m_inbound;
    std::unique_ptr<SalesforceChangeProcessor> m_changes;
    std::unique_ptr<Dispatcher> m_dispatcher;
    std::unique_ptr<PlatformPoller> m_platformPoller;
    std::unique_ptr<SalesforcePoller> m_salesforcePoller;
    std::unique_ptr<Reconciler> m_reconciler;
    std::unique_ptr<SalesforceStream> m_stream; // null when Salesforce is only polled

    QTimer m_pollTimer;
    QTimer m_roundTimer;
    QTimer m_inboundTimer;
    QTimer m_reconcileTimer;
    QTimer m_statusTimer;
    QTimer m_limitsTimer;

    SyncStatus::State m_state = SyncStatus::State::Stopped;
    QString m_detail;
    bool m_queuePaused = false;
    bool m_polling = false;
    bool m_delivering = false;
    bool m_kickPending = false;
    bool m_stopping = false;
    int m_reloads = 0; // the newest reload asked for; an older one's answer is dropped
    bool m_once = false;
    qint64 m_onceStartedAt = 0;
    qint64 m_onceInboxBefore = 0;
    // The first system that could not be read or written at all during `--once` (the run
    // then fails with it rather than report "all delivered").
    std::optional<Error> m_onceFailure;
    int m_statusTicks = 0;
    qint64 m_delivered = 0;
    qint64 m_lastToSalesforce = 0;
    qint64 m_lastToPlatform = 0;
    qint64 m_lastPollPlatform = 0;
    qint64 m_lastPollSalesforce = 0;
    qint64 m_salesforcePolls = 0; // started since the engine was built (status, tests)
    qint64 m_nextSalesforcePollAt = 0; // on the stream: when the backstop poll is due
    qint64 m_lastInboxCount = 0;
    qint64 m_lastLimitsProbe = 0;
    std::deque<std::pair<qint64, int>> m_recent; // (ms, records) deliveries in the last minute
    QString m_lastBreakerStates;
};

} // namespace lb

Q_DECLARE_METATYPE(lb::OnceResult)
Q_DECLARE_METATYPE(lb::ReconcileReport)
