#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace lb::platform {

// Times on the platform API are RFC 3339 in UTC with milliseconds: 2026-11-22T13:05:00.000Z.
QString formatPlatformTimestamp(qint64 epochMs);

// Strict RFC 3339 date-time (what the platform may send): a 4-digit year, 'T', an optional
// fraction (kept to milliseconds) and 'Z' or a +hh:mm / -hh:mm offset, within years 1-9999 once
// in UTC. Anything else, including out-of-range fields, is nullopt. Hand-written rather than
// QDateTime::fromString so that it is exact, fast on 100,000-lead pages and safe to fuzz.
std::optional<qint64> parsePlatformTimestamp(QStringView text);

} // namespace lb::platform
