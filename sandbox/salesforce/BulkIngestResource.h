#pragma once

#include "ApiResponse.h"
#include "BulkJob.h"
#include "RestCall.h"

namespace lb::sandbox {

class SandboxOrg;

// /jobs/ingest: Bulk API 2.0 ingest jobs (SALESFORCE_API.md 7.1): create, upload (one CSV per
// job), close or abort, poll, list, delete, and the three result sets.
class BulkIngestResource
{
public:
    explicit BulkIngestResource(SandboxOrg &org);

    ApiResponse handle(const RestCall &call);

private:
    ApiResponse create(const RestCall &call);
    ApiResponse upload(const RestCall &call, BulkJob &job);
    ApiResponse changeState(const RestCall &call, BulkJob &job);
    ApiResponse remove(BulkJob &job);
    ApiResponse results(BulkJob &job, const QString &which);

    SandboxOrg &m_org;
};

} // namespace lb::sandbox
