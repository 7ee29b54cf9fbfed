#include "ValidationRules.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

std::optional<SfError> ValidationRules::check(const ObjectDef &object,
                                              const QList<QJsonValue> &values)
{
    if (object.name() == "Lead"_L1) {
        const int score = object.indexOf(u"Lead_Score__c");
        if (score >= 0 && values[score].isDouble()) {
            const double v = values[score].toDouble();
            if (v < 0 || v > 100) {
                return SfError::withFields(u"FIELD_CUSTOM_VALIDATION_EXCEPTION"_s,
                                           u"Lead Score must be between 0 and 100."_s,
                                           {u"Lead_Score__c"_s});
            }
        }
    }
    return std::nullopt;
}

} // namespace lb::sandbox
