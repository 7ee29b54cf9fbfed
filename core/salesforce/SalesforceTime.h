#pragma once

#include <QString>

#include <optional>

namespace lb::salesforce {

// Salesforce's datetimes (SALESFORCE_API.md 4.5): answers carry "2024-01-15T10:20:30.000+0000"
// (always UTC, milliseconds, offset without a colon); "Z" and "+00:00" forms are read too.
// nullopt for anything else, so a malformed date is never read as 1970.
std::optional<qint64> parseSalesforceDateTime(const QString &text);
// Epoch ms as a datetime for URLs and SOQL, whole seconds in UTC: 2024-01-15T10:20:30Z.
QString formatSalesforceDateTime(qint64 epochMs);

} // namespace lb::salesforce
