#pragma once

#include "BenchReport.h"

namespace lb::bench {

// The content hash on a platform lead's and a Salesforce lead's mirror state: the canonical byte
// hash (mapping/ContentHash.h) beside the JSON-document hash that versions 1 to 17 stored,
// CPU µs per hash, in the same run.
void runHashBench(BenchReport &report, int iterations);

} // namespace lb::bench
