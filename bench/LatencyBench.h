#pragma once

#include "BenchReport.h"
#include "BenchWorld.h"

namespace lb::bench {

// Change latency: `leadbridge sync` runs as a server with its webhook receiver; platform users
// edit leads at a steady `eventsPerSecond` for `seconds`; each edit's time from the platform
// commit (which sends the signed webhook) to the Salesforce write that carries it.
void runLatencyBench(BenchReport &report, BenchWorld &world, int leads, int eventsPerSecond,
                     int seconds);

} // namespace lb::bench
