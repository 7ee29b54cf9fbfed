#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

// The small value types of the Salesforce REST API, kept together because each is a few
// fields and they travel together through SalesforceClient's callbacks.
namespace lb::salesforce {

// One error item of envelope 1 (errorCode), 2 (statusCode) or 3 (OAuth error).
struct SfError
{
    QString code;
    QString message;
    QStringList fields;

    friend bool operator==(const SfError &, const SfError &) = default;
};

// One record's outcome in an sObject Collections call (request order).
struct RecordResult
{
    bool success = false;
    QString id; // empty when a create failed
    bool created = false; // upsert: inserted rather than updated
    QList<SfError> errors;
};

// A single-record upsert: 201 created, 200/204 updated. `id` is empty after a 204 (API
// versions before 46.0 do not answer with a body).
struct UpsertOutcome
{
    QString id;
    bool created = false;
};

struct QueryPage
{
    qint64 totalSize = 0; // rows of the whole query, repeated on every page
    bool done = true;
    QString nextRecordsUrl; // empty when done (absent or null in the answer)
    QList<QJsonObject> records;
};

// GET /sobjects/{sobject}/deleted/?start=&end= (SALESFORCE_API.md 4.6): the records deleted
// in the window (merged-away ones included), and how far the answer reaches.
struct DeletedRecord
{
    QString id;
    qint64 deletedDateMs = 0;

    friend bool operator==(const DeletedRecord &, const DeletedRecord &) = default;
};

struct DeletedRecords
{
    QList<DeletedRecord> records;
    qint64 earliestDateAvailableMs = 0; // deletions before this are gone from the Recycle Bin
    qint64 latestDateCoveredMs = 0; // ask again from here next time
};

// One subrequest of a Composite request.
struct CompositeSubrequest
{
    QString method; // GET, POST, PATCH, DELETE
    QString url; // /services/data/vNN.N/...; may hold @{ref.field} references
    QString referenceId;
    QJsonValue body = QJsonValue::Undefined; // sent when not undefined
    QJsonObject httpHeaders;
};

struct CompositeSubresponse
{
    QString referenceId;
    int httpStatusCode = 0;
    QJsonValue body;
    QJsonObject httpHeaders;
    QList<SfError> errors; // parsed from `body` when httpStatusCode >= 300

    bool isSuccess() const { return httpStatusCode >= 200 && httpStatusCode < 300; }
};

} // namespace lb::salesforce
