#pragma once

#include "ApiResponse.h"
#include "OrgData.h"
#include "RestCall.h"

namespace lb::sandbox {

class SandboxOrg;
class ObjectDef;

// sObject Collections under /composite/sobjects: create (POST), update (PATCH), upsert
// (PATCH /{SObject}/{ExtIdField}), delete (DELETE ?ids=), retrieve (GET ?ids=&fields= and
// POST /{SObject}). At most 200 records (2,000 ids to retrieve); allOrNone rolls back and
// reports ALL_OR_NONE_OPERATION_ROLLED_BACK for the records that had succeeded.
class CollectionsResource
{
public:
    explicit CollectionsResource(SandboxOrg &org);

    ApiResponse handle(const RestCall &call);

    static constexpr int kMaxRecords = 200;
    static constexpr int kMaxRetrieveIds = 2000;

private:
    enum class Op { Create, Update, Upsert };

    ApiResponse write(const RestCall &call, Op op, const ObjectDef *upsertObject, int keyField);
    ApiResponse remove(const RestCall &call);
    ApiResponse retrieve(const RestCall &call, const ObjectDef &object, const QStringList &ids,
                         const QStringList &fields);
    // allOrNone: roll back and turn every success into ALL_OR_NONE_OPERATION_ROLLED_BACK.
    void settle(QList<SaveResult> &results, bool allOrNone, const OrgData::Savepoint &savepoint);
    static ApiResponse answer(const QList<SaveResult> &results, bool withCreated);

    SandboxOrg &m_org;
};

} // namespace lb::sandbox
