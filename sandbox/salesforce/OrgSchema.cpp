#include "OrgSchema.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

FieldDef field(const QString &name, const QString &label, FieldType type, int length = 0)
{
    FieldDef f;
    f.name = name;
    f.label = label;
    f.type = type;
    f.length = length;
    f.custom = name.endsWith("__c"_L1);
    if (type == FieldType::TextArea && length > 255) {
        f.filterable = false; // long text areas cannot be filtered or sorted in SOQL
        f.sortable = false;
    }
    if (type == FieldType::MultiPicklist)
        f.sortable = false;
    return f;
}

FieldDef readOnly(FieldDef f)
{
    f.createable = false;
    f.updateable = false;
    return f;
}

FieldDef systemField(const QString &name, const QString &label, FieldType type, int length = 0)
{
    FieldDef f = readOnly(field(name, label, type, length));
    f.nillable = false;
    f.defaultedOnCreate = true;
    return f;
}

FieldDef required(FieldDef f)
{
    f.nillable = false;
    return f;
}

FieldDef checkbox(const QString &name, const QString &label)
{
    FieldDef f = field(name, label, FieldType::Boolean);
    f.nillable = false;
    f.defaultedOnCreate = true;
    f.defaultValue = false;
    return f;
}

FieldDef number(const QString &name, const QString &label, FieldType type, int precision, int scale)
{
    FieldDef f = field(name, label, type);
    f.precision = precision;
    f.scale = scale;
    return f;
}

FieldDef picklist(const QString &name, const QString &label, QStringList values, bool restricted,
                  FieldType type = FieldType::Picklist)
{
    FieldDef f = field(name, label, type, type == FieldType::MultiPicklist ? 4099 : 255);
    f.picklistValues = std::move(values);
    f.restrictedPicklist = restricted;
    return f;
}

FieldDef reference(const QString &name, const QString &label, const QString &target,
                   const QString &relationship)
{
    FieldDef f = field(name, label, FieldType::Reference, 18);
    f.referenceTo = target;
    f.relationshipName = relationship;
    return f;
}

FieldDef externalKey(const QString &name, const QString &label)
{
    FieldDef f = field(name, label, FieldType::String, 40);
    f.externalId = true;
    f.unique = true;
    return f;
}

FieldDef idField(const QString &label)
{
    FieldDef f = systemField(u"Id"_s, label, FieldType::Id, 18);
    return f;
}

void addAuditFields(ObjectDef &o)
{
    o.addField(systemField(u"CreatedDate"_s, u"Created Date"_s, FieldType::DateTime));
    FieldDef createdBy
        = systemField(u"CreatedById"_s, u"Created By ID"_s, FieldType::Reference, 18);
    createdBy.referenceTo = u"User"_s;
    createdBy.relationshipName = u"CreatedBy"_s;
    o.addField(createdBy);
    o.addField(systemField(u"LastModifiedDate"_s, u"Last Modified Date"_s, FieldType::DateTime));
    FieldDef modifiedBy
        = systemField(u"LastModifiedById"_s, u"Last Modified By ID"_s, FieldType::Reference, 18);
    modifiedBy.referenceTo = u"User"_s;
    modifiedBy.relationshipName = u"LastModifiedBy"_s;
    o.addField(modifiedBy);
    o.addField(systemField(u"SystemModstamp"_s, u"System Modstamp"_s, FieldType::DateTime));
}

FieldDef ownerField()
{
    FieldDef owner = reference(u"OwnerId"_s, u"Owner ID"_s, u"User"_s, u"Owner"_s);
    owner.nillable = false;
    owner.defaultedOnCreate = true;
    return owner;
}

const QStringList &systemTags()
{
    static const QStringList tags {u"Salesforce"_s, u"LeadPlatform"_s, u"Console"_s};
    return tags;
}

const QStringList &usStates()
{
    static const QStringList states
        = u"AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA "
          u"ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR "
          u"PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"_s.split(u' ');
    return states;
}

