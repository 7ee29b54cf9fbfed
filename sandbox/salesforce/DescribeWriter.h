#pragma once

#include "OrgSchema.h"

#include <QJsonObject>

namespace lb::sandbox {

// Describe results: /sobjects (global), /sobjects/X (basic info) and /sobjects/X/describe,
// with the field attributes clients read (name, type, length, nillable, createable,
// updateable, externalId, unique, picklistValues, referenceTo, relationshipName, ...).
class DescribeWriter
{
public:
    DescribeWriter(const OrgSchema &schema, QString version);

    QJsonObject global() const;
    QJsonObject basicInfo(const ObjectDef &object) const;
    QJsonObject describe(const ObjectDef &object) const;

private:
    QJsonObject objectSummary(const ObjectDef &object) const;
    QJsonObject field(const FieldDef &field) const;

    const OrgSchema &m_schema;
    QString m_version;
};

} // namespace lb::sandbox
