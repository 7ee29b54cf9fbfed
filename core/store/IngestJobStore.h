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

private:
    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
