#pragma once

#include "CommandListener.h"
#include "DutyRoster.h"
#include "EngineParts.h"
#include "EngineSetup.h"
#include "Heartbeat.h"
#include "RetentionPurge.h"
#include "StatusReporter.h"
#include "SyncScheduler.h"
#include "store/Store.h"
#include "sync/SyncStatus.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace lb {

class MetricsEndpoint;
namespace service {
class WatchdogPinger;
}

// Runs the engine on its own thread: it builds the engine's parts (EngineParts) from the setup,
// takes the scheduler's ticks (polls, webhook batches, delivery rounds, the reconcile) and the
// admin's commands, and reports status through the StatusReporter. Created on the GUI/main
// thread, moved to its QThread, then initialize() is invoked there. All slots are meant to be
// invoked queued.
//
// SyncWorker.cpp holds the life cycle and the sync loop, SyncWorkerOnce.cpp `sync --once` and
// SyncWorkerCommands.cpp the admin's commands and live reads.
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
    // Erasure (issue 19): forgets everyone with this email address (PersonEraser).
    void forgetPerson(const QString &email);
    // Destinations (the console's Destinations view): add or change one (its JSON as in the
    // profile), switch one on or off, send one a test event.
    void saveDestination(const QJsonObject &destination);
    void setDestinationEnabled(const QString &name, bool enabled);
    void testDestination(const QString &name);
    void runOnce();
    void shutdown();
    // Reads the fleet's processes and the duties they hold (`fleetRead` answers).
    void readFleet();

signals:
    void initialized(bool ok, const QString &error);
    void statusChanged(const lb::SyncStatus &status);
    void limitsObserved(const lb::ApiLimits &limits);
    void inboxChanged();
    void queueChanged();
    void liveFetched(const QString &platformLeadId, const QJsonObject &salesforce,
                     const QJsonObject &platform, const QString &error);
    void connectionTested(const QString &system, bool ok, const QString &message);
    void destinationTested(const QString &name, bool ok, const QString &message);
    void notify(const QString &kind, const QString &title, const QString &message);
    void commandFailed(const QString &command, const QString &message);
    // The erasure's outcome: counts and the address's hash, never the address.
    void forgotten(bool ok, const QString &message);
    void reconciled(const lb::ReconcileReport &report, const QString &error);
    void onceFinished(const lb::OnceResult &result);
    void fleetRead(const QList<lb::FleetProcess> &processes, const QString &error);
    void stopped();

private:
    // Life cycle (SyncWorker.cpp).
    // Asks setup.preparePorts (or takes setup.ports) for the profile's ports builder.
    void preparePorts(const Profile &profile,
                      std::function<void(Result<EngineSetup::PortsBuilder>)> done);
    void applyReload(const Profile &profile, const FieldMapping &mapping,
                     Result<EngineSetup::PortsBuilder> builder, int generation);
    // Empty on success, else why it failed.
    QString buildEngine(const EngineSetup::PortsBuilder &buildPorts);
    void wireEngine();
    // The stream's catch-ups and resumes, for the admin (audit log, entity salesforce.stream).
    void auditStream(const QString &channel, const QString &action, const QString &why);
    void teardownEngine();
    bool busy() const;
    // The end of shutdown(), once no poll or round is in flight: gives the duties up.
    void finishShutdown();

    // The sync loop (SyncWorker.cpp).
    void poll(std::function<void()> then);
    void pollPlatform(std::function<void()> then);
    void pollSalesforce(std::function<void()> then);
    bool budgetAllowsPoll(ApiBudget &budget, const char *what);
    // Every platform poll tick, unless changes come on the stream: then every
    // backstop_poll_min, on a start the stream cannot resume, for `--once` and when the
    // stream asks for a catch-up.
    bool salesforcePollDue() const;
    qint64 backstopMs() const;
    void processInbound();
    void kick();
    void deliverRound();
    void afterRound(const Dispatcher::Round &sf, const Dispatcher::Round &pf);
    void scheduleNextRound();
    void publishStatus(bool persist);
    void observeLimits(const ApiLimits &limits);
    void refreshLimits();
    void probeLimitsWhilePaused();
    void setError(const QString &detail);
    QString notRunning() const; // the answer to a command while the engine has no ports

    // The admin's commands, in process or from the store (SyncWorkerCommands.cpp).
    using ReconcileDone = std::function<void(const ReconcileReport &, const QString &error)>;
    void reconcile(const QString &trigger, ReconcileDone done);
    Result<int> applyRetry(const QList<qint64> &ids, const QString &actor);
    Result<int> applyDiscard(const QList<qint64> &ids, const QString &reason, const QString &actor);
    Result<void> applyCancel(qint64 outboxId, const QString &actor);
    void runStoredCommand(const FleetCommand &command, const QJsonObject &arguments);
    void finishStoredCommand(const FleetCommand &command, bool ok, const QString &outcome);

    // `sync --once` (SyncWorkerOnce.cpp).
    void onceStep();
    void finishOnce();
    void noteOnceFailure(const Error &error);

    EngineSetup m_setup;
    const Clock &m_clock;
    std::unique_ptr<Store> m_store;
    RetentionPurge m_retention; // the daily purge; before the store in destruction
    std::unique_ptr<EngineParts> m_parts; // null until built, and after a failed build
    SyncScheduler m_scheduler;
    DutyRoster m_duties; // which singleton duties this process of a fleet runs
    Heartbeat m_heartbeat; // its row in the fleet's processes table
    bool m_beating = false; // started (not `--once`): heartbeats are written
    StatusReporter m_reporter;
    // The operators' commands from the store (started with the engine; after m_store, so it
    // goes first: it unsubscribes on the store's connection).
    CommandListener m_commands;

    SyncStatus::State m_state = SyncStatus::State::Stopped;
    QString m_detail;
    bool m_queuePaused = false;
    bool m_polling = false;
    bool m_delivering = false;
    bool m_kickPending = false;
    bool m_stopping = false;
    bool m_startWhenBuilt = false; // start() came before the engine was built
    int m_reloads = 0; // the newest reload asked for; an older one's answer is dropped
    bool m_once = false;
    bool m_oncePolled = false; // `--once`: its poll of both sides has finished
    qint64 m_onceStartedAt = 0;
    qint64 m_onceInboxBefore = 0;
    // The first system that could not be read or written at all during `--once` (the run
    // then fails with it rather than report "all delivered").
    std::optional<Error> m_onceFailure;
    int m_statusTicks = 0;
    qint64 m_nextSalesforcePollAt = 0; // on the stream: when the backstop poll is due
    qint64 m_lastLimitsProbe = 0;
    // /metrics (profile metrics_listen, `leadbridge sync` only); goes before the store.
    std::unique_ptr<MetricsEndpoint> m_metrics;
    // systemd watchdog pings from this (the engine's) thread; `leadbridge sync` only.
    std::unique_ptr<service::WatchdogPinger> m_watchdog;
};

// The error of a system that could not be read or written at all, its message naming the
// system and what was being done (code, status and retryability stay the original's, so a
// refused credential still reads as one).
Error systemUnreachable(const QString &system, const QString &verb, const QString &doing,
                        Error error);

} // namespace lb

Q_DECLARE_METATYPE(lb::ReconcileReport)
