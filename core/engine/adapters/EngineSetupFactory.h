#pragma once

#include "engine/SyncWorker.h"
#include "engine/adapters/EnginePorts.h"

#include <optional>

namespace lb {

// Which engine this is. Only the ones that run the profile (`leadbridge sync`, the console's
// own engine) bind the webhook address; a command's engine (`reconcile`, `credentials test`)
// works beside a running daemon, which keeps the address and receives the webhooks. Only
// `leadbridge sync` (Service) serves /metrics on the profile's metrics_listen and pings the
// systemd watchdog.
enum class EngineRole { Service, Console, Command };

// The engine setup the console and the headless commands run, as a new worker id (newWorkerId()) in
// the role `workerPrefix` ("worker", "console"). Unless `fixedSecrets` is given (demo mode), the
// secrets are read from the keychain (or LEADBRIDGE_* variables) each time the engine builds its
// clients, so a secret saved in the credentials view applies on reload; the engine keeps running
// while they are read.
EngineSetup engineSetup(const Profile &profile, const StoreConfig &store,
                        const FieldMapping &mapping, const QString &workerPrefix,
                        EngineRole role = EngineRole::Console,
                        std::optional<EngineSecrets> fixedSecrets = std::nullopt);

inline EngineSetup consoleEngineSetup(const Profile &profile, const StoreConfig &store,
                                      const FieldMapping &mapping,
                                      std::optional<EngineSecrets> fixedSecrets = std::nullopt)
{
    return engineSetup(profile, store, mapping, QStringLiteral("console"), EngineRole::Console,
                       std::move(fixedSecrets));
}

// Reads the engine's secrets without blocking: the keychain is asked on the main thread (its
// D-Bus jobs belong there) and the answer comes on `context`'s thread, unless `context` is gone.
void readEngineSecrets(const Profile &profile, QObject *context,
                       std::function<void(Result<EngineSecrets>)> done);

} // namespace lb
