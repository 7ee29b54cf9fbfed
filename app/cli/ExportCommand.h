#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge export --report leads|history|errors|api-usage|reconcile --format csv|json|pdf
//                   --out FILE [--since DATE] [--until DATE]
int runExport(CliContext &ctx);
// True when the command line asks for a PDF, which needs a QGuiApplication.
bool exportNeedsGui(int argc, char **argv);

} // namespace lb::cli
