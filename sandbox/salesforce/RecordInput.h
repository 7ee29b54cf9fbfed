#pragma once

#include "ObjectDef.h"
#include "SfError.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>

namespace lb::sandbox {

class OrgSchema;

// A record body from a request, deserialised against the object's fields: known fields with
// canonical values, lookups set by external id, and the "Id" if the body carried one. What
// fails here fails the whole request in Salesforce (INVALID_FIELD, JSON_PARSER_ERROR), unlike
// the per-record checks of DmlEngine.
struct RecordInput
{
    struct FieldWrite
    {
        int index;
        QJsonValue value;
    };
    // "Assigned_Agent__r": {"Platform_Agent_Id__c": "A-0042"} or the flat
    // "Assigned_Agent__r.Platform_Agent_Id__c": "A-0042".
    struct RelationshipWrite
    {
        int referenceIndex; // Assigned_Agent__c
        const ObjectDef *target; // People__c
        int targetFieldIndex; // Platform_Agent_Id__c
        QJsonValue value; // text, or null to clear the lookup
    };

    QList<FieldWrite> writes;
    QList<RelationshipWrite> relationships;
    bool hasId = false;
    QString id;

    int writeIndexOf(int fieldIndex) const;

    static Result<RecordInput> parse(const OrgSchema &schema, const ObjectDef &object,
                                     const QJsonObject &json);
    // The request-level error the parse failed with.
    static SfError errorOf(const Error &error);
};

} // namespace lb::sandbox
