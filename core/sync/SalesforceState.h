#pragma once

#include "mapping/FieldMapping.h"

#include <QJsonObject>

namespace lb {

// The Salesforce side of a record as LeadBridge tracks it: the mapped fields only, with
// relationship fields flattened to their path ("Assigned_Agent__r.Platform_Agent_Id__c"), so
// a record read by a query and the fields LeadBridge wrote compare equal when they carry the
// same values.
class SalesforceState
{
public:
    // From a query record (nested relationship objects, "attributes" ignored). A converted
    // lead also carries "IsConverted": true (SALESFORCE_ORG.md: no more writes to it).
    static QJsonObject fromRecord(const QJsonObject &record, const ObjectMapping &mapping);
    // Whether the lead was converted in Salesforce (read-only there from then on).
    static bool isConverted(const QJsonObject &state);
    // SALESFORCE_ORG.md, "Lead lifecycle": what closing a lead deleted on the platform writes
    // (lifecycle.platform_delete = close_in_salesforce): Status Closed - Not Converted, no
    // longer eligible for distribution.
    static QJsonObject closedFields();
    // `state` after writing `fields` (as RecordMapper::toSalesforce produced them).
    static QJsonObject apply(QJsonObject state, const QJsonObject &fields,
                             const ObjectMapping &mapping);
    // Back to record form (nested relationship objects), as RecordMapper::toPlatform reads it.
    static QJsonObject toRecord(const QJsonObject &state);
    // Empty text is no value: Salesforce stores "" as null and the platform sends null text as
    // "", so both are compared as null (else each side's habit would look like a change).
    static QJsonObject normalized(QJsonObject state);
};

} // namespace lb
