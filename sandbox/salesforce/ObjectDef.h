#pragma once

#include "FieldDef.h"

#include <QHash>
#include <QList>

namespace lb::sandbox {

// One sObject type: its fields in describe order and case-insensitive lookups, as SOQL and
// REST accept "lastname" for "LastName".
class ObjectDef
{
public:
    enum class Kind { Standard, Custom, PlatformEvent };

    ObjectDef(QString name, QString label, QString labelPlural, QString keyPrefix, Kind kind);

    void addField(FieldDef field);

    const QString &name() const { return m_name; }
    const QString &label() const { return m_label; }
    const QString &labelPlural() const { return m_labelPlural; }
    const QString &keyPrefix() const { return m_keyPrefix; }
    Kind kind() const { return m_kind; }
    bool isCustom() const { return m_kind != Kind::Standard; }
    bool isPlatformEvent() const { return m_kind == Kind::PlatformEvent; }

    const QList<FieldDef> &fields() const { return m_fields; }
    const FieldDef &field(int index) const { return m_fields[index]; }
    FieldDef &mutableField(int index) { return m_fields[index]; }
    int fieldCount() const { return int(m_fields.size()); }

    // -1 when there is no such field.
    int indexOf(QStringView name) const;
    // The reference field whose relationship name is `relationship` (Assigned_Agent__r), or -1.
    int relationshipIndex(QStringView relationship) const;
    // The first unique external-id field (Platform_Lead_Id__c), or -1.
    int primaryExternalIdIndex() const;

    // Indexes of the system fields every record object has (-1 for platform events).
    int idIndex() const { return m_idIndex; }
    int isDeletedIndex() const { return m_isDeletedIndex; }
    int createdDateIndex() const { return m_createdDateIndex; }
    int createdByIndex() const { return m_createdByIndex; }
    int lastModifiedDateIndex() const { return m_lastModifiedDateIndex; }
    int lastModifiedByIndex() const { return m_lastModifiedByIndex; }
    int systemModstampIndex() const { return m_systemModstampIndex; }
    int ownerIndex() const { return m_ownerIndex; }

private:
    QString m_name;
    QString m_label;
    QString m_labelPlural;
    QString m_keyPrefix;
    Kind m_kind;
    QList<FieldDef> m_fields;
    QHash<QString, int> m_byLowerName;
    QHash<QString, int> m_byLowerRelationship;
    int m_idIndex = -1;
    int m_isDeletedIndex = -1;
    int m_createdDateIndex = -1;
    int m_createdByIndex = -1;
    int m_lastModifiedDateIndex = -1;
    int m_lastModifiedByIndex = -1;
    int m_systemModstampIndex = -1;
    int m_ownerIndex = -1;
};

} // namespace lb::sandbox
