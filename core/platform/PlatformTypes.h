#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace lb::platform {

// One thing wrong with one field of a record, in the shape of the platform's 422 details.
struct FieldIssue
{
    QString field;
    QString code; // required | invalid_type | out_of_range | too_long | invalid_text | ...
    QString message;

    friend bool operator==(const FieldIssue &, const FieldIssue &) = default;
};

// Limits the platform applies to every text field (and that we apply to what it sends us).
inline constexpr int MaxTextLength = 255;
inline constexpr int MaxIdLength = 64;

// Ids of leads and agents: 1-64 of [A-Za-z0-9._-], starting with a letter or digit. Anything
// else is refused before it reaches a URL path or the store.
bool isValidRecordId(QStringView id);

// A lead as the platform API (contract v1) represents it. Text fields that the platform
// sends as null read as empty strings, except agent_id and salesforce_id where null means
// "none" and is kept distinct.
struct PlatformLead
{
    QString id;
    QString firstName;
    QString lastName;
    QString company;
    QString email;
    QString phone;
    QString status;
    QString source;
    int score = 0; // 0..100 by the contract; a lead read by fromObserved() may hold more
    double value = 0;
    std::optional<QString> agentId;
    bool eligible = false;
    std::optional<QString> salesforceId;
    qint64 updatedAt = 0; // epoch ms (may be negative: before 1970)
    QString updatedBy;
    qint64 version = 0; // 0 = not stored on the platform yet (then updated_at is written null)

    // Every field of the contract, server-managed ones included.
    QJsonObject toJson() const;
    // The body LeadBridge writes: without the server-managed updated_at and version;
    // updated_by is "salesforce" unless set (LeadBridge writes on behalf of Salesforce).
    QJsonObject toWriteJson() const;

    // Reads a lead the platform sent: id, updated_at and version are required, every present
    // field must have the contract's type and limits; unknown fields are ignored so that a
    // newer platform does not break us. The error lists every issue (details.issues).
    static Result<PlatformLead> fromJson(const QJsonObject &json);
    static QList<FieldIssue> check(const QJsonObject &json);
    // The same reading, with the issues appended to `issues` instead of an Error.
    static PlatformLead read(const QJsonObject &json, QList<FieldIssue> &issues);
    // Reads a lead observed in a listing: like fromJson, except that an integer score outside
    // 0..100 is kept as sent. PLATFORM_API.md ("Leads") says such leads do reach clients, and
    // the mapping decides what becomes of them (the default one clamps the score), so the
    // reader does not refuse what the mapping is documented to handle.
    static Result<PlatformLead> fromObserved(const QJsonObject &json);

    friend bool operator==(const PlatformLead &, const PlatformLead &) = default;
};

// What is left of a lead deleted on the platform (contract v1.1): listed among the leads in
// (updated_at, id) order, carried by 410/409 answers and by the lead.deleted webhook.
struct PlatformTombstone
{
    QString id;
    qint64 deletedAt = 0; // epoch ms
    qint64 updatedAt = 0;
    QString updatedBy;
    qint64 version = 0;

    QJsonObject toJson() const;
    // Whether a record the platform sent is a tombstone ("deleted": true); anything else is
    // read as a lead.
    static bool isTombstone(const QJsonObject &json);
    // id, deleted (true), deleted_at, updated_at and version are required.
    static Result<PlatformTombstone> fromJson(const QJsonObject &json);
    static PlatformTombstone read(const QJsonObject &json, QList<FieldIssue> &issues);

    friend bool operator==(const PlatformTombstone &, const PlatformTombstone &) = default;
};

// A roster entry. Salesforce (People__c) is its source of truth; the platform only mirrors it.
struct PlatformAgent
{
    QString id;
    QString name;
    QString email;
    bool active = true;
    bool eligible = false;
    QStringList states; // two-letter US state codes
    int capacity = 0;
    std::optional<QString> salesforceId;
    qint64 updatedAt = 0;
    qint64 version = 0;

    QJsonObject toJson() const;
    QJsonObject toWriteJson() const;
    static Result<PlatformAgent> fromJson(const QJsonObject &json);
    static QList<FieldIssue> check(const QJsonObject &json);
    static PlatformAgent read(const QJsonObject &json, QList<FieldIssue> &issues);

    friend bool operator==(const PlatformAgent &, const PlatformAgent &) = default;
};

// The issues' messages joined with "; ", for an error message.
QString describeIssues(const QList<FieldIssue> &issues);
// The issues as the platform's 422 "details" array.
QJsonArray issuesToJson(const QList<FieldIssue> &issues);

} // namespace lb::platform

Q_DECLARE_METATYPE(lb::platform::PlatformLead)
Q_DECLARE_METATYPE(lb::platform::PlatformAgent)
Q_DECLARE_METATYPE(lb::platform::PlatformTombstone)
