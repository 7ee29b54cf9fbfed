#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge import FILE [--dry-run]: leads from a CSV file, checked row by row and delivered
// through the sync queue. Exit code 1 when some rows had problems (the others are delivered).
int runImport(CliContext &ctx);

} // namespace lb::cli
