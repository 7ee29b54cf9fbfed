#pragma once

// Both sandboxes and a LeadBridge engine wired to them, in one process: the sandboxes answer on
// the test thread, the engine runs on its own thread as in the product.
#include "engine/ThreadedSyncController.h"
#include "engine/adapters/EnginePorts.h"
#include "platform/PlatformSandbox.h"
#include "salesforce/SalesforceSandbox.h"

#include <QTemporaryDir>

namespace lb::test {

class SyncWorld
{
public:
    explicit SyncWorld(const Clock &salesforceClock = Clock::system(),
                       const sandbox::SandboxConfig &salesforceConfig = {});
    ~SyncWorld();

    Result<void> start(const FieldMapping &mapping = *FieldMapping::defaultMapping());
    // Before start(): receive the platform's webhooks on a free loopback port.
    void enableWebhooks() { m_webhooks = true; }
    // One `sync --once` pass; fails the caller's QVERIFY if it does not finish.
    std::optional<OnceResult> runOnce(int timeoutMs = 600'000);
    ThreadedSyncController &controller() { return *m_controller; }
    void stopEngine();
    // A new engine on the same store and sandboxes, as after a restart of the process.
    Result<void> restartEngine(const FieldMapping &mapping = *FieldMapping::defaultMapping());
    // Another engine on the same store and sandboxes, as a second `leadbridge sync` would be.
    Result<std::unique_ptr<ThreadedSyncController>>
    anotherEngine(const FieldMapping &mapping = *FieldMapping::defaultMapping());

    sandbox::SalesforceSandbox salesforce;
    sandbox::PlatformSandbox platform;
    Profile profile;
    QString storePath;
    // Before start(): the engine's store, instead of a SQLite file at storePath.
    std::optional<StoreConfig> store;

private:
    Result<void> launchEngine(const FieldMapping &mapping);

    QTemporaryDir m_dir;
    EngineSecrets m_secrets;
    bool m_webhooks = false;
    std::unique_ptr<ThreadedSyncController> m_controller;
};

// A People__c record as an admin would create it.
QJsonObject person(int i, bool withPlatformId);

} // namespace lb::test
