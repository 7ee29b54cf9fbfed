#pragma once

#include "ApiResponse.h"
#include "RestCall.h"

namespace lb::sandbox {

class ObjectDef;
class SandboxOrg;

// /sobjects: describe global, basic info, describe, create, read (?fields=), update, delete,
// upsert / read / delete by external id, platform-event publish, and the replication
// resources /updated and /deleted.
class SObjectResource
{
public:
    explicit SObjectResource(SandboxOrg &org);

    ApiResponse handle(const RestCall &call);
    // The API-usage kind of a call to this resource (create, read, update, upsert, ...).
    static QString usageKind(const RestCall &call);

    // A single-record write's answer (201/200/204/300/4xx) from its SaveResult.
    static ApiResponse writeAnswer(const RestCall &call, const ObjectDef &object,
                                   const SaveResult &result, bool upsert);

private:
    ApiResponse create(const RestCall &call, const ObjectDef &object);
    ApiResponse record(const RestCall &call, const ObjectDef &object, const QString &id);
    ApiResponse byExternalId(const RestCall &call, const ObjectDef &object, int field,
                             const QString &value);
    ApiResponse replication(const RestCall &call, const ObjectDef &object, bool deleted);
    ApiResponse read(const RestCall &call, const ObjectDef &object, int row);

    SandboxOrg &m_org;
};

} // namespace lb::sandbox
