#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge sync [--once]           run the engine (until SIGTERM/SIGINT), or one full pass
// leadbridge reconcile [--json]      compare both systems now, queue the repairs, print the report
// leadbridge credentials test --system salesforce|platform
int runSync(CliContext &ctx);
int runReconcile(CliContext &ctx);
int runCredentialsTest(CliContext &ctx, const QString &system);

} // namespace lb::cli
