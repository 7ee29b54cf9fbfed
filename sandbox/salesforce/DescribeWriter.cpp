#include "DescribeWriter.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

QString typeName(FieldType t)
{
    switch (t) {
    case FieldType::Id:
        return u"id"_s;
    case FieldType::String:
        return u"string"_s;
    case FieldType::TextArea:
        return u"textarea"_s;
    case FieldType::Email:
        return u"email"_s;
    case FieldType::Phone:
        return u"phone"_s;
    case FieldType::Picklist:
        return u"picklist"_s;
    case FieldType::MultiPicklist:
        return u"multipicklist"_s;
    case FieldType::Boolean:
        return u"boolean"_s;
    case FieldType::Double:
        return u"double"_s;
    case FieldType::Currency:
        return u"currency"_s;
    case FieldType::DateTime:
        return u"datetime"_s;
    case FieldType::Date:
        return u"date"_s;
    case FieldType::Reference:
        return u"reference"_s;
    }
    return u"string"_s;
}

QString soapType(FieldType t)
{
    switch (t) {
    case FieldType::Id:
    case FieldType::Reference:
        return u"tns:ID"_s;
    case FieldType::Boolean:
        return u"xsd:boolean"_s;
    case FieldType::Double:
    case FieldType::Currency:
        return u"xsd:double"_s;
    case FieldType::DateTime:
        return u"xsd:dateTime"_s;
    case FieldType::Date:
        return u"xsd:date"_s;
    default:
        return u"xsd:string"_s;
    }
}

} // namespace

DescribeWriter::DescribeWriter(const OrgSchema &schema, QString version)
    : m_schema(schema)
    , m_version(std::move(version))
{ }

QJsonObject DescribeWriter::objectSummary(const ObjectDef &o) const
{
    const QString base = u"/services/data/v"_s + m_version + u"/sobjects/"_s + o.name();
    const bool event = o.isPlatformEvent();
    return QJsonObject {
        {u"activateable"_s, false},
        {u"createable"_s, true},
        {u"custom"_s, o.isCustom()},
        {u"customSetting"_s, false},
        {u"deletable"_s, !event},
        {u"deprecatedAndHidden"_s, false},
        {u"feedEnabled"_s, false},
        {u"hasSubtypes"_s, false},
        {u"isSubtype"_s, false},
        {u"keyPrefix"_s, o.keyPrefix()},
        {u"label"_s, o.label()},
        {u"labelPlural"_s, o.labelPlural()},
        {u"layoutable"_s, !event},
        {u"mergeable"_s, o.name() == "Lead"_L1},
        {u"mruEnabled"_s, !event},
        {u"name"_s, o.name()},
        {u"queryable"_s, !event},
        {u"replicateable"_s, !event},
        {u"retrieveable"_s, !event},
        {u"searchable"_s, !event},
        {u"triggerable"_s, true},
        {u"undeletable"_s, !event},
        {u"updateable"_s, !event},
        {u"urls"_s,
         QJsonObject {{u"sobject"_s, base},
                      {u"describe"_s, QString(base + u"/describe"_s)},
                      {u"rowTemplate"_s, QString(base + u"/{ID}"_s)}}},
    };
}

QJsonObject DescribeWriter::global() const
{
    QJsonArray objects;
    for (const ObjectDef *o : m_schema.objects())
        objects.append(objectSummary(*o));
    return QJsonObject {
        {u"encoding"_s, u"UTF-8"_s}, {u"maxBatchSize"_s, 200}, {u"sobjects"_s, objects}};
}

QJsonObject DescribeWriter::basicInfo(const ObjectDef &object) const
{
    return QJsonObject {{u"objectDescribe"_s, objectSummary(object)},
                        {u"recentItems"_s, QJsonArray()}};
}

QJsonObject DescribeWriter::field(const FieldDef &f) const
{
    QJsonArray picklist;
    for (const QString &v : f.picklistValues) {
        picklist.append(QJsonObject {{u"active"_s, true},
                                     {u"defaultValue"_s, f.defaultValue.toString() == v},
                                     {u"label"_s, v},
                                     {u"validFor"_s, QJsonValue()},
                                     {u"value"_s, v}});
    }
    QJsonArray referenceTo;
    if (!f.referenceTo.isEmpty())
        referenceTo.append(f.referenceTo);
    const bool isName = f.name == "Name"_L1;
    return QJsonObject {
        {u"aggregatable"_s, f.filterable},
        {u"autoNumber"_s, false},
        {u"byteLength"_s, f.isText() || f.isIdLike() ? f.length * 3 : 0},
        {u"calculated"_s, f.calculated},
        {u"cascadeDelete"_s, false},
        {u"caseSensitive"_s, false},
        {u"createable"_s, f.createable},
        {u"custom"_s, f.custom},
        {u"defaultValue"_s, f.type == FieldType::Boolean ? f.defaultValue : QJsonValue()},
        {u"defaultedOnCreate"_s, f.defaultedOnCreate},
        {u"dependentPicklist"_s, false},
        {u"deprecatedAndHidden"_s, false},
        {u"digits"_s, 0},
        {u"externalId"_s, f.externalId},
        {u"filterable"_s, f.filterable},
        {u"groupable"_s, f.sortable && !f.isNumber()},
        {u"htmlFormatted"_s, false},
        {u"idLookup"_s, f.type == FieldType::Id || f.externalId},
        {u"inlineHelpText"_s, QJsonValue()},
        {u"label"_s, f.label},
        {u"length"_s, f.isText() || f.isIdLike() ? f.length : 0},
        {u"name"_s, f.name},
        {u"nameField"_s, isName},
        {u"nillable"_s, f.nillable},
        {u"picklistValues"_s, picklist},
        {u"precision"_s, f.precision},
        {u"referenceTo"_s, referenceTo},
        {u"relationshipName"_s,
         f.relationshipName.isEmpty() ? QJsonValue() : QJsonValue(f.relationshipName)},
        {u"restrictedPicklist"_s, f.restrictedPicklist},
        {u"scale"_s, f.scale},
        {u"soapType"_s, soapType(f.type)},
        {u"sortable"_s, f.sortable},
        {u"type"_s, typeName(f.type)},
        {u"unique"_s, f.unique},
        {u"updateable"_s, f.updateable},
    };
}

QJsonObject DescribeWriter::describe(const ObjectDef &object) const
{
    QJsonObject out = objectSummary(object);
    QJsonArray fields;
    for (const FieldDef &f : object.fields())
        fields.append(field(f));
    out.insert(u"fields"_s, fields);
    QJsonArray children;
    for (const ObjectDef *other : m_schema.objects()) {
        for (const FieldDef &f : other->fields()) {
            if (f.referenceTo != object.name())
                continue;
            QString relationship = other->labelPlural();
            relationship.remove(u' ');
            children.append(QJsonObject {{u"cascadeDelete"_s, false},
                                         {u"childSObject"_s, other->name()},
                                         {u"field"_s, f.name},
                                         {u"relationshipName"_s, QString(relationship + u"__r"_s)},
                                         {u"restrictedDelete"_s, false}});
        }
    }
    out.insert(u"childRelationships"_s, children);
    out.insert(u"recordTypeInfos"_s, QJsonArray());
    return out;
}

} // namespace lb::sandbox
