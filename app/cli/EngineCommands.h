#pragma once

#include "CliContext.h"
#include "engine/EngineSetup.h"

#include <functional>

namespace lb::cli {

// leadbridge sync [--once]           run the engine (until SIGTERM/SIGINT), or one full pass
// leadbridge reconcile [--json]      compare both systems now, queue the repairs, print the report
// leadbridge credentials test --system salesforce|platform
int runSync(CliContext &ctx);
int runReconcile(CliContext &ctx);
int runCredentialsTest(CliContext &ctx, const QString &system);

class EngineSession;
// One full pass of a launched engine (`sync --once`, a bulk import): `then` gets its result
// once the engine has stopped.
void runEngineOnce(EngineSession &engine, QObject *context,
                   std::function<void(const OnceResult &)> then);
// Prints a pass's result (or why it failed) and answers its exit code: 0 all delivered,
// 1 records went to the inbox, 2 configuration or credentials, 3 other failure.
int reportOnce(CliContext &ctx, const QString &command, const OnceResult &result);

} // namespace lb::cli
