#pragma once

#include "model/ApiLimits.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace lb::salesforce {

// Salesforce API allowance in both forms it reaches us (reference section 6):
// the `Sforce-Limit-Info: api-usage=N/M[; per-app-api-usage=N/M(appName=X)]` header on every
// REST answer, and the `/limits` resource ({"DailyApiRequests": {"Max", "Remaining"}, ...}).
class LimitInfo
{
public:
    static std::optional<ApiLimits> fromHeader(const QByteArray &header, qint64 nowMs);
    static ApiLimits fromLimitsResource(const QJsonObject &body, qint64 nowMs);
};

} // namespace lb::salesforce
