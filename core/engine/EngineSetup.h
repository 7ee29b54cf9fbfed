#pragma once

#include "config/Profile.h"
#include "mapping/FieldMapping.h"
#include "store/StoreConfig.h"
#include "sync/Ports.h"
#include "util/Clock.h"
#include "util/Result.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

namespace lb {

class HttpClient;
class Store;

namespace salesforce::streaming {
class ChangeEventSource;
}

// The two systems as the engine reaches them, built on the worker's thread (they own its
// QNetworkAccessManager and clients).
struct PortSet
{
    std::unique_ptr<SalesforcePort> salesforce;
    std::unique_ptr<PlatformPort> platform;
    // Salesforce changes as they happen (profile salesforce.changes = stream), owned by `owned`;
    // null when Salesforce is only polled.
    salesforce::streaming::ChangeEventSource *changeSource = nullptr;
    // The HTTP client of each system, owned by `owned` (their calls are counted for /metrics).
    HttpClient *salesforceHttp = nullptr;
    HttpClient *platformHttp = nullptr;
    // Destinations' and alerts' deliveries (on the profile's allowlist), and their secrets.
    HttpClient *destinationsHttp = nullptr;
    QHash<QString, QByteArray> destinationSecrets;
    std::vector<std::unique_ptr<QObject>> owned; // clients, NAM, webhook receiver, ...

    PortSet() = default;
    PortSet(PortSet &&) = default;
    PortSet &operator=(PortSet &&other);
    ~PortSet();
    // The ports' clients have callbacks into the engine: they go first, newest first (a client
    // before the HttpClient and the QNetworkAccessManager it uses).
    void clear();
};

// Everything the worker needs, as values (it crosses into the worker thread).
// A worker of a fleet: "<host>:<pid>:<random>", never used again by another (a pid is reused,
// in containers often 1). An engine takes one when its setup is made (once per process in the
// product, so the same for the process's life; tests running two engines in one process get
// two). It names the outbox's claims (a claim is completed only by its claimer) and the holder
// of the duties' leases.
QString newWorkerId();

struct EngineSetup
{
    Profile profile;
    StoreConfig store;
    FieldMapping mapping;
    QString workerId = newWorkerId();
    QString role = QStringLiteral("engine"); // what runs it: "worker" (sync), "console"
    // Serve /metrics on the profile's metrics_listen (when set): `leadbridge sync` only.
    bool serveMetrics = false;
    // Take the operators' commands to the fleet from the store (CommandListener) while
    // running: `leadbridge sync` and the console's own engine.
    bool takeCommands = false;
    // Send systemd watchdog pings (WATCHDOG_USEC) from the engine's thread: `leadbridge sync`.
    bool pingWatchdog = false;
    // Builds the ports on the worker thread. `onLimits` must be called with every ApiLimits the
    // clients observe; `onEvent` when the webhook receiver stored an event.
    using PortsBuilder = std::function<Result<PortSet>(
        const Profile &profile, Store &store, std::function<void(const ApiLimits &)> onLimits,
        std::function<void()> onEvent)>;
    PortsBuilder ports;
    // Optional: first gathers, without blocking the worker, what building the ports needs that
    // takes a while (the keychain's secrets), then answers with the builder to use. It runs
    // before anything is torn down, so the engine keeps working (and answering commands) while a
    // slow keychain is asked. The answer must arrive on `context`'s thread. Without it, `ports`
    // is used as it is.
    std::function<void(const Profile &profile, QObject *context,
                       std::function<void(Result<PortsBuilder>)> done)>
        preparePorts;
    const Clock *clock = &Clock::system();
    qint64 onceMaxWaitMs = 15 * 60'000; // `sync --once`: longest wait for scheduled retries
};

// The result of `leadbridge sync --once`.
struct OnceResult
{
    bool ok = true;
    Error error;
    qint64 delivered = 0;
    qint64 toInbox = 0;
    qint64 stillPending = 0;
};

} // namespace lb

Q_DECLARE_METATYPE(lb::OnceResult)