std::unique_ptr<ObjectDef> makeLead()
{
    auto o = std::make_unique<ObjectDef>(u"Lead"_s, u"Lead"_s, u"Leads"_s, u"00Q"_s,
                                         ObjectDef::Kind::Standard);
    o->addField(idField(u"Lead ID"_s));
    o->addField(systemField(u"IsDeleted"_s, u"Deleted"_s, FieldType::Boolean));
    o->addField(required(field(u"LastName"_s, u"Last Name"_s, FieldType::String, 80)));
    o->addField(field(u"FirstName"_s, u"First Name"_s, FieldType::String, 40));
    o->addField(systemField(u"Name"_s, u"Full Name"_s, FieldType::String, 121));
    o->addField(field(u"Title"_s, u"Title"_s, FieldType::String, 128));
    o->addField(required(field(u"Company"_s, u"Company"_s, FieldType::String, 255)));
    o->addField(field(u"Street"_s, u"Street"_s, FieldType::TextArea, 255));
    o->addField(field(u"City"_s, u"City"_s, FieldType::String, 40));
    o->addField(field(u"State"_s, u"State/Province"_s, FieldType::String, 80));
    o->addField(field(u"PostalCode"_s, u"Zip/Postal Code"_s, FieldType::String, 20));
    o->addField(field(u"Country"_s, u"Country"_s, FieldType::String, 80));
    o->addField(field(u"Phone"_s, u"Phone"_s, FieldType::Phone, 40));
    o->addField(field(u"MobilePhone"_s, u"Mobile Phone"_s, FieldType::Phone, 40));
    o->addField(field(u"Email"_s, u"Email"_s, FieldType::Email, 80));
    o->addField(field(u"Description"_s, u"Description"_s, FieldType::TextArea, 32000));
    o->addField(picklist(
        u"LeadSource"_s, u"Lead Source"_s,
        {u"Web"_s, u"Phone Inquiry"_s, u"Partner Referral"_s, u"Purchased List"_s, u"Other"_s},
        true));
    FieldDef status = picklist(u"Status"_s, u"Status"_s,
                               {u"Open - Not Contacted"_s, u"Working - Contacted"_s,
                                u"Closed - Converted"_s, u"Closed - Not Converted"_s},
                               true);
    status.nillable = false;
    status.defaultedOnCreate = true;
    status.defaultValue = u"Open - Not Contacted"_s;
    o->addField(status);
    o->addField(ownerField());
    FieldDef converted = checkbox(u"IsConverted"_s, u"Converted"_s);
    converted.updateable = false;
    o->addField(converted);
    // Set by a conversion or a merge (LeadLifecycle), never by an API write.
    o->addField(readOnly(field(u"ConvertedDate"_s, u"Converted Date"_s, FieldType::Date)));
    o->addField(readOnly(reference(u"ConvertedAccountId"_s, u"Converted Account ID"_s, u"Account"_s,
                                   u"ConvertedAccount"_s)));
    o->addField(readOnly(reference(u"ConvertedContactId"_s, u"Converted Contact ID"_s, u"Contact"_s,
                                   u"ConvertedContact"_s)));
    o->addField(readOnly(reference(u"ConvertedOpportunityId"_s, u"Converted Opportunity ID"_s,
                                   u"Opportunity"_s, u"ConvertedOpportunity"_s)));
    o->addField(readOnly(
        reference(u"MasterRecordId"_s, u"Master Record ID"_s, u"Lead"_s, u"MasterRecord"_s)));
    addAuditFields(*o);
    o->addField(externalKey(u"Platform_Lead_Id__c"_s, u"Platform Lead Id"_s));
    o->addField(
        picklist(u"Last_Updated_By_System__c"_s, u"Last Updated By System"_s, systemTags(), true));
    o->addField(number(u"Lead_Score__c"_s, u"Lead Score"_s, FieldType::Double, 3, 0));
    o->addField(number(u"Estimated_Value__c"_s, u"Estimated Value"_s, FieldType::Currency, 18, 2));
    o->addField(checkbox(u"Eligible_For_Distribution__c"_s, u"Eligible For Distribution"_s));
    o->addField(reference(u"Assigned_Agent__c"_s, u"Assigned Agent"_s, u"People__c"_s,
                          u"Assigned_Agent__r"_s));
    return o;
}

