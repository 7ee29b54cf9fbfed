#pragma once

#include "ApiResponse.h"
#include "BulkJob.h"
#include "RestCall.h"

namespace lb::sandbox {

class SandboxOrg;

// /jobs/query: Bulk API 2.0 query jobs (SALESFORCE_API.md 7.2): create (query, queryAll), poll,
// list, abort, delete, and results in pages with Sforce-Locator / Sforce-NumberOfRecords.
class BulkQueryResource
{
public:
    explicit BulkQueryResource(SandboxOrg &org);

    ApiResponse handle(const RestCall &call);

    // Rows per results page when the client sends no maxRecords.
    static constexpr int kDefaultPageRows = 10'000;

    // Locators are opaque base64 of the next row's offset, as v49+ shows them ("MTAwMDA").
    static QByteArray locatorFor(qsizetype offset);
    static std::optional<qsizetype> offsetOf(const QString &locator);

private:
    ApiResponse create(const RestCall &call);
    ApiResponse changeState(const RestCall &call, BulkJob &job);
    ApiResponse results(const RestCall &call, const BulkJob &job);

    SandboxOrg &m_org;
};

} // namespace lb::sandbox
