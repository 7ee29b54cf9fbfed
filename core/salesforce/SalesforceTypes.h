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

struct QueryPage
{
    qint64 totalSize = 0; // rows of the whole query, repeated on every page
    bool done = true;
    QString nextRecordsUrl; // empty when done (absent or null in the answer)
    QList<QJsonObject> records;
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
