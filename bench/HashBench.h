#pragma once

#include "BenchReport.h"

namespace lb::bench {

// The content hash on a platform lead's and a Salesforce lead's mirror state: the canonical byte
// hash (mapping/ContentHash.h) beside the JSON-document hash that versions 1 to 17 stored,
// CPU µs per hash, in the same run; and migration 18, which re-hashes a store of `rows` leads
// (SQLite under workDir) once on upgrade: its wall time and rows per second.
void runHashBench(BenchReport &report, int iterations, const QString &workDir, int rows);

} // namespace lb::bench
