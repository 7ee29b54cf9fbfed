#pragma once

#include "Database.h"
#include "util/Clock.h"

#include <QList>

namespace lb {

// One record a Bulk API 2.0 ingest job carries: its outbox job, the record's key (the upload's
// external id) and the mirror hash of the write planned for it.
struct IngestJobItem
{
    qint64 outboxId = 0;
    QString key;
    QByteArray plannedHash;
};

// A Bulk API 2.0 ingest job the engine sent (migration 7, `bulk_jobs`).
struct IngestJob
{
    QString jobId; // Salesforce's job id
    QString kind; // the outbox job kind it carries
    QString state; // "sent" until its results are recorded, then "done"
    QList<IngestJobItem> items;
    qint64 createdAt = 0;
};

// How far an ingest job got, as its last poll said (migration 13): what an import shows.
struct IngestJobProgress
{
    QString jobId;
    QString state; // "sent" or "done" (results recorded)
    QString salesforceState; // Open, UploadComplete, InProgress, JobComplete, Failed, Aborted
    qint64 total = 0; // rows uploaded
    qint64 processed = 0; // numberRecordsProcessed (failed rows included)
    qint64 failed = 0; // numberRecordsFailed
    bool abortRequested = false;
    qint64 createdAt = 0;
};

// The ingest jobs the engine sent. A job is added once Salesforce created it and before any row
// is uploaded; a restart collects the results of a job still "sent" instead of sending its rows
// again.
class IngestJobStore
{
public:
    IngestJobStore(Database &db, const Clock &clock);

    Result<void> add(const IngestJob &job);
    // The jobs of `kind` whose results are not recorded yet, oldest first.
    Result<QList<IngestJob>> open(const QString &kind);
    // Call in the transaction that records the job's results.
    Result<void> finish(const QString &jobId);

    // A poll's counters. Answers whether a cancel was asked for meanwhile.
    Result<bool> recordProgress(const QString &jobId, const QString &salesforceState,
                                qint64 processed, qint64 failed);
    // The jobs of `kind` created at or after `sinceMs` and those still open (sent before a
    // crash), oldest first, without their items.
    Result<QList<IngestJobProgress>> progressSince(const QString &kind, qint64 sinceMs);
    // Asks the engine to abort these jobs at Salesforce (those not done yet); returns how many
    // were marked.
    Result<int> requestAbort(const QStringList &jobIds);
    Result<bool> abortRequested(const QString &jobId);

private:
    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
