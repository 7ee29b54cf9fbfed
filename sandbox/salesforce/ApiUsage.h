#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace lb::sandbox {

// The org's daily API allocation: what Sforce-Limit-Info, /limits and REQUEST_LIMIT_EXCEEDED
// report. Calls are counted per kind (query, upsert, collections, composite, ...) for tests.
// The allocation does not refill by itself; reset() or set() it.
class ApiUsage
{
public:
    void set(qint64 used, qint64 max);
    qint64 used() const { return m_used; }
    qint64 max() const { return m_max; }
    qint64 remaining() const { return qMax<qint64>(0, m_max - m_used); }
    bool exhausted() const { return m_used >= m_max; }

    void count(const QString &kind);
    const QHash<QString, qint64> &byKind() const { return m_byKind; }
    void reset();

    // Bulk API 2.0 counters of /limits: ingest batches (one per 10,000 records of a job,
    // DailyBulkApiBatches), query jobs (DailyBulkV2QueryJobs) and query result bytes
    // (DailyBulkV2QueryFileStorageMB).
    void countBulkBatches(qint64 batches) { m_bulkBatches += batches; }
    void countBulkQueryJob() { ++m_bulkQueryJobs; }
    void countBulkQueryBytes(qint64 bytes) { m_bulkQueryBytes += bytes; }
    qint64 bulkBatches() const { return m_bulkBatches; }
    qint64 bulkQueryJobs() const { return m_bulkQueryJobs; }
    qint64 bulkQueryBytes() const { return m_bulkQueryBytes; }

    // api-usage=N/M
    QByteArray limitInfo() const;

private:
    qint64 m_used = 0;
    qint64 m_max = 100'000;
    QHash<QString, qint64> m_byKind;
    qint64 m_bulkBatches = 0;
    qint64 m_bulkQueryJobs = 0;
    qint64 m_bulkQueryBytes = 0;
};

} // namespace lb::sandbox
