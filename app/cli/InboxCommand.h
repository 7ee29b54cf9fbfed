#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge inbox list [--json] [--state open|retried|discarded|all] [--text T]
// leadbridge inbox retry ID...|--all
// leadbridge inbox discard ID... --reason TEXT
int runInbox(CliContext &ctx);

} // namespace lb::cli
