#include "SaveResult.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

int SaveResult::httpStatus() const
{
    if (!matchingIds.isEmpty())
        return 300;
    if (success)
        return created.value_or(true) ? 201 : 200;
    const QString code = errors.isEmpty() ? QString() : errors.constFirst().code;
    return code == "NOT_FOUND"_L1 || code == "ENTITY_IS_DELETED"_L1 ? 404 : 400;
}

} // namespace lb::sandbox
