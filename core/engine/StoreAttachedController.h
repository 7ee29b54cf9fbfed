#pragma once

#include "StoreAttachedWorker.h"
#include "sync/SyncController.h"
#include "util/WorkerThread.h"

namespace lb {

// The SyncController of a console opened while an engine already runs on the profile's store
// (fleet::engineRunning): it starts no engine of its own. It shows what the fleet reports in
// the store (status, limits, breakers, processes) and sends the operator's commands through
// the store's commands table, where the fleet's processes take them (CommandListener). Its
// store access runs on its own thread with its own connection (StoreAttachedWorker).
//
// What needs the engine's own clients (reading a lead live, testing a connection) and pausing
// only the deliveries are not available attached: they answer with a message saying so.
class StoreAttachedController final : public SyncController
{
    Q_OBJECT
public:
    StoreAttachedController(const StoreConfig &store, const Clock &clock, const QString &issuer,
                            QObject *parent = nullptr);
    ~StoreAttachedController() override;

    SyncStatus lastStatus() const override { return m_last; }
    bool attached() const override { return true; }

public slots:
    void start() override; // the fleet runs already
    void pause() override;
    void resume() override;
    void reconcileNow() override;
    void setQueuePaused(bool paused) override;
    void retryInbox(const QList<qint64> &ids) override;
    void discardInbox(const QList<qint64> &ids, const QString &reason) override;
    void cancelJob(qint64 outboxId) override;
    void fetchLive(const QString &platformLeadId) override;
    void testConnection(const QString &system) override;
    void refreshFleet() override;
    void forgetPerson(const QString &email) override;

signals:
    void opened(bool ok, const QString &error);
    // A command's process answered (its outcome), e.g. "Reconciled 2000 lead(s)...".
    void commandDone(const QString &kind, qint64 id, const QString &outcome);

private:
    void issue(const QString &kind, const QJsonObject &arguments = {});

    WorkerThread m_thread;
    StoreAttachedWorker *m_worker; // deleted on its thread when the thread ends
    SyncStatus m_last;
};

} // namespace lb
