#pragma once

#include "ApiResponse.h"
#include "RestCall.h"

namespace lb::sandbox {

class SandboxOrg;

// /query?q=, /queryAll?q= and /query/<locator>-<offset>: 2,000-row pages (or the
// Sforce-Query-Options batchSize, 200..2000) with nextRecordsUrl locators.
class QueryResource
{
public:
    explicit QueryResource(SandboxOrg &org);

    ApiResponse handle(const RestCall &call);

    static constexpr int kMaxBatch = 2000;
    static constexpr int kMinBatch = 200;
    // batchSize from Sforce-Query-Options, clamped; 0 when absent.
    static int requestedBatchSize(const QByteArray &header);

private:
    ApiResponse page(const RestCall &call, const QString &locator, int offset);

    SandboxOrg &m_org;
};

} // namespace lb::sandbox
