#include "SalesforcePortAdapter.h"

#include "log/Logging.h"
#include "net/HttpClient.h"
#include "salesforce/ErrorClassification.h"
#include "salesforce/ErrorEnvelope.h"
#include "salesforce/Soql.h"
#include "salesforce/bulk/Bulk2QueryRecords.h"
#include "salesforce/bulk/BulkCsvWriter.h"

#include <QPointer>

#include <algorithm>

namespace lb {

using salesforce::RecordResult;
using salesforce::SalesforceClient;

SalesforcePortAdapter::SalesforcePortAdapter(SalesforceClient &client)
    : m_client(client)
    , m_bulk(std::make_unique<salesforce::Bulk2Client>(client))
{ }

WriteOutcome SalesforcePortAdapter::outcomeOf(const RecordResult &r)
{
    WriteOutcome o;
    o.success = r.success;
    o.id = r.id;
    o.created = r.created;
    if (!r.success) {
        const salesforce::SfError e
            = r.errors.value(0, {QStringLiteral("UNKNOWN"), QStringLiteral("no error given"), {}});
        o.code = e.code;
        o.message = e.message;
        // A record rolled back because of another one, or locked, may succeed next time.
        o.retryable = salesforce::isRetryableCode(e.code)
            || e.code == QLatin1String("ALL_OR_NONE_OPERATION_ROLLED_BACK")
            || e.code == QLatin1String("PROCESSING_HALTED");
    }
    return o;
}

void SalesforcePortAdapter::upsert(const QString &sobject, const QString &externalIdField,
                                   const QList<QJsonObject> &records, QObject *context,
                                   std::function<void(Result<QList<WriteOutcome>>)> done)
{
    upsertFrom(sobject, externalIdField, std::make_shared<QList<QJsonObject>>(records), 0,
               std::make_shared<QList<WriteOutcome>>(), context, std::move(done));
}

void SalesforcePortAdapter::upsertFrom(const QString &sobject, const QString &externalIdField,
                                       std::shared_ptr<QList<QJsonObject>> records, qsizetype start,
                                       std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                                       std::function<void(Result<QList<WriteOutcome>>)> done)
{
    constexpr qsizetype PerCall
        = SalesforceClient::kMaxCollectionRecords * SalesforceClient::kMaxCompositeCollections;
    if (start >= records->size()) {
        done(*out);
        return;
    }
    QList<QList<QJsonObject>> batches;
    for (qsizetype i = start; i < std::min(records->size(), start + PerCall);
         i += SalesforceClient::kMaxCollectionRecords)
        batches.append(records->mid(i, SalesforceClient::kMaxCollectionRecords));
    m_client.compositeUpsert(
        sobject, externalIdField, batches, context,
        [this, sobject, externalIdField, records, start, out, context,
         done = std::move(done)](Result<QList<QList<RecordResult>>> r) mutable {
            if (!r) {
                if (out->isEmpty())
                    return done(r.error());
                // Later calls failed after earlier ones succeeded: report per record.
                WriteOutcome failed {
                    false, r.error().retryable, r.error().code, r.error().message, {}, false, {}};
                while (out->size() < records->size())
                    out->append(failed);
                return done(*out);
            }
            for (const auto &batch : *r) {
                for (const RecordResult &rr : batch)
                    out->append(outcomeOf(rr));
            }
            upsertFrom(sobject, externalIdField, records, start + PerCall, out, context,
                       std::move(done));
        });
}

BulkWriteResult SalesforcePortAdapter::bulkResultOf(const salesforce::Bulk2IngestOutcome &outcome,
                                                    const QString &externalIdField)
{
    BulkWriteResult out;
    out.jobId = outcome.job.id;
    out.jobState = outcome.job.stateName;
    out.jobError = outcome.job.errorMessage;
    out.outcomes.reserve(outcome.successful.size() + outcome.failed.size()
                         + outcome.unprocessed.size());
    for (const auto *rows : {&outcome.successful, &outcome.failed}) {
        for (const salesforce::Bulk2RowResult &row : *rows)
            out.outcomes.insert(row.fields.value(externalIdField), outcomeOf(row.result));
    }
    const QString why = outcome.job.errorMessage.isEmpty()
        ? QStringLiteral("The bulk job ended %1 before processing this record")
              .arg(outcome.job.stateName)
        : QStringLiteral("The bulk job ended %1 before processing this record: %2")
              .arg(outcome.job.stateName, outcome.job.errorMessage);
    for (const salesforce::Bulk2RowResult &row : outcome.unprocessed)
        out.outcomes.insert(row.fields.value(externalIdField),
                            {false, true, BulkUnprocessedCode, why, {}, false, {}});
    return out;
}

namespace {

// The first poll comes when a job of this size may be done (Salesforce processes thousands of
// rows a second), so a big job costs a few polls, not dozens: 50,000 rows are polled after 6,
// 15, 28 and 48 s.
salesforce::Bulk2JobPoller::Backoff backoffFor(qsizetype rows)
{
    salesforce::Bulk2JobPoller::Backoff b;
    b.initialMs = int(std::clamp<qsizetype>(1000 + rows / 10, 500, 30'000));
    b.factor = 1.5;
    b.maxMs = 60'000;
    b.waitBeforeFirstPoll = rows > 0;
    return b;
}

} // namespace

void SalesforcePortAdapter::bulkUpsert(const QString &sobject, const QString &externalIdField,
                                       const QList<QJsonObject> &records, QObject *context,
                                       std::function<Result<void>(const QString &jobId)> onJob,
                                       std::function<void(Result<BulkWriteResult>)> done)
{
    const QByteArray csv = salesforce::BulkCsvWriter::write(records);
    if (csv.size() > salesforce::Bulk2Client::kMaxUploadBytes) {
        done(makeError(QStringLiteral("bulk_upload_too_large"),
                       QStringLiteral("%1 records make %2 bytes of CSV, more than one upload takes")
                           .arg(records.size())
                           .arg(csv.size())));
        return;
    }
    m_bulk->poller().setBackoff(backoffFor(records.size()));
    m_bulk->ingest(
        {sobject, QStringLiteral("upsert"), externalIdField}, csv, context,
        [onJob = std::move(onJob)](const salesforce::Bulk2Job &job) { return onJob(job.id); },
        [this, context, externalIdField,
         done = std::move(done)](Result<salesforce::Bulk2IngestOutcome> outcome) {
            if (!outcome)
                return done(outcome.error());
            afterBulkJob(context, [done, result = bulkResultOf(*outcome, externalIdField)] {
                done(result);
            });
        });
}

void SalesforcePortAdapter::watchBulkPolls(QObject *context, BulkPoll onPoll)
{
    QObject::connect(m_bulk.get(), &salesforce::Bulk2Client::ingestPolled, context,
                     [onPoll = std::move(onPoll)](const salesforce::Bulk2Job &job) {
                         onPoll(job.id, job.stateName, job.numberRecordsProcessed,
                                job.numberRecordsFailed);
                     });
}

void SalesforcePortAdapter::bulkAbort(const QString &jobId, QObject *context,
                                      std::function<void(Result<void>)> done)
{
    m_bulk->abortJob(jobId, false, context,
                     [done = std::move(done)](Result<salesforce::Bulk2Job> job) {
                         if (!job)
                             return done(job.error());
                         done({});
                     });
}

void SalesforcePortAdapter::bulkCollect(const QString &jobId, const QString &externalIdField,
                                        QObject *context,
                                        std::function<void(Result<BulkWriteResult>)> done)
{
    // Collected after a restart: it may have ended long ago, so the first poll comes at once.
    salesforce::Bulk2JobPoller::Backoff b = backoffFor(0);
    b.initialMs = 500;
    m_bulk->poller().setBackoff(b);
    auto answer = [this, context, externalIdField,
                   done](Result<salesforce::Bulk2IngestOutcome> outcome) {
        if (!outcome)
            return done(outcome.error());
        afterBulkJob(context,
                     [done, result = bulkResultOf(*outcome, externalIdField)] { done(result); });
    };
    QPointer<QObject> guard(context);
    m_bulk->jobInfo(
        jobId, false, context,
        [this, guard, jobId, answer = std::move(answer), done](Result<salesforce::Bulk2Job> job) {
            if (!guard)
                return;
            if (!job)
                return done(job.error());
            if (job->state != salesforce::Bulk2Job::State::Open) {
                m_bulk->collect(jobId, guard, answer);
                return;
            }
            // Never closed: its sender died while uploading. Salesforce processed none of it.
            m_bulk->abortJob(jobId, false, guard,
                             [jobId, done](Result<salesforce::Bulk2Job> aborted) {
                                 if (!aborted)
                                     return done(aborted.error());
                                 BulkWriteResult none;
                                 none.jobId = jobId;
                                 none.jobState = aborted->stateName;
                                 done(none);
                             });
        });
}

// Salesforce counts Bulk API usage only in /limits (DailyBulkApiBatches, DailyBulkV2QueryJobs),
// never in Sforce-Limit-Info: after a job, one /limits read (the client emits limitsObserved,
// which the engine records for the Limits view's gauge and the api-usage report) comes before
// the job's answer, so the usage is recorded by the time the caller moves on. A failed read
// only costs the gauge its update.
void SalesforcePortAdapter::afterBulkJob(QObject *context, std::function<void()> then)
{
    m_client.limits(context, [then = std::move(then)](Result<ApiLimits> limits) {
        if (!limits)
            qCWarning(lcSalesforce)
                << "could not read /limits after a Bulk API job:" << limits.error().toString();
        then();
    });
}

void SalesforcePortAdapter::fieldTypes(const QString &sobject, QObject *context,
                                       std::function<void(Result<QHash<QString, QString>>)> done)
{
    if (const auto known = m_fieldTypes.constFind(sobject); known != m_fieldTypes.cend()) {
        done(*known);
        return;
    }
    salesforce::SalesforceClient::RawRequest describe;
    describe.method = "GET";
    describe.resource = QStringLiteral("/sobjects/%1/describe").arg(sobject);
    m_client.sendRaw(std::move(describe), context,
                     [this, sobject, done = std::move(done)](Result<HttpResponse> response) {
                         if (!response)
                             return done(response.error());
                         if (!response->isSuccess())
                             return done(salesforce::ErrorEnvelope::toError(*response));
                         auto types = salesforce::Bulk2QueryRecords::fieldTypes(response->body);
                         if (!types)
                             return done(types.error());
                         m_fieldTypes.insert(sobject, *types);
                         done(std::move(types));
                     });
}

void SalesforcePortAdapter::bulkQuery(
    const QString &sobject, const QString &soql, bool includeDeleted, QObject *context,
    std::function<Result<void>(const QList<QJsonObject> &)> onPage,
    std::function<void(Result<qint64>)> done)
{
    QPointer<QObject> guard(context);
    fieldTypes(sobject, context,
               [this, guard, soql, includeDeleted, onPage = std::move(onPage),
                done = std::move(done)](Result<QHash<QString, QString>> types) mutable {
                   if (!guard)
                       return;
                   if (!types)
                       return done(types.error());
                   // The sandbox and Salesforce finish a query of 100,000 rows within seconds:
                   // a first poll after 2 s, then growing, keeps a read to a few polls.
                   salesforce::Bulk2JobPoller::Backoff b;
                   b.initialMs = 2000;
                   b.factor = 2;
                   b.maxMs = 60'000;
                   b.waitBeforeFirstPoll = true;
                   m_bulk->poller().setBackoff(b);
                   auto failed = std::make_shared<std::optional<Error>>();
                   m_bulk->queryEach(
                       soql, includeDeleted, kBulkQueryPageRows, guard,
                       [types = *types, onPage = std::move(onPage),
                        failed](const salesforce::Bulk2QueryPage &page) {
                           auto taken = onPage(
                               salesforce::Bulk2QueryRecords::toRecords(page.table, types));
                           if (!taken)
                               *failed = taken.error();
                           return bool(taken);
                       },
                       [this, guard, failed, done = std::move(done)](Result<qint64> read) {
                           if (failed->has_value())
                               return done(**failed);
                           if (!read)
                               return done(read.error());
                           afterBulkJob(guard, [done, read] { done(read); });
                       });
               });
}

void SalesforcePortAdapter::update(const QString &sobject, const QList<QJsonObject> &records,
                                   QObject *context,
                                   std::function<void(Result<QList<WriteOutcome>>)> done)
{
    updateFrom(sobject, std::make_shared<QList<QJsonObject>>(records), 0,
               std::make_shared<QList<WriteOutcome>>(), context, std::move(done));
}

void SalesforcePortAdapter::updateFrom(const QString &sobject,
                                       std::shared_ptr<QList<QJsonObject>> records, qsizetype start,
                                       std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                                       std::function<void(Result<QList<WriteOutcome>>)> done)
{
    if (start >= records->size()) {
        done(*out);
        return;
    }
    m_client.updateCollection(
        sobject, records->mid(start, SalesforceClient::kMaxCollectionRecords), false, context,
        [this, sobject, records, start, out, context,
         done = std::move(done)](Result<QList<RecordResult>> r) mutable {
            if (!r)
                return done(r.error());
            for (const RecordResult &rr : *r)
                out->append(outcomeOf(rr));
            updateFrom(sobject, records, start + SalesforceClient::kMaxCollectionRecords, out,
                       context, std::move(done));
        });
}

void SalesforcePortAdapter::remove(const QStringList &ids, QObject *context,
                                   std::function<void(Result<QList<WriteOutcome>>)> done)
{
    removeFrom(std::make_shared<QStringList>(ids), 0, std::make_shared<QList<WriteOutcome>>(),
               context, std::move(done));
}

void SalesforcePortAdapter::removeFrom(std::shared_ptr<QStringList> ids, qsizetype start,
                                       std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                                       std::function<void(Result<QList<WriteOutcome>>)> done)
{
    if (start >= ids->size()) {
        done(*out);
        return;
    }
    m_client.deleteCollection(ids->mid(start, SalesforceClient::kMaxCollectionRecords), false,
                              context,
                              [this, ids, start, out, context,
                               done = std::move(done)](Result<QList<RecordResult>> r) mutable {
                                  if (!r)
                                      return done(r.error());
                                  for (const RecordResult &rr : *r)
                                      out->append(outcomeOf(rr));
                                  removeFrom(ids, start + SalesforceClient::kMaxCollectionRecords,
                                             out, context, std::move(done));
                              });
}

void SalesforcePortAdapter::query(const QString &soql, QObject *context,
                                  std::function<void(Result<RecordPage>)> done)
{
    m_client.query(soql, context, [done = std::move(done)](Result<salesforce::QueryPage> r) {
        if (!r)
            return done(r.error());
        done(RecordPage {r->records, r->nextRecordsUrl, {}, {}, r->totalSize});
    });
}

void SalesforcePortAdapter::queryAll(const QString &soql, QObject *context,
                                     std::function<void(Result<RecordPage>)> done)
{
    m_client.queryAll(soql, context, [done = std::move(done)](Result<salesforce::QueryPage> r) {
        if (!r)
            return done(r.error());
        done(RecordPage {r->records, r->nextRecordsUrl, {}, {}, r->totalSize});
    });
}

void SalesforcePortAdapter::queryMore(const QString &next, QObject *context,
                                      std::function<void(Result<RecordPage>)> done)
{
    m_client.queryMore(next, context, [done = std::move(done)](Result<salesforce::QueryPage> r) {
        if (!r)
            return done(r.error());
        done(RecordPage {r->records, r->nextRecordsUrl, {}, {}, r->totalSize});
    });
}

void SalesforcePortAdapter::publishEvents(const QString &eventName,
                                          const QList<QJsonObject> &events, QObject *context,
                                          std::function<void(Result<QList<WriteOutcome>>)> done)
{
    publishFrom(eventName, std::make_shared<QList<QJsonObject>>(events), 0,
                std::make_shared<QList<WriteOutcome>>(), context, std::move(done));
}

void SalesforcePortAdapter::publishFrom(const QString &eventName,
                                        std::shared_ptr<QList<QJsonObject>> events, qsizetype start,
                                        std::shared_ptr<QList<WriteOutcome>> out, QObject *context,
                                        std::function<void(Result<QList<WriteOutcome>>)> done)
{
    if (start >= events->size()) {
        done(*out);
        return;
    }
    m_client.createCollection(
        eventName, events->mid(start, SalesforceClient::kMaxCollectionRecords), false, context,
        [this, eventName, events, start, out, context,
         done = std::move(done)](Result<QList<RecordResult>> r) mutable {
            if (!r)
                return done(r.error());
            for (RecordResult rr : *r) {
                // Publishing answers success with an OPERATION_ENQUEUED "error".
                if (rr.success)
                    rr.errors.clear();
                out->append(outcomeOf(rr));
            }
            publishFrom(eventName, events, start + SalesforceClient::kMaxCollectionRecords, out,
                        context, std::move(done));
        });
}

void SalesforcePortAdapter::fetchLimits(QObject *context,
                                        std::function<void(Result<ApiLimits>)> done)
{
    m_client.limits(context, std::move(done));
}

void SalesforcePortAdapter::get(const QString &sobject, const QString &externalIdField,
                                const QString &key, const QStringList &fields, QObject *context,
                                std::function<void(Result<QJsonObject>)> done)
{
    // A query, so relationship fields come back nested as the rest of the engine reads them.
    // soql: SOQL sent to Salesforce's REST API, not to the store; record values are quoted by
    // soqlString(), field and object names come from the loaded mapping
    const QString soql = QStringLiteral("SELECT %1 FROM %2 WHERE %3 = %4 LIMIT 1")
                             .arg(fields.join(QStringLiteral(", ")), sobject, externalIdField,
                                  salesforce::soqlString(key));
    m_client.query(soql, context, [done = std::move(done), key](Result<salesforce::QueryPage> r) {
        if (!r)
            return done(r.error());
        if (r->records.isEmpty())
            return done(makeError(QStringLiteral("NOT_FOUND"),
                                  QStringLiteral("Salesforce has no record %1.").arg(key)));
        done(r->records.first());
    });
}

} // namespace lb
