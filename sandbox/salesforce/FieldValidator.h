#pragma once

#include "FieldDef.h"
#include "SfError.h"

#include <optional>

namespace lb::sandbox {

// The per-field rules Salesforce applies to a written value: length, e-mail format,
// restricted picklists, numeric range (numbers are rounded to the field's scale here).
// References are checked by DmlEngine, which can see the other records.
class FieldValidator
{
public:
    static std::optional<SfError> check(const FieldDef &field, QJsonValue &value);
    static bool isValidEmail(QStringView address);
};

} // namespace lb::sandbox
