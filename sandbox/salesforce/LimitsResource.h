#pragma once

#include "ApiResponse.h"

namespace lb::sandbox {

class ApiUsage;

// GET /limits: DailyApiRequests from the live counter, the other limits as a fresh
// Enterprise org reports them (SALESFORCE_API.md 6.1).
class LimitsResource
{
public:
    static ApiResponse handle(const ApiUsage &usage);
};

} // namespace lb::sandbox
