#pragma once

#include "ObjectDef.h"
#include "SfError.h"

#include <optional>

namespace lb::sandbox {

// The org's validation rules (FIELD_CUSTOM_VALIDATION_EXCEPTION). The LeadBridge org has one:
// a Lead's score must be 0-100 (SALESFORCE_ORG.md: Lead_Score__c "0-100").
class ValidationRules
{
public:
    static std::optional<SfError> check(const ObjectDef &object, const QList<QJsonValue> &values);
};

} // namespace lb::sandbox
