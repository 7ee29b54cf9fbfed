#pragma once

#include "model/ApiLimits.h"
#include "util/Result.h"

#include <QByteArray>

namespace lb::salesforce {

// Reads Salesforce's two views of its API allowances into lb::ApiLimits (system
// "salesforce"): the `Sforce-Limit-Info` header on every REST answer and the /limits resource.
class ApiLimitsParser
{
public:
    // "api-usage=51/100000", optionally "; per-app-api-usage=17/250(appName=x)" and
    // "; api-bursts=1/750" (either ';' or ',' separated). api-usage sets used/max; the others
    // become counters ("per-app-api-usage", "per-app-api-usage:<appName>", "api-bursts").
    // False when the header holds nothing usable; `into` is then unchanged.
    static bool parseLimitInfo(const QByteArray &header, ApiLimits &into);

    // The /limits document: every top-level {"Max":m,"Remaining":r} becomes a counter
    // (used = Max - Remaining); DailyApiRequests also sets used/max. Unknown keys and nested
    // per-app children are ignored.
    static Result<ApiLimits> parseLimitsResource(const QByteArray &json);

    // `update` on top of `base`: known used/max and every counter of `update` win.
    static ApiLimits merged(const ApiLimits &base, const ApiLimits &update);
};

} // namespace lb::salesforce
