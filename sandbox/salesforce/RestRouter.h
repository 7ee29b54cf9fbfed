#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"
#include "RestCall.h"

#include <memory>

namespace lb::sandbox {

class SandboxOrg;
class SObjectResource;
class QueryResource;
class CollectionsResource;
class CompositeResource;
class BulkIngestResource;
class BulkQueryResource;

// Everything under /services/data: versions, authentication (Bearer or OAuth scheme, 401
// INVALID_SESSION_ID), the daily allocation (403 REQUEST_LIMIT_EXCEEDED), counting each call
// by kind, Sforce-Limit-Info on every versioned answer, and dispatch to the resources.
class RestRouter
{
public:
    explicit RestRouter(SandboxOrg &org);
    ~RestRouter();

    static bool handles(const ApiRequest &request);
    ApiResponse handle(const ApiRequest &request);
    // A Composite subrequest: runs with the parent's session, not counted.
    ApiResponse handleSubrequest(const ApiRequest &request, const RestCall &parent);

    // The client of "Sforce-Call-Options: client=X[, defaultNamespace=Y]" (',' or ';').
    static QString callOptionsClient(const QByteArray &header);
    // 62 for "v62.0", max for "latest", -1 when malformed.
    static int parseVersion(const QString &segment, int maxVersion);

private:
    ApiResponse route(const RestCall &call);
    QString usageKind(const RestCall &call) const;

    SandboxOrg &m_org;
    std::unique_ptr<SObjectResource> m_sobjects;
    std::unique_ptr<QueryResource> m_query;
    std::unique_ptr<CollectionsResource> m_collections;
    std::unique_ptr<CompositeResource> m_composite;
    std::unique_ptr<BulkIngestResource> m_bulkIngest;
    std::unique_ptr<BulkQueryResource> m_bulkQuery;
};

} // namespace lb::sandbox
