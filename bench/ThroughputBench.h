#pragma once

#include "BenchReport.h"
#include "BenchWorld.h"

namespace lb::bench {

// One throughput run: where its figures go and what the sandboxes play.
struct ThroughputRun
{
    int records = 0;
    // Sections of the report: the inbound figures (with the peers') and the outbound ones.
    QString inboundSection = QStringLiteral("inbound");
    QString outboundSection = QStringLiteral("outbound");
    // A remote org: both sandboxes answer every call this many ms late (on timers, so other
    // connections are not held up), as a distant org and platform do. 0 = loopback speed.
    int remoteDelayMs = 0;
    // Records the naive client sends (at most `records`): one call per record costs
    // remoteDelayMs each, so under a remote org it runs on a sample of the same records.
    int naiveRecords = 0;
    // Added to the sync section of LeadBridge's profile (e.g. max_in_flight).
    QJsonObject syncOverrides;
};

// Inbound: N platform leads to Salesforce by `leadbridge sync --once` (poll -> store -> outbox
// -> Composite/Collections upserts -> results applied), then the same N records upserted by
// jsforce through sObject Collections and by a naive client with one call per record, each on
// an empty org. Outbound: N Salesforce changes carried to the platform by `sync --once`.
void runThroughputBench(BenchReport &report, BenchWorld &world, const ThroughputRun &run);

// Bulk: an initial load of N platform leads into an empty org by `leadbridge sync --once` with
// the default sync.bulk_threshold (one Bulk API 2.0 ingest job), then the same records loaded by
// jsforce's bulk2 (loadAndWaitForResults) on an empty org: records/s and Salesforce API calls
// per 1,000 records of each.
void runBulkLoadBench(BenchReport &report, BenchWorld &world, int records);

} // namespace lb::bench
