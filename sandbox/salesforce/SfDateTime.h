#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>

namespace lb::sandbox {

// Date and time text as Salesforce writes and reads it (SALESFORCE_API.md 4.5). Written
// datetimes are always UTC with milliseconds and a colon-less offset, so their text sorts in
// time order, which the record store relies on.
class SfDateTime
{
public:
    // 2024-01-15T10:20:30.000+0000
    static QString format(qint64 msSinceEpoch);
    // 2024-01-15
    static QString formatDate(qint64 daysSinceEpoch);
    // Sun, 06 Nov 1994 08:49:37 GMT (Last-Modified, Date)
    static QByteArray httpDate(qint64 msSinceEpoch);

    // ISO 8601 datetime with optional fraction and zone "Z", "+hh:mm", "+hhmm" or "+hh"
    // (no zone = UTC). Returns ms since the epoch.
    static std::optional<qint64> parse(QStringView text);
    // "Tue, 23 Mar 2015 00:00:00 GMT" (If-Modified-Since); returns ms since the epoch.
    static std::optional<qint64> parseHttpDate(QStringView text);
    // YYYY-MM-DD; returns days since the epoch.
    static std::optional<qint64> parseDate(QStringView text);

    static qint64 daysFromCivil(int year, int month, int day);
    static constexpr qint64 kMsPerDay = 86'400'000;
};

} // namespace lb::sandbox
