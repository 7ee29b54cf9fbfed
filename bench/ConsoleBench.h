#pragma once

#include "BenchReport.h"
#include "store/StoreConfig.h"

#include <QString>

#include <optional>

namespace lb::bench {

// The console on a big mirror: a store with `rows` leads is generated (SQLite, and PostgreSQL when
// given), then a child process (this program with --console-child) opens the real leads view on
// it offscreen, jumps to the middle and the end, applies text filters and reports the times; its
// peak RSS comes from wait4().
void runConsoleBench(BenchReport &report, const QString &workDir, const QString &selfBinary,
                     int rows, const std::optional<StoreConfig> &postgres);

// The child's side (`storeUrl` as StoreConfig::parse reads it): prints one JSON object with the
// figures and returns the exit code.
int consoleChildMain(const QString &storeUrl, int rows);

} // namespace lb::bench
