#pragma once

#include "store/IngestJobStore.h"

#include <QMetaType>

namespace lb {

class Store;

// How the Bulk API 2.0 ingest jobs carrying an import are getting on. The engine stores each
// job-info poll's counters (numberRecordsProcessed, numberRecordsFailed) on the job's row;
// `leadbridge import` prints them and the Import view shows them, both read from the store.
struct BulkImportProgress
{
    QList<IngestJobProgress> jobs;

    // The lead upsert jobs created since `sinceMs`, and any still open from before (a job sent
    // by a process that died is collected by the next run).
    static Result<BulkImportProgress> read(Store &store, qint64 sinceMs);

    qint64 total() const;
    qint64 processed() const;
    qint64 failed() const;
    // Every job's results are recorded (there is at least one job).
    bool finished() const;
    bool cancelled() const;
    int percent() const;

    // "Bulk job 750...: 12,000 of 50,000 processed, 3 failed"
    static QString line(const IngestJobProgress &job);
    // "12,000 of 50,000 rows processed by Salesforce, 3 failed (1 bulk job)"
    QString summary() const;

private:
    qint64 sum(qint64 IngestJobProgress::*counter) const;
};

} // namespace lb

Q_DECLARE_METATYPE(lb::BulkImportProgress)
