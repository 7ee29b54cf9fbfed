#pragma once

#include "config/Profile.h"
#include "store/DestinationStore.h"
#include "sync/AlertMonitor.h"
#include "sync/DestinationFanout.h"
#include "sync/DestinationHub.h"
#include "sync/SyncStatus.h"

#include <QHash>

#include <memory>

namespace lb {

class HttpClient;

// The engine's hub and spoke: the destinations (the profile's and the console's), their fan-out
// for the intake, their lanes, and the alert monitor with its receivers' lanes.
struct DestinationParts
{
    Profile profile;
    std::unique_ptr<DestinationStore> configs;
    DestinationFanout fanout;
    std::unique_ptr<DestinationHub> hub;
    std::unique_ptr<AlertMonitor> alerts; // null without alert receivers
    QHash<QString, QByteArray> secrets; // "destination:<name>/signing_secret", ...

    // Null when the profile has no destinations or alerts and the store none either.
    static std::unique_ptr<DestinationParts> build(const Profile &profile, Store &store,
                                                   const Clock &clock, HttpClient &http,
                                                   const QHash<QString, QByteArray> &secrets,
                                                   const QString &workerId,
                                                   const RetryPolicy &retry);

    QList<SyncStatus::Destination> status() const;
    // Feeds the alert monitor what the engine's status says, and the fleet's heartbeats.
    void observe(const SyncStatus &status, double pauseAt);

    // The console's commands (SyncWorker): add or change, switch on or off, test.
    Result<void> save(const DestinationConfig &destination, const QString &actor);
    Result<void> setEnabled(const QString &name, bool enabled, const QString &actor);
    void test(const QString &name, QObject *context,
              std::function<void(bool ok, const QString &message)> done);

private:
    Result<void> reloadConfigs();
    QByteArray secretFor(const QString &name) const;
    QList<DestinationConfig> m_effective;
    QString m_workerId; // this process: never "gone" to itself
    qint64 m_streamDownSince = 0; // when the stream was last seen not connected
};

} // namespace lb
