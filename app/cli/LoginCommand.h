#pragma once

#include "CliContext.h"

namespace lb::cli {

// leadbridge login [--no-browser] [--timeout SECONDS]
// Signs in to Salesforce with the authorization-code flow and PKCE: the system browser opens
// Salesforce's login page (with --no-browser the address is printed for any browser), the
// redirect comes back to a loopback listener, and the refresh token goes to the OS keychain.
int runLogin(CliContext &ctx);

} // namespace lb::cli
