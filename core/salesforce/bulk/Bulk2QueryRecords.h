#pragma once

#include "Bulk2ResultReader.h"

#include <QHash>
#include <QJsonObject>

namespace lb::salesforce {

// A query job's CSV carries every value as text and relationship fields as dotted columns
// ("Assigned_Agent__r.Platform_Agent_Id__c"). The engine compares records by content hash, so
// a record read through Bulk API 2.0 must look exactly as the REST query returns it: booleans
// and numbers typed by the object's describe, empty values null, relationship fields nested
// (a relationship whose values are all empty is null, as REST answers an empty lookup).
class Bulk2QueryRecords
{
public:
    // Field API name -> describe type ("boolean", "double", "string", ...), from the body of
    // GET /sobjects/{object}/describe.
    static Result<QHash<QString, QString>> fieldTypes(const QByteArray &describe);
    // The page's rows as REST records. Columns of related objects are typed as text.
    static QList<QJsonObject> toRecords(const Bulk2Table &table,
                                        const QHash<QString, QString> &fieldTypes);
};

} // namespace lb::salesforce
