#pragma once

#include "BenchReport.h"
#include "BenchWorld.h"

namespace lb::bench {

// Inbound: N platform leads to Salesforce by `leadbridge sync --once` (poll -> store -> outbox
// -> Composite/Collections upserts -> results applied), then the same N records upserted by
// jsforce through sObject Collections and by a naive client with one call per record, each on
// an empty org. Outbound: N Salesforce changes carried to the platform by `sync --once`.
void runThroughputBench(BenchReport &report, BenchWorld &world, int records);

} // namespace lb::bench
