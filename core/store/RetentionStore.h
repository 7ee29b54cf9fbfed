#pragma once

#include "Database.h"

namespace lb {

// What the retention purge removes, one kind at a time (PROFILE.md, "Retention").
enum class RetentionKind {
    InboundEvents, // processed or rejected raw events received before the cutoff (never "new")
    FinishedJobs, // outbox jobs finished before the cutoff, with their resolved inbox items;
                  // never a pending or claimed job, never one whose inbox item is open
    AuditDetails, // audit rows older than the cutoff keep their row and lose their detail
};

// One batch of the purge: up to `limit` rows of one kind, in one transaction of its own, walked
// by id (keyset) so a long purge never scans the same rows twice. A failed batch rolls back
// alone; the batches before it stay done.
class RetentionStore
{
public:
    explicit RetentionStore(Database &db);

    struct Batch
    {
        int rows = 0; // rows deleted (or audit details dropped)
        qint64 lastId = 0; // where the next batch starts (exclusive)
        bool more = false; // the batch was full: there may be more
    };
    Result<Batch> purgeBatch(RetentionKind kind, qint64 cutoffMs, qint64 afterId, int limit);

    static QString nameOf(RetentionKind kind);

private:
    Result<QList<qint64>> candidates(RetentionKind kind, qint64 cutoffMs, qint64 afterId,
                                     int limit);
    Result<void> apply(const QString &key, const QString &sqlBeforeList, const QList<qint64> &ids);

    Database &m_db;
};

} // namespace lb
