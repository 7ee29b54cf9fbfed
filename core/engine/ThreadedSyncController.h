#pragma once

#include "SyncWorker.h"
#include "sync/SyncController.h"
#include "util/WorkerThread.h"

namespace lb {

// The SyncController the console and `leadbridge sync` use: owns a QThread running one
// SyncWorker (qBittorrent's pattern: worker object moved to the thread, deleted by it when the
// thread finishes). Commands are queued invocations; the worker's signals arrive queued.
class ThreadedSyncController final : public SyncController
{
    Q_OBJECT
public:
    explicit ThreadedSyncController(EngineSetup setup, QObject *parent = nullptr);
    ~ThreadedSyncController() override;

    // Starts the thread and initializes the worker there; `initialized` reports the outcome.
    void launch();
    // Asks the worker to finish the delivery in flight and stop; `stopped` follows once its
    // thread has ended. It never blocks: the caller's event loop keeps running meanwhile (and
    // must, for the main thread serves the keychain writes a stopping engine may still make).
    // A worker that takes longer than a minute has its thread ended anyway.
    void stop();
    bool isStopped() const { return m_stopRequested && !m_thread.isRunning(); }

    SyncStatus lastStatus() const override { return m_last; }
    SyncWorker *worker() const { return m_worker; }

public slots:
    void start() override;
    void pause() override;
    void resume() override;
    void reconcileNow() override;
    void setQueuePaused(bool paused) override;
    void retryInbox(const QList<qint64> &ids) override;
    void discardInbox(const QList<qint64> &ids, const QString &reason) override;
    void cancelJob(qint64 outboxId) override;
    void saveDestination(const QJsonObject &destination) override;
    void setDestinationEnabled(const QString &name, bool enabled) override;
    void testDestination(const QString &name) override;
    void fetchLive(const QString &platformLeadId) override;
    void testConnection(const QString &system) override;
    void refreshFleet() override;
    void forgetPerson(const QString &email) override;
    void runOnce();
    // Applies a changed profile, mapping or stored secrets (the ports are rebuilt).
    void reload(const lb::Profile &profile, const lb::FieldMapping &mapping);

signals:
    void initialized(bool ok, const QString &error);
    void reconciled(const lb::ReconcileReport &report, const QString &error);
    void onceFinished(const lb::OnceResult &result);
    // The worker finished and its thread ended (after stop()).
    void stopped();

private:
    template<typename F> void onWorker(F &&f)
    {
        if (m_worker && !m_stopRequested)
            QMetaObject::invokeMethod(m_worker, std::forward<F>(f), Qt::QueuedConnection);
    }

    WorkerThread m_thread;
    SyncWorker *m_worker; // deleted on its thread when the thread ends
    SyncStatus m_last;
    bool m_launched = false;
    bool m_stopRequested = false;
};

} // namespace lb