std::unique_ptr<ObjectDef> makePeople()
{
    auto o = std::make_unique<ObjectDef>(u"People__c"_s, u"People"_s, u"People"_s, u"a01"_s,
                                         ObjectDef::Kind::Custom);
    o->addField(idField(u"Record ID"_s));
    o->addField(ownerField());
    o->addField(systemField(u"IsDeleted"_s, u"Deleted"_s, FieldType::Boolean));
    o->addField(required(field(u"Name"_s, u"People Name"_s, FieldType::String, 80)));
    addAuditFields(*o);
    o->addField(field(u"Email__c"_s, u"Email"_s, FieldType::Email, 80));
    o->addField(checkbox(u"Active__c"_s, u"Active"_s));
    o->addField(checkbox(u"Eligible__c"_s, u"Eligible"_s));
    o->addField(picklist(u"States__c"_s, u"States"_s, usStates(), true, FieldType::MultiPicklist));
    o->addField(number(u"Capacity__c"_s, u"Capacity"_s, FieldType::Double, 4, 0));
    o->addField(externalKey(u"Platform_Agent_Id__c"_s, u"Platform Agent Id"_s));
    o->addField(
        picklist(u"Last_Updated_By_System__c"_s, u"Last Updated By System"_s, systemTags(), true));
    return o;
}

std::unique_ptr<ObjectDef> makeLeadAssignedEvent()
{
    auto o
        = std::make_unique<ObjectDef>(u"Lead_Assigned__e"_s, u"Lead Assigned"_s, u"Lead Assigned"_s,
                                      u"e00"_s, ObjectDef::Kind::PlatformEvent);
    o->addField(systemField(u"ReplayId"_s, u"Replay ID"_s, FieldType::String, 255));
    o->addField(systemField(u"CreatedDate"_s, u"Created Date"_s, FieldType::DateTime));
    FieldDef createdBy
        = systemField(u"CreatedById"_s, u"Created By ID"_s, FieldType::Reference, 18);
    createdBy.referenceTo = u"User"_s;
    o->addField(createdBy);
    o->addField(systemField(u"EventUuid"_s, u"Event UUID"_s, FieldType::String, 36));
    auto eventField = [](FieldDef f) {
        f.updateable = false;
        return f;
    };
    o->addField(eventField(field(u"Lead_Id__c"_s, u"Lead Id"_s, FieldType::String, 18)));
    o->addField(
        eventField(field(u"Platform_Lead_Id__c"_s, u"Platform Lead Id"_s, FieldType::String, 40)));
    o->addField(eventField(field(u"Agent_Id__c"_s, u"Agent Id"_s, FieldType::String, 40)));
    o->addField(eventField(
        number(u"Estimated_Value__c"_s, u"Estimated Value"_s, FieldType::Double, 18, 2)));
    o->addField(eventField(field(u"Assigned_At__c"_s, u"Assigned At"_s, FieldType::DateTime)));
    return o;
}

} // namespace

std::unique_ptr<OrgSchema> OrgSchema::leadBridgeOrg()
{
    auto schema = std::make_unique<OrgSchema>();
    schema->addObject(makeLead());
    schema->addObject(makePeople());
    schema->addObject(makeLeadAssignedEvent());
    return schema;
}

void OrgSchema::addObject(std::unique_ptr<ObjectDef> object)
{
    m_byLowerName.insert(object->name().toLower(), object.get());
    m_objects.push_back(std::move(object));
}

const ObjectDef *OrgSchema::object(QStringView name) const
{
    return m_byLowerName.value(name.toString().toLower(), nullptr);
}

ObjectDef *OrgSchema::mutableObject(QStringView name)
{
    return m_byLowerName.value(name.toString().toLower(), nullptr);
}

const ObjectDef *OrgSchema::objectForKeyPrefix(QStringView prefix) const
{
    for (const auto &o : m_objects) {
        if (o->keyPrefix() == prefix)
            return o.get();
    }
    return nullptr;
}

QList<const ObjectDef *> OrgSchema::objects() const
{
    QList<const ObjectDef *> out;
    for (const auto &o : m_objects)
        out.append(o.get());
    return out;
}

} // namespace lb::sandbox
