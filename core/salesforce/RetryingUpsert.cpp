#include "RetryingUpsert.h"

#include "ErrorClassification.h"
#include "ErrorEnvelope.h"
#include "SalesforceClient.h"
#include "log/Logging.h"

#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

RetryingUpsert::RetryingUpsert(SalesforceClient &client, QString sobject, QString extIdField,
                               Options options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_sobject(std::move(sobject))
    , m_extIdField(std::move(extIdField))
    , m_options(options)
    , m_random(QRandomGenerator::global())
{
    m_options.batchSize
        = std::clamp(m_options.batchSize, 1, SalesforceClient::kMaxCollectionRecords);
    m_options.batchesPerCall
        = std::clamp(m_options.batchesPerCall, 1, SalesforceClient::kMaxCompositeCollections);
    m_options.maxConcurrentCalls = qMax(1, m_options.maxConcurrentCalls);
    m_options.policy.maxAttempts = qMax(1, m_options.policy.maxAttempts);
}

void RetryingUpsert::start(const QList<QJsonObject> &records, QObject *context, Done done)
{
    Q_ASSERT(!isRunning());
    ++m_run;
    m_records = records;
    m_report = {};
    m_report.records.resize(records.size());
    m_ready.clear();
    m_inFlight = 0;
    m_waiting = 0;
    m_finished = 0;
    m_context = context ? context : this;
    m_done = std::move(done);
    m_elapsed.start();
    for (int i = 0; i < records.size(); ++i) {
        const QJsonValue key = records[i].value(m_extIdField);
        if ((key.isString() && !key.toString().isEmpty()) || key.isDouble())
            m_ready.append(i);
        else
            recordFailed(i,
                         Error {u"missing_external_id"_s,
                                u"The record has no %1 value to upsert by."_s.arg(m_extIdField), 0,
                                false});
    }
    // Answer asynchronously even when there is nothing to send.
    QTimer::singleShot(0, this, [this, run = m_run] {
        if (run != m_run)
            return;
        pump();
        finishIfDone();
    });
}

void RetryingUpsert::pump()
{
    const int perCall = m_options.batchSize * m_options.batchesPerCall;
    while (m_inFlight < m_options.maxConcurrentCalls && !m_ready.isEmpty()) {
        const qsizetype n = qMin<qsizetype>(perCall, m_ready.size());
        const QList<int> indices = m_ready.first(n);
        m_ready.remove(0, n);
        sendCall(indices);
    }
}

void RetryingUpsert::sendCall(const QList<int> &indices)
{
    ++m_inFlight;
    ++m_report.apiCalls;
    QList<QList<QJsonObject>> batches;
    for (qsizetype i = 0; i < indices.size(); i += m_options.batchSize) {
        QList<QJsonObject> batch;
        for (qsizetype j = i; j < qMin(indices.size(), i + m_options.batchSize); ++j) {
            RecordOutcome &outcome = m_report.records[indices[j]];
            if (outcome.attempts > 0)
                ++m_report.resentRecords;
            ++outcome.attempts;
            batch.append(m_records[indices[j]]);
        }
        batches.append(batch);
    }
    const quint64 run = m_run;
    if (batches.size() == 1) {
        m_client.upsertCollection(m_sobject, m_extIdField, batches.constFirst(), false, this,
                                  [this, run, indices](Result<QList<RecordResult>> r) {
                                      if (run == m_run)
                                          callFinished(indices, r);
                                  });
        return;
    }
    m_client.compositeUpsert(m_sobject, m_extIdField, batches, this,
                             [this, run, indices](Result<QList<QList<RecordResult>>> r) {
                                 if (run != m_run)
                                     return;
                                 if (!r)
                                     return callFinished(indices, r.error());
                                 QList<RecordResult> flat;
                                 for (const QList<RecordResult> &batch : *r)
                                     flat.append(batch);
                                 callFinished(indices, flat);
                             });
}

void RetryingUpsert::callFinished(const QList<int> &indices,
                                  const Result<QList<RecordResult>> &results)
{
    --m_inFlight;
    QList<int> retry;
    if (!results) {
        ++m_report.failedCalls;
        const Error &error = results.error();
        qCDebug(lcSalesforce) << "upsert call of" << indices.size()
                              << "records failed:" << error.code
                              << (error.retryable ? "(will retry)" : "");
        for (int index : indices) {
            if (error.retryable && !m_options.policy.exhausted(m_report.records[index].attempts))
                retry.append(index);
            else
                recordFailed(index, error);
        }
    } else {
        for (qsizetype i = 0; i < indices.size(); ++i) {
            const int index = indices[i];
            const RecordResult &r = results->at(i);
            if (r.success) {
                recordSucceeded(index, r);
                continue;
            }
            const bool transient = !r.errors.isEmpty()
                && std::all_of(r.errors.begin(), r.errors.end(),
                               [](const SfError &e) { return isRetryable(e); });
            if (transient && !m_options.policy.exhausted(m_report.records[index].attempts)) {
                m_report.records[index].errors = r.errors;
                retry.append(index);
                continue;
            }
            Error error = ErrorEnvelope::fromItems(r.errors, 0);
            error.retryable = transient; // attempts ran out; a later run may still succeed
            recordFailed(index, error, r.errors);
        }
    }
    if (!retry.isEmpty())
        scheduleRetry(retry);
    emit progress(m_finished, int(m_records.size()));
    pump();
    finishIfDone();
}

void RetryingUpsert::recordSucceeded(int index, const RecordResult &result)
{
    RecordOutcome &o = m_report.records[index];
    o.success = true;
    o.id = result.id;
    o.created = result.created;
    o.errors.clear();
    o.error = {};
    ++m_report.succeeded;
    ++m_finished;
}

void RetryingUpsert::recordFailed(int index, const Error &error, const QList<SfError> &errors)
{
    RecordOutcome &o = m_report.records[index];
    o.success = false;
    o.error = error;
    o.errors = errors;
    ++m_report.failed;
    ++m_finished;
}

void RetryingUpsert::scheduleRetry(const QList<int> &indices)
{
    int attempt = 0;
    for (int index : indices)
        attempt = qMax(attempt, m_report.records[index].attempts);
    const qint64 delay = m_options.policy.backoffMs(attempt, *m_random);
    ++m_waiting;
    QTimer::singleShot(int(qMin<qint64>(delay, std::numeric_limits<int>::max())), this,
                       [this, indices, run = m_run] {
                           if (run != m_run)
                               return;
                           --m_waiting;
                           m_ready.append(indices);
                           pump();
                           finishIfDone();
                       });
}

void RetryingUpsert::finishIfDone()
{
    if (!m_done || m_inFlight > 0 || m_waiting > 0 || !m_ready.isEmpty())
        return;
    m_report.elapsedMs = m_elapsed.elapsed();
    ++m_run; // late timers and callbacks of this run are ignored from here on
    Done done = std::move(m_done);
    m_done = nullptr;
    const Report report = std::move(m_report);
    m_report = {};
    if (m_context)
        done(report);
}

} // namespace lb::salesforce
