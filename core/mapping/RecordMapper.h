#pragma once

#include "FieldMapping.h"

#include <QJsonObject>

namespace lb {

// Applies an ObjectMapping to one record in either direction, with the field authority rules:
// a field owned by the other side is only written when the record is being created there.
// Validation mirrors Salesforce's own rules and wording (REQUIRED_FIELD_MISSING,
// INVALID_EMAIL_ADDRESS, STRING_TOO_LONG, INVALID_TYPE_ON_FIELD_IN_RECORD), so a record that
// cannot be valid is parked in the inbox with the same error Salesforce would have given,
// without spending an API call.
class RecordMapper
{
public:
    explicit RecordMapper(ObjectMapping mapping);

    const ObjectMapping &mapping() const { return m_mapping; }

    // Platform record -> Salesforce fields (without the external-id key, which the caller puts
    // in the upsert URL or record). Relationship paths become nested objects, e.g.
    // {"Assigned_Agent__r": {"Platform_Agent_Id__c": "A-1"}}; a null one clears the lookup.
    Result<QJsonObject> toSalesforce(const QJsonObject &platform, bool existsInSalesforce) const;

    // Salesforce record (as a query returns it) -> platform fields (including the key).
    Result<QJsonObject> toPlatform(const QJsonObject &salesforce, bool existsOnPlatform) const;

    QString platformKey(const QJsonObject &platform) const;
    QString salesforceKey(const QJsonObject &salesforce) const;

    static bool isValidEmail(const QString &email);
    // Reads "A.B" relationship paths from a query record.
    static QJsonValue readPath(const QJsonObject &record, const QString &path);

private:
    ObjectMapping m_mapping;
};

} // namespace lb
