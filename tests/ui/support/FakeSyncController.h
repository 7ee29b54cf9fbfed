#pragma once

#include "store/Store.h"
#include "sync/SyncController.h"

#include <QList>
#include <QStringList>

namespace lb::test {

// Stands in for the engine in GUI tests: records every command, carries out the inbox and
// queue ones on the test's store (as the worker would on its own connection) and answers with
// the engine's signals, queued like the real cross-thread ones.
class FakeSyncController final : public SyncController
{
    Q_OBJECT
public:
    explicit FakeSyncController(Store *store = nullptr, QObject *parent = nullptr);

    SyncStatus lastStatus() const override { return m_status; }

    // Emits statusChanged (queued) with `status` as the new last status.
    void publish(const SyncStatus &status);

    QStringList commands; // "start", "pause", "retry 3,4", "discard 5 why", ...
    QList<QList<qint64>> retried;
    QList<QPair<QList<qint64>, QString>> discarded;
    QList<qint64> cancelled;
    QStringList fetched;
    QStringList tested;
    QStringList forgottenEmails;

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
    void forgetPerson(const QString &email) override;
    // Destinations: kept in the last status, as the engine would report them.
    void saveDestination(const QJsonObject &destination) override;
    void setDestinationEnabled(const QString &name, bool enabled) override;
    void testDestination(const QString &name) override;

private:
    template<typename F> void later(F &&f)
    {
        QMetaObject::invokeMethod(this, std::forward<F>(f), Qt::QueuedConnection);
    }

    Store *m_store;
    SyncStatus m_status;
};

} // namespace lb::test
