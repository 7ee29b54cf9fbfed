#pragma once

#include "SyncController.h"
#include "SyncWorker.h"

#include <QThread>

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
    // Finishes the delivery in flight, stops the worker and the thread (blocks until the
    // thread is done; call when quitting, never from a worker signal handler).
    void stop();
    // stop() without waiting, for switching profiles while the console runs: the worker
    // finishes its round and `stopped` is emitted; deleting the controller afterwards ends
    // the thread at once.
    void requestStop();

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
    void fetchLive(const QString &platformLeadId) override;
    void testConnection(const QString &system) override;
    void runOnce();
    // Applies a changed profile, mapping or stored secrets (the ports are rebuilt).
    void reload(const lb::Profile &profile, const lb::FieldMapping &mapping);

signals:
    void initialized(bool ok, const QString &error);
    void reconciled(const lb::ReconcileReport &report, const QString &error);
    void onceFinished(const lb::OnceResult &result);
    void stopped();

private:
    template<typename F> void onWorker(F &&f)
    {
        QMetaObject::invokeMethod(m_worker, std::forward<F>(f), Qt::QueuedConnection);
    }

    QThread m_thread;
    SyncWorker *m_worker;
    SyncStatus m_last;
    bool m_stopped = false;
    bool m_stopRequested = false;
    bool m_workerStopped = false;
};

} // namespace lb
