#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge forget --email ADDRESS [--json]
// Erasure (issue 19): removes everything the store holds about whoever has that address and
// leaves a tombstone keyed on its hash, so no source brings them back. A store operation of its
// own (no engine, no credentials), so it works beside a running `leadbridge sync` and while a
// system or its credentials are down.
int runForget(CliContext &ctx);

} // namespace lb::cli
