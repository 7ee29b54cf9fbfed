#pragma once

#include "BenchReport.h"
#include "store/StoreConfig.h"

#include <optional>

namespace lb::bench {

// Outbox throughput: SQLite enqueue and claim+complete (one worker), and PostgreSQL
// claim+complete with four workers claiming batches of 50 (SKIP LOCKED).
void runStoreBench(BenchReport &report, const QString &workDir, int jobs,
                   const std::optional<StoreConfig> &postgres);

} // namespace lb::bench
