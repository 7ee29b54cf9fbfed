#pragma once

#include <QString>

namespace lb {

// Parses the timestamps both systems send: RFC 3339 with milliseconds and "Z"
// ("2026-11-22T13:05:00.000Z") and Salesforce's "2024-01-15T10:20:30.000+0000". Returns epoch
// ms, or 0 when the text is not a timestamp.
qint64 parseTimestampMs(const QString &text);
// Formats epoch ms the way the platform expects (RFC 3339 UTC with milliseconds).
QString formatPlatformTime(qint64 epochMs);
// Formats epoch ms as a SOQL datetime literal, rounded down to the second (2024-01-15T10:20:30Z).
QString formatSoqlTime(qint64 epochMs);

} // namespace lb
