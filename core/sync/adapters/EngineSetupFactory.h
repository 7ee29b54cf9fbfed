#pragma once

#include "sync/SyncWorker.h"
#include "sync/adapters/EnginePorts.h"

#include <optional>

namespace lb {

// The engine setup the console runs. Unless `fixedSecrets` is given (demo mode), the secrets
// are read from the keychain (or LEADBRIDGE_* variables) on the worker thread each time the
// engine builds its clients, so a secret saved in the credentials view applies on reload.
EngineSetup consoleEngineSetup(const Profile &profile, const StoreConfig &store,
                               const FieldMapping &mapping,
                               std::optional<EngineSecrets> fixedSecrets = std::nullopt);

// Reads the engine's secrets; waits for the keychain. Call on the worker thread only.
Result<EngineSecrets> readEngineSecrets(const Profile &profile);

} // namespace lb
