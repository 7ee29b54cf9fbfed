#pragma once

#include "BenchReport.h"
#include "store/StoreConfig.h"

namespace lb::bench {

// The console's leads model on PostgreSQL: a store of `rows` generated leads (multi-row inserts
// through the store's own connection), then the model (LeadsTableModel, as the leads view uses
// it) opened, jumped to the middle and to the end, and scrolled a page on from each: the time
// until a screenful of rows (40) is read.
void runConsolePgBench(BenchReport &report, const StoreConfig &postgres, int rows);

} // namespace lb::bench
