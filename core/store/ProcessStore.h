#pragma once

#include "Database.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace lb {

// One engine process of a fleet as it last reported itself (migration 12).
struct FleetProcess
{
    QString workerId; // newWorkerId(): host:pid:random
    QString host;
    qint64 pid = 0;
    QString version;
    QString role; // "worker" (`leadbridge sync`), "console"
    qint64 startedAt = 0;
    qint64 heartbeatAt = 0;
    QStringList duties; // the singleton duties it holds (store/Duties.h)
    qint64 deliveriesLastMinute = 0;

    // `alive`: it reported within `aliveWithinMs` of `nowMs`.
    QJsonObject toJson(qint64 nowMs, qint64 aliveWithinMs) const;
};

// The heartbeats of the engines sharing a store: each writes its row every few seconds, so
// `leadbridge status` (and later the console) can list the fleet.
class ProcessStore
{
public:
    explicit ProcessStore(Database &db);

    // Writes the process's row (insert or update).
    Result<void> beat(const FleetProcess &process);
    // A process that stops cleanly leaves the list at once; rows of processes that died stay
    // until `forget` drops those silent for long.
    Result<void> remove(const QString &workerId);
    Result<void> forgetSilentSince(qint64 beforeMs);
    // The processes whose last heartbeat is older than `beforeMs`: gone without a clean stop
    // (a clean stop removes its row), until `forgetSilentSince` drops them.
    Result<QStringList> silentBefore(qint64 beforeMs);
    // Every process that reported since `sinceMs`, oldest first.
    Result<QList<FleetProcess>> since(qint64 sinceMs);

private:
    Database &m_db;
};

} // namespace lb

Q_DECLARE_METATYPE(lb::FleetProcess)
