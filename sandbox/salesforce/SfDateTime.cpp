#include "SfDateTime.h"

#include <QList>

#include <cstdio>

namespace lb::sandbox {

namespace {

struct Civil
{
    int year;
    int month;
    int day;
};

// Howard Hinnant's civil-from-days: exact for the proleptic Gregorian calendar.
Civil civilFromDays(qint64 z)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 y = yoe + era * 400;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 d = doy - (153 * mp + 2) / 5 + 1;
    const qint64 m = mp < 10 ? mp + 3 : mp - 9;
    return {int(y + (m <= 2 ? 1 : 0)), int(m), int(d)};
}

qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool digits(QStringView text, qsizetype pos, int count, int *out)
{
    if (pos + count > text.size())
        return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text[pos + i];
        if (c < u'0' || c > u'9')
            return false;
        v = v * 10 + (c.unicode() - '0');
    }
    *out = v;
    return true;
}

int daysInMonth(int year, int month)
{
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

} // namespace

qint64 SfDateTime::daysFromCivil(int year, int month, int day)
{
    const qint64 y = year - (month <= 2 ? 1 : 0);
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

QString SfDateTime::format(qint64 ms)
{
    const qint64 days = floorDiv(ms, kMsPerDay);
    const qint64 rest = ms - days * kMsPerDay;
    const Civil c = civilFromDays(days);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", c.year, c.month,
                  c.day, int(rest / 3'600'000), int(rest / 60'000 % 60), int(rest / 1000 % 60),
                  int(rest % 1000));
    return QString::fromLatin1(buf);
}

QString SfDateTime::formatDate(qint64 days)
{
    const Civil c = civilFromDays(days);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
    return QString::fromLatin1(buf);
}

QByteArray SfDateTime::httpDate(qint64 ms)
{
    static constexpr const char *kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr const char *kMonths[]
        = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const qint64 days = floorDiv(ms, kMsPerDay);
    const qint64 rest = ms - days * kMsPerDay;
    const Civil c = civilFromDays(days);
    const int weekday = int(((days % 7) + 7) % 7);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[weekday], c.day,
                  kMonths[c.month - 1], c.year, int(rest / 3'600'000), int(rest / 60'000 % 60),
                  int(rest / 1000 % 60));
    return QByteArray(buf);
}

std::optional<qint64> SfDateTime::parseHttpDate(QStringView text)
{
    static constexpr const char *kMonths[]
        = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto parts = text.trimmed().split(u' ', Qt::SkipEmptyParts);
    if (parts.size() != 6 || !parts[0].endsWith(u',') || parts[5] != u"GMT")
        return std::nullopt;
    int day = 0, year = 0, hh = 0, mm = 0, ss = 0, month = 0;
    for (int m = 0; m < 12; ++m) {
        if (parts[2] == QLatin1StringView(kMonths[m]))
            month = m + 1;
    }
    const QStringView time = parts[4];
    if (month == 0 || !digits(parts[1], 0, int(parts[1].size()), &day) || parts[1].size() > 2
        || parts[3].size() != 4 || !digits(parts[3], 0, 4, &year) || time.size() != 8
        || !digits(time, 0, 2, &hh) || time[2] != u':' || !digits(time, 3, 2, &mm)
        || time[5] != u':' || !digits(time, 6, 2, &ss) || day < 1 || day > daysInMonth(year, month)
        || hh > 23 || mm > 59 || ss > 59)
        return std::nullopt;
    return daysFromCivil(year, month, day) * kMsPerDay + hh * 3'600'000LL + mm * 60'000LL
        + ss * 1000LL;
}

std::optional<qint64> SfDateTime::parseDate(QStringView text)
{
    int y = 0, m = 0, d = 0;
    if (text.size() != 10 || !digits(text, 0, 4, &y) || text[4] != u'-' || !digits(text, 5, 2, &m)
        || text[7] != u'-' || !digits(text, 8, 2, &d))
        return std::nullopt;
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
        return std::nullopt;
    return daysFromCivil(y, m, d);
}

std::optional<qint64> SfDateTime::parse(QStringView text)
{
    if (text.size() < 19 || (text[10] != u'T' && text[10] != u't'))
        return std::nullopt;
    const auto day = parseDate(text.left(10));
    int hh = 0, mm = 0, ss = 0;
    if (!day || !digits(text, 11, 2, &hh) || text[13] != u':' || !digits(text, 14, 2, &mm)
        || text[16] != u':' || !digits(text, 17, 2, &ss) || hh > 23 || mm > 59 || ss > 59)
        return std::nullopt;
    qsizetype pos = 19;
    int millis = 0;
    if (pos < text.size() && text[pos] == u'.') {
        ++pos;
        int scale = 100;
        const qsizetype start = pos;
        while (pos < text.size() && text[pos] >= u'0' && text[pos] <= u'9') {
            millis += (text[pos].unicode() - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start)
            return std::nullopt;
    }
    qint64 offsetMinutes = 0;
    if (pos < text.size()) {
        const QChar sign = text[pos];
        if ((sign == u'Z' || sign == u'z') && pos + 1 == text.size()) {
            pos += 1;
        } else if (sign == u'+' || sign == u'-') {
            int oh = 0, om = 0;
            if (!digits(text, pos + 1, 2, &oh))
                return std::nullopt;
            qsizetype after = pos + 3;
            if (after < text.size()) {
                if (text[after] == u':')
                    ++after;
                if (!digits(text, after, 2, &om))
                    return std::nullopt;
                after += 2;
            }
            if (after != text.size() || oh > 23 || om > 59)
                return std::nullopt;
            offsetMinutes = (oh * 60 + om) * (sign == u'-' ? -1 : 1);
            pos = after;
        } else {
            return std::nullopt;
        }
    }
    if (pos != text.size())
        return std::nullopt;
    return *day * kMsPerDay + qint64(hh) * 3'600'000 + mm * 60'000 + ss * 1000 + millis
        - offsetMinutes * 60'000;
}

} // namespace lb::sandbox
