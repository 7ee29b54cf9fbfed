#pragma once

#include "Bulk2Job.h"
#include "Bulk2JobPoller.h"
#include "Bulk2ResultReader.h"
#include "net/HttpClient.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace lb {
struct HttpResponse;
}

namespace lb::salesforce {

class SalesforceClient;

// What an ingest job is created with. Uploads are CSV, comma separated, LF line endings
// (BulkCsvWriter).
struct Bulk2JobSpec
{
    QString object;
    QString operation; // insert, update, upsert, delete
    QString externalIdFieldName; // upsert
};

// The three result sets of a finished ingest job, and the job's last state.
struct Bulk2IngestOutcome
{
    Bulk2Job job;
    QList<Bulk2RowResult> successful;
    QList<Bulk2RowResult> failed;
    QList<Bulk2RowResult> unprocessed;
};

// One page of a query job's results. `locator` is empty after the last page (Salesforce's
// literal "null").
struct Bulk2QueryPage
{
    Bulk2Table table;
    QString locator;
};

// The Bulk API 2.0 (SALESFORCE_API.md section 7) on the REST client's session: every request
// goes through SalesforceClient::sendRaw, so it has the same token refresh, host allowlist,
// Sforce-Call-Options, Sforce-Limit-Info observation and API call count. Asynchronous like the
// REST client: each method answers once, on this thread, unless `context` is gone.
class Bulk2Client : public QObject
{
    Q_OBJECT
public:
    template<typename T> using Callback = std::function<void(Result<T>)>;

    // Salesforce takes up to 150 MB per upload (base64); raw CSV above this is refused here.
    static constexpr qsizetype kMaxUploadBytes = 100LL * 1024 * 1024;

    explicit Bulk2Client(SalesforceClient &rest, QObject *parent = nullptr);

    Bulk2JobPoller &poller() { return m_poller; }

    // --- One request each.
    void createIngestJob(const Bulk2JobSpec &spec, QObject *context, Callback<Bulk2Job> done);
    void upload(const QString &jobId, const QByteArray &csv, QObject *context, Callback<void> done);
    void closeJob(const QString &jobId, QObject *context, Callback<Bulk2Job> done);
    void abortJob(const QString &jobId, bool isQuery, QObject *context, Callback<Bulk2Job> done);
    void jobInfo(const QString &jobId, bool isQuery, QObject *context, Callback<Bulk2Job> done);
    void deleteJob(const QString &jobId, bool isQuery, QObject *context, Callback<void> done);
    void ingestResults(const QString &jobId, Bulk2ResultReader::Kind kind, QObject *context,
                       Callback<QList<Bulk2RowResult>> done);
    void createQueryJob(const QString &soql, bool includeDeleted, QObject *context,
                        Callback<Bulk2Job> done);
    // maxRecords 0 = Salesforce's default page size.
    void queryResults(const QString &jobId, const QString &locator, int maxRecords,
                      QObject *context, Callback<Bulk2QueryPage> done);

    // --- Whole flows.
    // Create, `onCreated` (store the job id before any row is sent), upload, close, poll,
    // then the three result sets. A job that ends Failed or Aborted still answers with its
    // results (rows it did not reach are in `unprocessed`). When `onCreated` fails, the job is
    // aborted (nothing was uploaded) and `done` gets that error.
    void ingest(const Bulk2JobSpec &spec, const QByteArray &csv, QObject *context,
                std::function<Result<void>(const Bulk2Job &)> onCreated,
                Callback<Bulk2IngestOutcome> done);
    // Poll a job sent earlier (e.g. before a restart) and fetch its results.
    void collect(const QString &jobId, QObject *context, Callback<Bulk2IngestOutcome> done);
    // A query job: create, poll, then every results page in turn (one page in memory at a time).
    // `onPage` may return false to stop; `done` gets the number of rows delivered.
    void queryEach(const QString &soql, bool includeDeleted, int maxRecords, QObject *context,
                   std::function<bool(const Bulk2QueryPage &)> onPage, Callback<qint64> done);

signals:
    // Every poll answer of an ingest job this client waits for (ingest, collect), the last one
    // included: its counters, for progress.
    void ingestPolled(const lb::salesforce::Bulk2Job &job);

private:
    struct Request
    {
        QByteArray method;
        QString resource; // below /jobs, percent-encoded
        QString query;
        QByteArray body;
        QByteArray contentType = "application/json";
        QByteArray accept = "application/json";
        qint64 maxResponseBytes = HttpRequest::DefaultMaxResponseBytes;
    };
    // A query results page of up to 50,000 CSV rows is the one answer allowed to be large;
    // it is still bounded (HttpRequest::maxResponseBytes).
    static constexpr qint64 kMaxResultsPageBytes = 512LL << 20;
    // A 2xx answer, or the error (Salesforce's envelope for other statuses).
    void request(Request request, QObject *context, Callback<HttpResponse> done);
    void jobRequest(Request request, QObject *context, Callback<Bulk2Job> done);
    void fetchResults(const Bulk2Job &job, QObject *context, Callback<Bulk2IngestOutcome> done);
    void queryPageStep(const QString &jobId, const QString &locator, int maxRecords,
                       QObject *context, std::function<bool(const Bulk2QueryPage &)> onPage,
                       qint64 delivered, Callback<qint64> done);

    SalesforceClient &m_rest;
    Bulk2JobPoller m_poller;
};

} // namespace lb::salesforce
