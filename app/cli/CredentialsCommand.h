#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge credentials set --system S --secret NAME    (the value is read from stdin)
// leadbridge credentials delete --system S --secret NAME [--local-only]
//                                                   (a refresh token is revoked at Salesforce
//                                                   first)
// leadbridge credentials list                          (which secrets are set, never values)
// Secrets go to the OS keychain only.
int runCredentials(CliContext &ctx);

} // namespace lb::cli
