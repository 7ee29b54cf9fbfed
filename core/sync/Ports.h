#pragma once

#include "model/ApiLimits.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <functional>

namespace lb {

// The engine talks to the two systems through these narrow ports; adapters over the real
// clients (SalesforceClient, LeadPlatformClient) implement them. Keeping the engine on ports
// keeps its decisions testable and lets the clients evolve on their own.

// Outcome of one record in a batch write.
struct WriteOutcome
{
    bool success = false;
    bool retryable = false;
    QString code; // Salesforce statusCode/errorCode, platform error code
    QString message;
    QString id; // Salesforce Id / platform id of the written record
    bool created = false;
    QJsonObject current; // platform 412: the record as it is now
    // Platform: the version the write stored, when the platform reports it (0 = not told). The
    // webhooks of older versions, our own earlier writes among them, are then known to be stale.
    qint64 version = 0;
};

// A record a source listed but that could not be read (not an object, or outside the
// contract): the item as it came (compact JSON) and why. It is that record's problem alone.
struct RejectedRecord
{
    QByteArray raw;
    Error error;
};

struct RecordPage
{
    QList<QJsonObject> records;
    QString next; // Salesforce nextRecordsUrl or platform cursor; empty when done
    QList<RejectedRecord> rejected = {}; // the page's unreadable items, in page order
    // Platform lead listings: the leads deleted on the platform ("deleted": true, id, deleted_at,
    // updated_at, updated_by, version), in page order.
    QList<QJsonObject> tombstones = {};
    // Salesforce: the number of records the whole query matches (totalSize), -1 when unknown.
    qint64 total = -1;
};

// The answer of a Bulk API 2.0 ingest job: each record it reported on, by the record's external
// id. A record the job did not reach (unprocessedrecords: the job failed or was aborted first)
// fails with the code BulkUnprocessedCode, retryable.
struct BulkWriteResult
{
    QString jobId;
    QString jobState; // JobComplete, Failed or Aborted
    QString jobError; // a Failed job's errorMessage
    QHash<QString, WriteOutcome> outcomes;
};
inline const QString BulkUnprocessedCode = QStringLiteral("BULK_UNPROCESSED");
// A record an aborted job did not reach because its import was cancelled: to the inbox.
inline const QString BulkCancelledCode = QStringLiteral("BULK_CANCELLED");

class SalesforcePort
{
public:
    virtual ~SalesforcePort() = default;
    // Upserts by external id, in as few API calls as possible (Composite of up to five
    // Collections of 200 = 1,000 records per call). One outcome per record, in order.
    virtual void upsert(const QString &sobject, const QString &externalIdField,
                        const QList<QJsonObject> &records, QObject *context,
                        std::function<void(Result<QList<WriteOutcome>>)> done)
        = 0;
    // Upserts by external id through one Bulk API 2.0 ingest job: create, `onJob` with the job's
    // id, upload, close, poll until it ends, read its three result sets. `onJob` runs before
    // any row is uploaded; when it fails, the job is aborted and `done` gets its error.
    virtual void bulkUpsert(const QString &sobject, const QString &externalIdField,
                            const QList<QJsonObject> &records, QObject *context,
                            std::function<Result<void>(const QString &jobId)> onJob,
                            std::function<void(Result<BulkWriteResult>)> done)
        = 0;
    // The results of an ingest job sent earlier (before a restart): polled until it ends, then
    // read. A job still Open (its sender died before closing it) is aborted: it processed none
    // of its rows, and none is reported.
    virtual void bulkCollect(const QString &jobId, const QString &externalIdField, QObject *context,
                             std::function<void(Result<BulkWriteResult>)> done)
        = 0;
    // A bulk job's counters as each poll of a bulkUpsert or bulkCollect answers: the job's id,
    // Salesforce's state, numberRecordsProcessed and numberRecordsFailed, to `onPoll` for as
    // long as `context` lives. A port that polls no jobs reports nothing.
    using BulkPoll = std::function<void(const QString &jobId, const QString &state,
                                        qint64 processed, qint64 failed)>;
    virtual void watchBulkPolls(QObject *context, BulkPoll onPoll)
    {
        Q_UNUSED(context);
        Q_UNUSED(onPoll);
    }
    // Aborts an ingest job that has not ended: the rows it did not reach come back from its
    // bulkUpsert or bulkCollect as unprocessed.
    virtual void bulkAbort(const QString &jobId, QObject *context,
                           std::function<void(Result<void>)> done)
    {
        Q_UNUSED(context);
        done(makeError(QStringLiteral("bulk_not_supported"),
                       QStringLiteral("Bulk job %1 cannot be aborted here").arg(jobId)));
    }
    // Updates by Id (records carry "Id").
    virtual void update(const QString &sobject, const QList<QJsonObject> &records, QObject *context,
                        std::function<void(Result<QList<WriteOutcome>>)> done)
        = 0;
    // Deletes records by Id (they go to the Recycle Bin), up to 200 per Collections call. One
    // outcome per id, in order; an id already deleted fails with ENTITY_IS_DELETED.
    virtual void remove(const QStringList &ids, QObject *context,
                        std::function<void(Result<QList<WriteOutcome>>)> done)
        = 0;
    virtual void query(const QString &soql, QObject *context,
                       std::function<void(Result<RecordPage>)> done)
        = 0;
    virtual void queryMore(const QString &next, QObject *context,
                           std::function<void(Result<RecordPage>)> done)
        = 0;
    // The same with the Recycle Bin (/queryAll): deleted and merged-away records come back
    // with IsDeleted = true. Later pages go through queryMore.
    virtual void queryAll(const QString &soql, QObject *context,
                          std::function<void(Result<RecordPage>)> done)
        = 0;
    // Reads `soql` on `sobject` through one Bulk API 2.0 query job (`includeDeleted`: queryAll,
    // so deleted records come back with IsDeleted = true), one results page at a time: each
    // page's records, shaped and typed as a REST query returns them, go to `onPage` before the
    // next page is fetched, so no more than one page is held. An error from `onPage` stops the
    // read and is `done`'s answer; else `done` gets the number of records read.
    virtual void bulkQuery(const QString &sobject, const QString &soql, bool includeDeleted,
                           QObject *context,
                           std::function<Result<void>(const QList<QJsonObject> &page)> onPage,
                           std::function<void(Result<qint64>)> done)
        = 0;
    // Platform events, up to 200 per call (sObject Collections create); one outcome per event.
    virtual void publishEvents(const QString &eventName, const QList<QJsonObject> &events,
                               QObject *context,
                               std::function<void(Result<QList<WriteOutcome>>)> done)
        = 0;
    virtual void fetchLimits(QObject *context, std::function<void(Result<ApiLimits>)> done) = 0;
    virtual void get(const QString &sobject, const QString &externalIdField, const QString &key,
                     const QStringList &fields, QObject *context,
                     std::function<void(Result<QJsonObject>)> done)
        = 0;
};

class PlatformPort
{
public:
    virtual ~PlatformPort() = default;
    // GET /v1/leads ordered by (updated_at, id); updatedSinceMs 0 = all.
    virtual void listLeads(qint64 updatedSinceMs, const QString &cursor, int limit,
                           QObject *context, std::function<void(Result<RecordPage>)> done)
        = 0;
    virtual void listAgents(const QString &cursor, int limit, QObject *context,
                            std::function<void(Result<RecordPage>)> done)
        = 0;
    // POST /v1/leads/batch (up to 500): one outcome per lead, in order.
    virtual void upsertLeads(const QList<QJsonObject> &leads, QObject *context,
                             std::function<void(Result<QList<WriteOutcome>>)> done)
        = 0;
    virtual void putAgent(const QJsonObject &agent, QObject *context,
                          std::function<void(Result<WriteOutcome>)> done)
        = 0;
    virtual void getLead(const QString &id, QObject *context,
                         std::function<void(Result<QJsonObject>)> done)
        = 0;
    // DELETE /v1/leads/{id}: the lead becomes a tombstone. Deleting a tombstone again, or a lead
    // the platform does not know, is done.
    virtual void deleteLead(const QString &id, QObject *context,
                            std::function<void(Result<void>)> done)
        = 0;
    // PUT /v1/leads/{id}?restore=true: brings a deleted lead back with this content (a lead
    // that was not deleted is simply written).
    virtual void restoreLead(const QJsonObject &lead, QObject *context,
                             std::function<void(Result<WriteOutcome>)> done)
        = 0;
    // DELETE /v1/agents/{id}: the agent stays on the platform, inactive. An agent the platform
    // does not know has nothing left to deactivate.
    virtual void deactivateAgent(const QString &id, QObject *context,
                                 std::function<void(Result<void>)> done)
        = 0;
};

} // namespace lb
