#include "StoredStatus.h"

#include "ProcessLiveness.h"
#include "store/Duties.h"
#include "store/LeaseListing.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QSysInfo>

namespace lb::fleet {

Result<SyncStatus> readStatus(Store &store, qint64 nowMs)
{
    SyncStatus status;
    auto saved = store.watermarks().get(QStringLiteral("worker.status"));
    if (!saved)
        return saved.error();
    if (saved->has_value())
        status = SyncStatus::fromJson(QJsonDocument::fromJson((*saved)->toUtf8()).object());
    auto queue = store.outbox().stats();
    if (!queue)
        return queue.error();
    status.queue = *queue;
    if (status.updatedAt > 0 && nowMs - status.updatedAt > 120'000
        && status.state != SyncStatus::State::Stopped) {
        status.detail = QStringLiteral("no worker has reported since %1")
                            .arg(QDateTime::fromMSecsSinceEpoch(status.updatedAt, Qt::UTC)
                                     .toString(Qt::ISODate));
        status.state = SyncStatus::State::Stopped;
    }
    return status;
}

Result<QList<FleetProcess>> readProcesses(Store &store, qint64 nowMs)
{
    auto processes = ProcessStore(store.database()).since(nowMs - ListedWithinMs);
    if (!processes)
        return processes.error();
    auto leases = currentLeases(store.database(), nowMs);
    if (!leases)
        return leases.error();
    const QStringList duties = duty::scheduled() << duty::SalesforceStream;
    for (FleetProcess &p : *processes) {
        p.duties.clear();
        for (const QString &d : duties)
            if (leases->value(d) == p.workerId)
                p.duties.append(d);
    }
    return *processes;
}

Result<bool> engineRunning(Store &store, qint64 nowMs)
{
    auto alive = ProcessStore(store.database()).since(nowMs - AliveWithinMs);
    if (!alive)
        return alive.error();
    for (const FleetProcess &p : std::as_const(*alive))
        if (attachableEngine(p, nowMs))
            return true;
    return false;
}

bool attachableEngine(const FleetProcess &p, qint64 nowMs)
{
    if (nowMs - p.heartbeatAt > AliveWithinMs)
        return false;
    // This process's own rows (an engine it ran before) are nothing to attach to.
    if (p.host == QSysInfo::machineHostName() && p.pid == QCoreApplication::applicationPid())
        return false;
    switch (livenessOnThisHost(p)) {
    case Liveness::Alive:
        return true;
    case Liveness::Dead:
        return false;
    case Liveness::Unknown:
        break;
    }
    return p.role == QLatin1String("worker");
}

} // namespace lb::fleet
