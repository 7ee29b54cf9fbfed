#pragma once

#include "BenchReport.h"

#include <QString>

namespace lb::bench {

// The console on a big mirror: a SQLite store with `rows` leads is generated, then a child
// process (this program with --console-child) opens the real leads view on it offscreen, applies
// text filters and reports the times; its peak RSS comes from wait4().
void runConsoleBench(BenchReport &report, const QString &workDir, const QString &selfBinary,
                     int rows);

// The child's side: prints one JSON object with the figures and returns the exit code.
int consoleChildMain(const QString &storePath, int rows);

} // namespace lb::bench
