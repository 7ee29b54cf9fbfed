#include "PhoneFormatter.h"

#include <QHash>

#include <phonenumbers/phonenumberutil.h>

namespace lb {
namespace {

std::optional<QString> format(const QString &text, const QString &defaultRegion)
{
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(text.trimmed().toStdString(), defaultRegion.toUpper().toStdString(), &number)
        != PhoneNumberUtil::NO_PARSING_ERROR)
        return std::nullopt;
    if (!util->IsValidNumber(number))
        return std::nullopt;
    std::string formatted;
    util->Format(number, PhoneNumberUtil::E164, &formatted);
    return QString::fromStdString(formatted);
}

} // namespace

std::optional<QString> PhoneFormatter::toE164(const QString &text, const QString &defaultRegion)
{
    // libphonenumber's parse runs ICU regular expressions and took a tenth of the engine's CPU
    // on a bulk sync, where every lead is mapped twice (when it arrives and when it is sent).
    // A bounded cache per thread (no locking) makes the second mapping free.
    constexpr qsizetype MaxEntries = 50'000;
    thread_local QHash<QString, std::optional<QString>> cache;
    const QString key = defaultRegion + QChar(0x1f) + text;
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    if (cache.size() >= MaxEntries)
        cache.clear();
    const auto formatted = format(text, defaultRegion);
    cache.insert(key, formatted);
    return formatted;
}

} // namespace lb
