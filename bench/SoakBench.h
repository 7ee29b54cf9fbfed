#pragma once

#include "BenchReport.h"
#include "BenchWorld.h"

namespace lb::bench {

// `--soak MINUTES`: `leadbridge sync` as a child under two-way traffic (platform users' edits,
// told by webhooks and seen by the poll; Salesforce users' edits, seen on the change stream)
// with every fault knob of both sandboxes on (503s, hangs, dropped connections, slow answers,
// row locks, failed Bulk jobs, 429s, duplicated, reordered and refused webhook deliveries).
// Every few seconds the child's RSS, the store's size and the queue depth are sampled. At the
// end the faults go off and the run waits for both sides to converge, then counts the edits
// lost and the changes written twice. The run fails when either is not 0 or the RSS grew more
// than 10% after the warm-up (a leak check on a ratio, not a timing).
void runSoakBench(BenchReport &report, BenchWorld &world, double minutes);

} // namespace lb::bench
