#include "PlatformTime.h"

#include <QDateTime>

namespace lb::platform {
namespace {

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return qint64(era) * 146097 + doe - 719468;
}

bool isLeap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int y, int m)
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

// Reads exactly `count` ASCII digits at `pos`.
bool digits(QStringView s, qsizetype pos, int count, int &out)
{
    if (pos + count > s.size())
        return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
        const char16_t c = s[pos + i].unicode();
        if (c < u'0' || c > u'9')
            return false;
        v = v * 10 + (c - u'0');
    }
    out = v;
    return true;
}

bool expect(QStringView s, qsizetype pos, char16_t c)
{
    return pos < s.size() && s[pos].unicode() == c;
}

} // namespace

QString formatPlatformTimestamp(qint64 epochMs)
{
    return QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

std::optional<qint64> parsePlatformTimestamp(QStringView s)
{
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(s, 0, 4, year) || !expect(s, 4, u'-') || !digits(s, 5, 2, month)
        || !expect(s, 7, u'-') || !digits(s, 8, 2, day))
        return std::nullopt;
    if (!(expect(s, 10, u'T') || expect(s, 10, u't')))
        return std::nullopt;
    if (!digits(s, 11, 2, hour) || !expect(s, 13, u':') || !digits(s, 14, 2, minute)
        || !expect(s, 16, u':') || !digits(s, 17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23
        || minute > 59 || second > 59)
        return std::nullopt;

    qsizetype pos = 19;
    int millis = 0;
    if (expect(s, pos, u'.')) {
        ++pos;
        int n = 0;
        while (pos < s.size() && s[pos].unicode() >= u'0' && s[pos].unicode() <= u'9') {
            if (n < 3)
                millis = millis * 10 + (s[pos].unicode() - u'0');
            ++n;
            ++pos;
        }
        if (n == 0 || n > 9)
            return std::nullopt;
        for (int i = n; i < 3; ++i)
            millis *= 10;
    }

    int offsetMinutes = 0;
    if (expect(s, pos, u'Z') || expect(s, pos, u'z')) {
        ++pos;
    } else if (expect(s, pos, u'+') || expect(s, pos, u'-')) {
        const int sign = s[pos].unicode() == u'-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!digits(s, pos + 1, 2, oh) || !expect(s, pos + 3, u':') || !digits(s, pos + 4, 2, om)
            || oh > 23 || om > 59)
            return std::nullopt;
        offsetMinutes = sign * (oh * 60 + om);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;

    const qint64 days = daysFromCivil(year, month, day);
    const qint64 seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
    // In UTC the time must still be within years 1-9999, so that it can be written back in
    // the same four-digit form (an offset can push 0001-01-01 or 9999-12-31 over the edge).
    static const qint64 first = daysFromCivil(1, 1, 1) * 86400;
    static const qint64 last = daysFromCivil(10000, 1, 1) * 86400 - 1;
    if (seconds < first || seconds > last)
        return std::nullopt;
    return seconds * 1000 + millis;
}

} // namespace lb::platform
