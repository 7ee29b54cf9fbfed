#pragma once

#include "ObjectDef.h"

#include <memory>
#include <vector>

namespace lb::sandbox {

// The objects of the sandbox org: Lead, People__c and the Lead_Assigned__e platform event,
// exactly as SALESFORCE_ORG.md describes them.
class OrgSchema
{
public:
    // The org LeadBridge expects (SALESFORCE_ORG.md).
    static std::unique_ptr<OrgSchema> leadBridgeOrg();

    void addObject(std::unique_ptr<ObjectDef> object);

    // Case-insensitive, as Salesforce resolves "lead" in a URL or a query. Null if unknown.
    const ObjectDef *object(QStringView name) const;
    ObjectDef *mutableObject(QStringView name);
    const ObjectDef *objectForKeyPrefix(QStringView prefix) const;
    QList<const ObjectDef *> objects() const;

private:
    std::vector<std::unique_ptr<ObjectDef>> m_objects;
    QHash<QString, ObjectDef *> m_byLowerName;
};

} // namespace lb::sandbox
