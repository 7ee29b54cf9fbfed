#pragma once

#include "CliContext.h"
#include "engine/ThreadedSyncController.h"
#include "engine/adapters/EngineSetupFactory.h"

#include <QObject>

#include <functional>
#include <memory>

namespace lb::cli {

// The engine a command starts (`sync`, `reconcile`, `credentials test`): launched on its own
// thread, asked to stop, and destroyed with the command once its thread has ended. Only
// `sync`'s (EngineRole::Service) binds the webhook address and serves /metrics.
class EngineSession : public QObject
{
    Q_OBJECT
public:
    EngineSession(CliContext &ctx, EngineRole role, QObject *parent = nullptr);

    // Loads the mapping and starts the worker, which resolves the secrets (keychain or
    // environment) before it builds its clients. `then` gets an empty string once the engine
    // is ready, or why it could not start (the engine is then stopped already).
    void launch(std::function<void(const QString &error)> then);
    // Asks the engine to stop (the batch in flight finishes); `then` runs once its thread ended.
    void stop(std::function<void()> then);

    ThreadedSyncController *controller() const { return m_controller.get(); }

private:
    CliContext &m_ctx;
    const EngineRole m_role;
    std::unique_ptr<ThreadedSyncController> m_controller;
};

} // namespace lb::cli
