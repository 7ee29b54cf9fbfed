#pragma once

#include "model/ApiLimits.h"
#include "store/ProcessStore.h"
#include "store/StoreConfig.h"
#include "sync/SyncStatus.h"
#include "util/Clock.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <memory>

namespace lb {

class Store;

// The store side of StoreAttachedController, on its own thread with its own connection: reads
// what the fleet reports (the stored status, the processes and their duties) every second and
// issues the operator's commands (CommandStore), following each until a process answered it.
class StoreAttachedWorker : public QObject
{
    Q_OBJECT
public:
    StoreAttachedWorker(StoreConfig config, const Clock &clock, QString issuer);
    ~StoreAttachedWorker() override;

public slots:
    void open();
    void readFleet();
    void issue(const QString &kind, const QJsonObject &arguments);
    // Erasure is a store operation: done here, on this connection, like the CLI's; the fleet's
    // intake then refuses what names the tombstone.
    void forget(const QString &email);

signals:
    void opened(bool ok, const QString &error);
    void statusRead(const lb::SyncStatus &status);
    void limitsObserved(const lb::ApiLimits &limits);
    void inboxChanged();
    void queueChanged();
    void fleetRead(const QList<lb::FleetProcess> &processes, const QString &error);
    // A command was refused, could not be stored, or its process answered it failed.
    void commandFailed(const QString &command, const QString &message);
    void commandDone(const QString &kind, qint64 id, const QString &outcome);
    void forgotten(bool ok, const QString &message);

private:
    void tick();
    void readStatus();
    void followCommands();

    StoreConfig m_config;
    const Clock &m_clock;
    QString m_issuer; // issued_by of the commands (e.g. "console@host")
    std::unique_ptr<Store> m_store;
    QTimer m_timer;
    QHash<qint64, QString> m_pending; // issued command id -> kind, until answered
    SyncStatus m_last;
    bool m_haveLast = false;
};

} // namespace lb
