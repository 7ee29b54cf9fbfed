#include "Bulk2Client.h"

#include "net/HttpClient.h"
#include "salesforce/ErrorEnvelope.h"
#include "salesforce/SalesforceClient.h"

#include <QJsonDocument>
#include <QPointer>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

namespace {

QString enc(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

QString jobPath(const QString &jobId, bool isQuery)
{
    return (isQuery ? u"/jobs/query/"_s : u"/jobs/ingest/"_s) + enc(jobId);
}

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Error badArgument(const QString &message)
{
    return Error {u"bad_argument"_s, message, 0, false};
}

} // namespace

Bulk2Client::Bulk2Client(SalesforceClient &rest, QObject *parent)
    : QObject(parent)
    , m_rest(rest)
    , m_poller(*this, this)
{ }

void Bulk2Client::request(Request r, QObject *context, Callback<HttpResponse> done)
{
    SalesforceClient::RawRequest raw {
        std::move(r.method),      std::move(r.resource), std::move(r.query), std::move(r.body),
        std::move(r.contentType), std::move(r.accept),   r.maxResponseBytes};
    m_rest.sendRaw(std::move(raw), context ? context : this,
                   [done = std::move(done)](Result<HttpResponse> response) {
                       if (!response)
                           return done(response.error());
                       if (!response->isSuccess())
                           return done(ErrorEnvelope::toError(*response));
                       done(std::move(response));
                   });
}

void Bulk2Client::jobRequest(Request r, QObject *context, Callback<Bulk2Job> done)
{
    request(std::move(r), context, [done = std::move(done)](Result<HttpResponse> response) {
        if (!response)
            return done(response.error());
        Result<Bulk2Job> job = Bulk2Job::fromJson(response->body);
        if (!job) {
            Error e = job.error();
            e.httpStatus = response->status;
            return done(e);
        }
        done(std::move(job));
    });
}

void Bulk2Client::createIngestJob(const Bulk2JobSpec &spec, QObject *context,
                                  Callback<Bulk2Job> done)
{
    QJsonObject body {{u"object"_s, spec.object},
                      {u"operation"_s, spec.operation},
                      {u"contentType"_s, u"CSV"_s},
                      {u"columnDelimiter"_s, u"COMMA"_s},
                      {u"lineEnding"_s, u"LF"_s}};
    if (!spec.externalIdFieldName.isEmpty())
        body.insert(u"externalIdFieldName"_s, spec.externalIdFieldName);
    jobRequest({"POST", u"/jobs/ingest"_s, {}, toJson(body)}, context, std::move(done));
}

void Bulk2Client::upload(const QString &jobId, const QByteArray &csv, QObject *context,
                         Callback<void> done)
{
    if (csv.size() > kMaxUploadBytes) {
        const Error e = badArgument(
            u"The CSV is %1 MB; Salesforce takes at most %2 MB per job: split the rows over "
            u"several jobs."_s.arg(csv.size() / (1024 * 1024))
                .arg(kMaxUploadBytes / (1024 * 1024)));
        QPointer<QObject> guard(context ? context : this);
        QMetaObject::invokeMethod(
            this,
            [guard, done = std::move(done), e] {
                if (guard)
                    done(e);
            },
            Qt::QueuedConnection);
        return;
    }
    request({"PUT", jobPath(jobId, false) + u"/batches"_s, {}, csv, "text/csv"}, context,
            [done = std::move(done)](Result<HttpResponse> response) {
                if (!response)
                    return done(response.error());
                done({});
            });
}

void Bulk2Client::closeJob(const QString &jobId, QObject *context, Callback<Bulk2Job> done)
{
    jobRequest({"PATCH", jobPath(jobId, false), {}, toJson({{u"state"_s, u"UploadComplete"_s}})},
               context, std::move(done));
}

void Bulk2Client::abortJob(const QString &jobId, bool isQuery, QObject *context,
                           Callback<Bulk2Job> done)
{
    jobRequest({"PATCH", jobPath(jobId, isQuery), {}, toJson({{u"state"_s, u"Aborted"_s}})},
               context, std::move(done));
}

void Bulk2Client::jobInfo(const QString &jobId, bool isQuery, QObject *context,
                          Callback<Bulk2Job> done)
{
    jobRequest({"GET", jobPath(jobId, isQuery), {}, {}}, context, std::move(done));
}

void Bulk2Client::deleteJob(const QString &jobId, bool isQuery, QObject *context,
                            Callback<void> done)
{
    request({"DELETE", jobPath(jobId, isQuery), {}, {}}, context,
            [done = std::move(done)](Result<HttpResponse> response) {
                if (!response)
                    return done(response.error());
                done({});
            });
}

void Bulk2Client::ingestResults(const QString &jobId, Bulk2ResultReader::Kind kind,
                                QObject *context, Callback<QList<Bulk2RowResult>> done)
{
    const QString which = kind == Bulk2ResultReader::Kind::Successful ? u"/successfulResults"_s
        : kind == Bulk2ResultReader::Kind::Failed                     ? u"/failedResults"_s
                                                                      : u"/unprocessedrecords"_s;
    request({"GET", jobPath(jobId, false) + which, {}, {}, {}, "text/csv"}, context,
            [kind, done = std::move(done)](Result<HttpResponse> response) {
                if (!response)
                    return done(response.error());
                done(Bulk2ResultReader::read(response->body, kind));
            });
}

void Bulk2Client::createQueryJob(const QString &soql, bool includeDeleted, QObject *context,
                                 Callback<Bulk2Job> done)
{
    const QJsonObject body {{u"operation"_s, includeDeleted ? u"queryAll"_s : u"query"_s},
                            {u"query"_s, soql},
                            {u"contentType"_s, u"CSV"_s},
                            {u"columnDelimiter"_s, u"COMMA"_s},
                            {u"lineEnding"_s, u"LF"_s}};
    jobRequest({"POST", u"/jobs/query"_s, {}, toJson(body)}, context, std::move(done));
}

void Bulk2Client::queryResults(const QString &jobId, const QString &locator, int maxRecords,
                               QObject *context, Callback<Bulk2QueryPage> done)
{
    QStringList query;
    if (!locator.isEmpty())
        query.append(u"locator="_s + enc(locator));
    if (maxRecords > 0)
        query.append(u"maxRecords="_s + QString::number(maxRecords));
    request({"GET",
             jobPath(jobId, true) + u"/results"_s,
             query.join(u'&'),
             {},
             {},
             "text/csv",
             kMaxResultsPageBytes},
            context, [done = std::move(done)](Result<HttpResponse> response) {
                if (!response)
                    return done(response.error());
                Result<Bulk2Table> table = Bulk2ResultReader::readTable(response->body);
                if (!table)
                    return done(table.error());
                Bulk2QueryPage page;
                page.table = std::move(*table);
                const QByteArray next = response->header("Sforce-Locator").trimmed();
                // Only the literal "null" ends the results (an absent header would loop).
                if (next.isEmpty())
                    return done(Error {u"unexpected_response"_s,
                                       u"A Bulk query results page came without its "
                                       u"Sforce-Locator header."_s,
                                       response->status, false});
                if (next != "null")
                    page.locator = QString::fromLatin1(next);
                done(std::move(page));
            });
}

void Bulk2Client::ingest(const Bulk2JobSpec &spec, const QByteArray &csv, QObject *context,
                         std::function<Result<void>(const Bulk2Job &)> onCreated,
                         Callback<Bulk2IngestOutcome> done)
{
    QPointer<QObject> guard(context ? context : this);
    createIngestJob(
        spec, guard,
        [this, guard, csv, onCreated = std::move(onCreated),
         done = std::move(done)](Result<Bulk2Job> job) mutable {
            if (!guard)
                return;
            if (!job)
                return done(job.error());
            const QString id = job->id;
            if (onCreated) {
                if (auto kept = onCreated(*job); !kept) {
                    // Not kept: nothing may be uploaded that a restart would not know of.
                    abortJob(id, false, guard, [](Result<Bulk2Job>) {});
                    return done(kept.error());
                }
            }
            upload(id, csv, guard, [this, guard, id, done = std::move(done)](Result<void> up) {
                if (!guard)
                    return;
                if (!up)
                    return done(up.error());
                closeJob(id, guard, [this, guard, done](Result<Bulk2Job> closed) {
                    if (!guard)
                        return;
                    if (!closed)
                        return done(closed.error());
                    collect(closed->id, guard, done);
                });
            });
        });
}

void Bulk2Client::collect(const QString &jobId, QObject *context, Callback<Bulk2IngestOutcome> done)
{
    QPointer<QObject> guard(context ? context : this);
    m_poller.poll(
        jobId, false, guard, [this](const Bulk2Job &job) { emit ingestPolled(job); },
        [this, guard, done = std::move(done)](Result<Bulk2Job> job) {
            if (!job)
                return done(job.error());
            emit ingestPolled(*job);
            fetchResults(*job, guard, done);
        });
}

void Bulk2Client::fetchResults(const Bulk2Job &job, QObject *context,
                               Callback<Bulk2IngestOutcome> done)
{
    // One after the other: three result sets, each a request.
    auto outcome = std::make_shared<Bulk2IngestOutcome>();
    outcome->job = job;
    QPointer<QObject> guard(context);
    using Kind = Bulk2ResultReader::Kind;
    ingestResults(job.id, Kind::Successful, guard,
                  [this, guard, outcome, done](Result<QList<Bulk2RowResult>> ok) {
                      if (!ok)
                          return done(ok.error());
                      outcome->successful = std::move(*ok);
                      ingestResults(
                          outcome->job.id, Kind::Failed, guard,
                          [this, guard, outcome, done](Result<QList<Bulk2RowResult>> failed) {
                              if (!failed)
                                  return done(failed.error());
                              outcome->failed = std::move(*failed);
                              ingestResults(outcome->job.id, Kind::Unprocessed, guard,
                                            [outcome, done](Result<QList<Bulk2RowResult>> rest) {
                                                if (!rest)
                                                    return done(rest.error());
                                                outcome->unprocessed = std::move(*rest);
                                                done(std::move(*outcome));
                                            });
                          });
                  });
}

void Bulk2Client::queryEach(const QString &soql, bool includeDeleted, int maxRecords,
                            QObject *context, std::function<bool(const Bulk2QueryPage &)> onPage,
                            Callback<qint64> done)
{
    QPointer<QObject> guard(context ? context : this);
    createQueryJob(soql, includeDeleted, guard,
                   [this, guard, maxRecords, onPage = std::move(onPage),
                    done = std::move(done)](Result<Bulk2Job> job) mutable {
                       if (!job)
                           return done(job.error());
                       m_poller.poll(job->id, true, guard, {},
                                     [this, guard, maxRecords, onPage = std::move(onPage),
                                      done = std::move(done)](Result<Bulk2Job> finished) mutable {
                                         if (!finished)
                                             return done(finished.error());
                                         if (finished->state != Bulk2Job::State::JobComplete)
                                             return done(
                                                 Error {u"bulk_job_failed"_s,
                                                        u"Bulk query job %1 ended %2."_s.arg(
                                                            finished->id, finished->stateName),
                                                        0, true});
                                         queryPageStep(finished->id, {}, maxRecords, guard,
                                                       std::move(onPage), 0, std::move(done));
                                     });
                   });
}

void Bulk2Client::queryPageStep(const QString &jobId, const QString &locator, int maxRecords,
                                QObject *context,
                                std::function<bool(const Bulk2QueryPage &)> onPage,
                                qint64 delivered, Callback<qint64> done)
{
    QPointer<QObject> guard(context);
    queryResults(jobId, locator, maxRecords, guard,
                 [this, guard, jobId, maxRecords, onPage = std::move(onPage), delivered,
                  done = std::move(done)](Result<Bulk2QueryPage> page) mutable {
                     if (!page)
                         return done(page.error());
                     const qint64 total = delivered + page->table.rows.size();
                     if (!onPage(*page) || page->locator.isEmpty())
                         return done(total);
                     queryPageStep(jobId, page->locator, maxRecords, guard, std::move(onPage),
                                   total, std::move(done));
                 });
}

} // namespace lb::salesforce
