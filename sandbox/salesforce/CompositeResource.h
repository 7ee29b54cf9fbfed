#pragma once

#include "ApiResponse.h"
#include "RestCall.h"

namespace lb::sandbox {

class SandboxOrg;
class RestRouter;

// POST /composite: up to 25 subrequests (at most 5 of them queries or Collections), run in
// order with @{referenceId.path} substitution. allOrNone rolls everything back after a
// failure and answers PROCESSING_HALTED for every other subrequest; without it, only the
// subrequests that reference a failed one are halted. The whole request is one API call.
class CompositeResource
{
public:
    CompositeResource(SandboxOrg &org, RestRouter &router);

    ApiResponse handle(const RestCall &call);

    static constexpr int kMaxSubrequests = 25;
    static constexpr int kMaxQueriesAndCollections = 5;

private:
    SandboxOrg &m_org;
    RestRouter &m_router;
};

} // namespace lb::sandbox
