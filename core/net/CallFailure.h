#pragma once

#include "util/Result.h"

namespace lb {

// What a failed call says about the system behind it, the same for Salesforce and the platform,
// so the engine and the command line read an answer one way.

// The system asks us to slow down: REQUEST_LIMIT_EXCEEDED, 429, the platform's rate_limited.
bool isThrottling(const Error &error);
// The system refused our credentials or session (a new token or an admin is needed).
bool isAuthFailure(const Error &error);

} // namespace lb
