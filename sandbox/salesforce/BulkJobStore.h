#pragma once

#include "BulkJob.h"

#include <QElapsedTimer>
#include <QTimer>

#include <map>

namespace lb::sandbox {

class SandboxOrg;

// The org's Bulk API 2.0 jobs and their processing. As in Salesforce, a closed job is processed
// later, not in the request that closed it: a timer moves each job to InProgress, writes its rows
// in chunks through the DmlEngine (validation and faults as for REST), or runs its query, and
// then completes it. Clients have to poll. Use it from the thread that runs the sandbox.
class BulkJobStore
{
public:
    explicit BulkJobStore(SandboxOrg &org);

    // Gives the job its id (prefix 750) and creation time.
    BulkJob &add(BulkJob job);
    BulkJob *find(const QString &id, bool isQuery);
    QList<const BulkJob *> list(bool isQuery) const;
    void remove(const QString &id);
    void clear();

    // After a state change that leaves work to do (closed ingest job, new query job).
    void schedule(BulkJob &job);
    // Stops processing a job: its unreached rows become the unprocessed set.
    void abort(BulkJob &job);

    static constexpr int kChunkRows = 2000; // rows written per timer tick
    static constexpr int kTickMs = 10;
    static constexpr int kRecordsPerBatch = 10'000; // DailyBulkApiBatches counts these

private:
    void tick();
    void start(BulkJob &job);
    void processIngestChunk(BulkJob &job);
    void runQuery(BulkJob &job);
    void finish(BulkJob &job, BulkState state, const QString &error = {});
    qint64 monotonicMs() const { return m_monotonic.elapsed(); }

    SandboxOrg &m_org;
    std::map<QString, BulkJob> m_jobs; // ids grow, so iteration is oldest first
    std::map<QString, qint64> m_readyAt; // closed jobs held back by the bulkSlowMs fault
    QTimer m_timer;
    QElapsedTimer m_monotonic;
};

} // namespace lb::sandbox
