#include "ObjectDef.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

ObjectDef::ObjectDef(QString name, QString label, QString labelPlural, QString keyPrefix, Kind kind)
    : m_name(std::move(name))
    , m_label(std::move(label))
    , m_labelPlural(std::move(labelPlural))
    , m_keyPrefix(std::move(keyPrefix))
    , m_kind(kind)
{ }

void ObjectDef::addField(FieldDef field)
{
    const int index = int(m_fields.size());
    m_byLowerName.insert(field.name.toLower(), index);
    if (!field.relationshipName.isEmpty())
        m_byLowerRelationship.insert(field.relationshipName.toLower(), index);
    const QString &n = field.name;
    if (n == "Id"_L1)
        m_idIndex = index;
    else if (n == "IsDeleted"_L1)
        m_isDeletedIndex = index;
    else if (n == "CreatedDate"_L1)
        m_createdDateIndex = index;
    else if (n == "CreatedById"_L1)
        m_createdByIndex = index;
    else if (n == "LastModifiedDate"_L1)
        m_lastModifiedDateIndex = index;
    else if (n == "LastModifiedById"_L1)
        m_lastModifiedByIndex = index;
    else if (n == "SystemModstamp"_L1)
        m_systemModstampIndex = index;
    else if (n == "OwnerId"_L1)
        m_ownerIndex = index;
    m_fields.append(std::move(field));
}

int ObjectDef::indexOf(QStringView name) const
{
    return m_byLowerName.value(name.toString().toLower(), -1);
}

int ObjectDef::relationshipIndex(QStringView relationship) const
{
    return m_byLowerRelationship.value(relationship.toString().toLower(), -1);
}

int ObjectDef::primaryExternalIdIndex() const
{
    for (int i = 0; i < m_fields.size(); ++i) {
        if (m_fields[i].externalId && m_fields[i].unique)
            return i;
    }
    return -1;
}

} // namespace lb::sandbox
