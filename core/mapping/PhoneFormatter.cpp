#include "PhoneFormatter.h"

#include <phonenumbers/phonenumberutil.h>

namespace lb {

std::optional<QString> PhoneFormatter::toE164(const QString &text, const QString &defaultRegion)
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

} // namespace lb
