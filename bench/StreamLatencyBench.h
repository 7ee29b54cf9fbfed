#pragma once

#include "BenchReport.h"
#include "BenchWorld.h"

namespace lb::bench {

// Salesforce -> platform latency on the change stream: `leadbridge sync` runs with
// salesforce.changes = stream (the Salesforce poll an hourly backstop, the platform polled every
// 10 minutes); Salesforce users edit leads at a steady `eventsPerSecond` for `seconds`; each
// edit's time from the Salesforce commit (which publishes the change event) to the platform
// write that carries it.
void runStreamLatencyBench(BenchReport &report, BenchWorld &world, int leads, int eventsPerSecond,
                           int seconds);

} // namespace lb::bench
