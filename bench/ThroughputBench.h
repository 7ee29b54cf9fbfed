#pragma once

#include "BenchReport.h"
#include "BenchWorld.h"

namespace lb::bench {

// Inbound: N platform leads to Salesforce by `leadbridge sync --once` (poll -> store -> outbox
// -> Composite/Collections upserts -> results applied), then the same N records upserted by
// jsforce through sObject Collections and by a naive client with one call per record, each on
// an empty org. Outbound: N Salesforce changes carried to the platform by `sync --once`.
void runThroughputBench(BenchReport &report, BenchWorld &world, int records);

// Bulk: an initial load of N platform leads into an empty org by `leadbridge sync --once` with
// the default sync.bulk_threshold (one Bulk API 2.0 ingest job), then the same records loaded by
// jsforce's bulk2 (loadAndWaitForResults) on an empty org: records/s and Salesforce API calls
// per 1,000 records of each.
void runBulkLoadBench(BenchReport &report, BenchWorld &world, int records);

} // namespace lb::bench
