#pragma once

#include <QString>

#include <optional>

namespace lb {

// Phone numbers to E.164 with libphonenumber (the library Android and most CRMs use; the
// rules per country are too many to write by hand).
class PhoneFormatter
{
public:
    // nullopt when the text is not a valid number for `defaultRegion` (ISO 3166 alpha-2).
    static std::optional<QString> toE164(const QString &text, const QString &defaultRegion);
};

} // namespace lb
