#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace lb::sandbox {

enum class FieldType {
    Id,
    String,
    TextArea,
    Email,
    Phone,
    Picklist,
    MultiPicklist,
    Boolean,
    Double,
    Currency,
    DateTime,
    Date,
    Reference,
};

// One field as describe reports it, plus what the sandbox needs to validate writes.
struct FieldDef
{
    QString name;
    QString label;
    FieldType type = FieldType::String;
    int length = 0; // text types
    int precision = 0; // numbers: digits in all
    int scale = 0; // numbers: digits after the point
    bool nillable = true;
    bool createable = true;
    bool updateable = true;
    bool defaultedOnCreate = false;
    bool externalId = false;
    bool unique = false;
    bool custom = false;
    bool calculated = false;
    bool filterable = true;
    bool sortable = true;
    bool restrictedPicklist = false;
    QJsonValue defaultValue; // applied on create when the field is not sent
    QStringList picklistValues;
    QString referenceTo; // object a Reference points at
    QString relationshipName; // e.g. Assigned_Agent__r

    // The field must have a value after an insert and cannot be set to null.
    bool required() const { return !nillable && createable && !defaultedOnCreate; }
    bool isText() const
    {
        return type == FieldType::String || type == FieldType::TextArea || type == FieldType::Email
            || type == FieldType::Phone || type == FieldType::Picklist
            || type == FieldType::MultiPicklist;
    }
    bool isIdLike() const { return type == FieldType::Id || type == FieldType::Reference; }
    bool isNumber() const { return type == FieldType::Double || type == FieldType::Currency; }
};

} // namespace lb::sandbox
