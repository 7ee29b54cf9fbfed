#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge status [--json]: state, queue depth, inbox count, limits, breakers, last sync times.
int runStatus(CliContext &ctx);

} // namespace lb::cli
