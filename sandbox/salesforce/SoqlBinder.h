#pragma once

#include "BoundQuery.h"
#include "util/Result.h"

namespace lb::sandbox {

class OrgSchema;

// Resolves a parsed query against the schema: object (INVALID_TYPE), fields and
// relationships (INVALID_FIELD "No such column ..."), literal types and operators
// (INVALID_QUERY_FILTER_OPERATOR), with Salesforce's positioned messages. Date literals
// become UTC ranges relative to `nowMs`.
class SoqlBinder
{
public:
    static Result<std::shared_ptr<const BoundQuery>> bind(const SoqlQuery &query,
                                                          const OrgSchema &schema, qint64 nowMs);
};

} // namespace lb::sandbox
