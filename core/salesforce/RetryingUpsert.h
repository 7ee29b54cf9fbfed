#pragma once

#include "SalesforceTypes.h"
#include "net/RetryPolicy.h"
#include "util/Result.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <functional>

class QRandomGenerator;

namespace lb::salesforce {

class SalesforceClient;

// Upserts any number of records by external id through SalesforceClient's retry path: up to
// `batchesPerCall` Collections batches of `batchSize` records per API call (Composite when
// more than one), whole-call transient failures (network, timeout, 5xx, 429,
// REQUEST_LIMIT_EXCEEDED) re-send the call's records, and per-record transient failures
// (UNABLE_TO_LOCK_ROW) re-send only those records. Re-sends wait a full-jitter backoff
// (RetryPolicy) on a single-shot timer; a record is sent at most policy.maxAttempts times.
// Upserts by external id are idempotent, so a re-sent record is never duplicated.
class RetryingUpsert : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        RetryPolicy policy {250, 30'000, 8}; // base, cap, max sends per record
        int batchSize = 200; // records per Collections batch (<= 200)
        int batchesPerCall = 5; // batches per Composite call (<= 5); 1 = plain Collections
        int maxConcurrentCalls = 1;
    };

    struct RecordOutcome
    {
        bool success = false;
        QString id;
        bool created = false;
        int attempts = 0; // times the record was sent
        QList<SfError> errors; // the last per-record errors, if any
        Error error; // when !success: why; retryable = attempts ran out on a transient failure
    };

    struct Report
    {
        QList<RecordOutcome> records; // in input order
        int succeeded = 0;
        int failed = 0;
        int apiCalls = 0; // calls sent (Composite or Collections: one API call each)
        int failedCalls = 0; // calls that failed as a whole
        int resentRecords = 0; // record sends after the first
        qint64 elapsedMs = 0;
    };

    using Done = std::function<void(const Report &)>;

    RetryingUpsert(SalesforceClient &client, QString sobject, QString extIdField, Options options,
                   QObject *parent = nullptr);
    RetryingUpsert(SalesforceClient &client, QString sobject, QString extIdField,
                   QObject *parent = nullptr)
        : RetryingUpsert(client, std::move(sobject), std::move(extIdField), Options {}, parent)
    { }

    // For reproducible backoff in tests; defaults to QRandomGenerator::global().
    void setRandom(QRandomGenerator *random) { m_random = random; }

    // One run at a time. Each record must hold the external id field.
    void start(const QList<QJsonObject> &records, QObject *context, Done done);
    bool isRunning() const { return bool(m_done); }

signals:
    void progress(int finished, int total);

private:
    void pump();
    void sendCall(const QList<int> &indices);
    void callFinished(const QList<int> &indices, const Result<QList<RecordResult>> &results);
    void recordSucceeded(int index, const RecordResult &result);
    void recordFailed(int index, const Error &error, const QList<SfError> &errors = {});
    void scheduleRetry(const QList<int> &indices);
    void finishIfDone();

    SalesforceClient &m_client;
    QString m_sobject;
    QString m_extIdField;
    Options m_options;
    QRandomGenerator *m_random;

    QList<QJsonObject> m_records;
    Report m_report;
    QList<int> m_ready;
    int m_inFlight = 0;
    int m_waiting = 0; // retry timers pending
    int m_finished = 0;
    quint64 m_run = 0; // guards timers and calls of an earlier run
    QElapsedTimer m_elapsed;
    QPointer<QObject> m_context;
    Done m_done;
};

} // namespace lb::salesforce
