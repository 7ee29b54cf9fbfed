#pragma once

#include "metrics/EngineMetrics.h"
#include "metrics/MetricsServer.h"
#include "sync/SyncStatus.h"
#include "util/Clock.h"

#include <QObject>

#include <functional>

namespace lb {

class Store;
struct PortSet;

// One engine's `/metrics` (profile metrics_listen, `leadbridge sync` only): counts the calls
// of the ports' HTTP clients and the records the rounds deliver, and at each scrape sets the
// gauges from the engine's status and the store's leases. Lives on the engine's thread.
class MetricsEndpoint : public QObject
{
    Q_OBJECT
public:
    // `status` composes the engine's status now (it reads the queue from the store);
    // `workerId` is the engine's (EngineSetup::workerId).
    MetricsEndpoint(Store &store, const Clock &clock, QString workerId,
                    std::function<SyncStatus()> status, QObject *parent = nullptr);

    Result<quint16> listen(const QString &address) { return m_server.listen(address); }
    // Counts the calls of a newly built set of ports (after a start or a reload).
    void watch(const PortSet &ports);
    void noteRound(qint64 toSalesforce, qint64 toPlatform)
    {
        m_metrics.noteDelivered(toSalesforce, toPlatform);
    }

private:
    QByteArray scrape();
    // Whether a lease holder names this process: the stream's "host:pid:...", or this
    // engine's worker id (alone or followed by ":...").
    bool isOurs(const QString &holder) const;

    Store &m_store;
    const Clock &m_clock;
    const QString m_workerId;
    std::function<SyncStatus()> m_status;
    EngineMetrics m_metrics;
    MetricsServer m_server;
};

} // namespace lb
