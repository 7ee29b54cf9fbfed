#pragma once

#include "Transform.h"

#include <QJsonObject>
#include <QList>

namespace lb {

// Who wins when both sides changed a field: Salesforce, the platform, or the newer change.
enum class Authority { Salesforce, Platform, Latest };

struct FieldRule
{
    QString platform; // platform field, e.g. "email"
    QString salesforce; // Salesforce field or relationship path, e.g.
                        // "Assigned_Agent__r.Platform_Agent_Id__c"
    QString label; // Salesforce field label for messages ("Email"); defaults to the API name
    QList<Transform> transforms;
    Authority authority = Authority::Latest;
    bool required = false;
    bool readOnly = false; // read from Salesforce, never written to it (e.g. Id)
    QString validate; // "" | "email"
    int maxLength = 0; // 0 = unchecked

    bool isRelationship() const { return salesforce.contains(u'.'); }
};

struct ObjectMapping
{
    QString salesforceObject; // "Lead", "People__c"
    QString platformKey; // "id"
    QString salesforceKey; // external id field, e.g. "Platform_Lead_Id__c"
    QList<FieldRule> fields;

    // Salesforce fields to SELECT to read everything this mapping needs (key first).
    QStringList salesforceFields() const;
    const FieldRule *byPlatform(const QString &field) const;
};

// The field mapping of a profile: the Lead mapping (platform lead <-> Salesforce Lead) and the
// roster mapping (Salesforce People__c <-> platform agent). Loaded from JSON; the default ships
// as a resource (resources/mapping/default.json).
class FieldMapping
{
public:
    ObjectMapping lead;
    ObjectMapping agent;

    static Result<FieldMapping> fromJson(const QByteArray &json, const QString &source);
    static Result<FieldMapping> defaultMapping();
    // "default" or a file path (the profile's "mapping" value).
    static Result<FieldMapping> load(const QString &nameOrPath);
    QJsonObject toJson() const;

    static QString authorityName(Authority a);
};

} // namespace lb
