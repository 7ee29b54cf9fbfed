#pragma once

#include "SalesforceConfig.h"
#include "SalesforceTypes.h"
#include "model/ApiLimits.h"
#include "util/Result.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace lb {
class Clock;
class HttpClient;
struct HttpResponse;
} // namespace lb

namespace lb::salesforce {

class SalesforceSession;

// The Salesforce REST API for LeadBridge (SALESFORCE_API.md sections 3-6, 9, 13, checklist
// 14). Asynchronous only: every method answers once through its callback, on this thread,
// unless `context` is destroyed first (then nothing is called). Every request goes through
// the injected HttpClient (host allowlist, no redirects, TLS errors never ignored) and carries
// `Sforce-Call-Options: client=<callOptionsClient>`; gzip answers are decompressed by Qt.
//
// Failures are lb::Error with code = Salesforce's errorCode/statusCode/OAuth error, or
// "network", "timeout", "host_not_allowed", "insecure_url", "http_<status>",
// "unexpected_response", "too_many_records", "bad_argument"; httpStatus and retryable are set
// (ErrorClassification). Per-record failures of Collections calls stay in RecordResult.
// A 401 INVALID_SESSION_ID refreshes the token once (shared with concurrent calls) and replays
// the request once. One client per thread, like its HttpClient and session.
class SalesforceClient : public QObject
{
    Q_OBJECT
public:
    template<typename T> using Callback = std::function<void(Result<T>)>;

    static constexpr int kMaxCollectionRecords = 200;
    static constexpr int kMaxCompositeCollections = 5;
    static constexpr int kMaxCompositeSubrequests = 25;

    SalesforceClient(HttpClient &http, SalesforceSession &session, SalesforceConfig config,
                     QObject *parent = nullptr);
    ~SalesforceClient() override;

    void setClock(const Clock &clock) { m_clock = &clock; }
    const SalesforceConfig &config() const { return m_config; }
    SalesforceSession &session() { return m_session; }
    // "/services/data/v62.0" + resource
    QString apiPath(const QString &resource) const;

    void authenticate(QObject *context, Callback<void> done);

    // --- sObject rows
    // POST /sobjects/{sobject}/ -> the new id.
    void create(const QString &sobject, const QJsonObject &fields, QObject *context,
                Callback<QString> done);
    // GET /sobjects/{sobject}/{id}[?fields=...]
    void get(const QString &sobject, const QString &id, const QStringList &fields, QObject *context,
             Callback<QJsonObject> done);
    // GET /sobjects/{sobject}/{extIdField}/{extId}; 300 (several match) is an error.
    void getByExternalId(const QString &sobject, const QString &extIdField, const QString &extId,
                         const QStringList &fields, QObject *context, Callback<QJsonObject> done);
    void update(const QString &sobject, const QString &id, const QJsonObject &fields,
                QObject *context, Callback<void> done);
    // DELETE /sobjects/{sobject}/{id}: the record goes to the Recycle Bin (IsDeleted, still
    // seen by queryAll and getDeleted). A second delete fails with ENTITY_IS_DELETED (404).
    // (Undelete is not part of the REST API; users do it in the Recycle Bin.)
    void remove(const QString &sobject, const QString &id, QObject *context, Callback<void> done);
    // PATCH /sobjects/{sobject}/{extIdField}/{extId}: 201 created, 200/204 updated; 300 ->
    // MULTIPLE_CHOICES (several records carry the external id), 404 -> NOT_FOUND.
    void upsert(const QString &sobject, const QString &extIdField, const QString &extId,
                const QJsonObject &fields, QObject *context, Callback<UpsertOutcome> done);

    // --- SOQL
    void query(const QString &soql, QObject *context, Callback<QueryPage> done);
    void queryAll(const QString &soql, QObject *context, Callback<QueryPage> done); // +deleted
    // GET of a page's nextRecordsUrl (a /services/data/ path on the instance).
    void queryMore(const QString &nextRecordsUrl, QObject *context, Callback<QueryPage> done);
    // Follows nextRecordsUrl until done. `onPage` sees every page and may return false to stop;
    // `done` gets the number of records delivered.
    void queryEach(const QString &soql, bool includeDeleted, QObject *context,
                   std::function<bool(const QueryPage &)> onPage, Callback<qint64> done);

    // GET /sobjects/{sobject}/deleted/?start=&end= (whole seconds, start <= end): the records
    // deleted in the window, merged-away ones included.
    void getDeleted(const QString &sobject, qint64 startMs, qint64 endMs, QObject *context,
                    Callback<DeletedRecords> done);

    // --- sObject Collections (<= 200 records per call, results in request order)
    void createCollection(const QString &sobject, const QList<QJsonObject> &records, bool allOrNone,
                          QObject *context, Callback<QList<RecordResult>> done);
    // Every record needs its Id (or id).
    void updateCollection(const QString &sobject, const QList<QJsonObject> &records, bool allOrNone,
                          QObject *context, Callback<QList<RecordResult>> done);
    void upsertCollection(const QString &sobject, const QString &extIdField,
                          const QList<QJsonObject> &records, bool allOrNone, QObject *context,
                          Callback<QList<RecordResult>> done);
    void deleteCollection(const QStringList &ids, bool allOrNone, QObject *context,
                          Callback<QList<RecordResult>> done);
    // POST /composite/sobjects/{sobject} {"ids","fields"}: records in id order; an empty
    // object where Salesforce answered null (unknown or inaccessible id).
    void getCollection(const QString &sobject, const QStringList &ids, const QStringList &fields,
                       QObject *context, Callback<QList<QJsonObject>> done);

    // --- Composite
    // Up to 5 Collections upserts (<= 1,000 records) in ONE Composite request = one API call.
    // Each batch's results come back in its record order; a subrequest that failed as a whole
    // (e.g. 400, 503) gives each of its records that subrequest's errors.
    void compositeUpsert(const QString &sobject, const QString &extIdField,
                         const QList<QList<QJsonObject>> &batches, QObject *context,
                         Callback<QList<QList<RecordResult>>> done);
    // Generic Composite (<= 25 subrequests, @{ref.field} references). Answers in request order.
    void composite(const QList<CompositeSubrequest> &subrequests, bool allOrNone, QObject *context,
                   Callback<QList<CompositeSubresponse>> done);

    // --- Limits and platform events
    void limits(QObject *context, Callback<ApiLimits> done);
    // POST /sobjects/{eventName}/ -> the publish id. OPERATION_ENQUEUED is success.
    void publishEvent(const QString &eventName, const QJsonObject &fields, QObject *context,
                      Callback<QString> done);

    // --- Other API families on the same session, allowlist and call count (Bulk API 2.0).
    // `resource` is below apiPath() and already percent-encoded, like `query`. The answer is
    // the HTTP response as it came (any status; 401 refreshes and replays once as above), or
    // the error of a request that got no answer.
    struct RawRequest
    {
        QByteArray method;
        QString resource;
        QString query;
        QByteArray body;
        QByteArray contentType = "application/json";
        QByteArray accept = "application/json";
    };
    void sendRaw(RawRequest request, QObject *context,
                 std::function<void(Result<HttpResponse>)> done);

    // The latest view of the allowance (Sforce-Limit-Info merged with the last /limits).
    ApiLimits lastLimits() const { return m_limits; }
    // REST requests that got an HTTP answer (each is one API call for Salesforce's count).
    quint64 apiCalls() const { return m_apiCalls; }

signals:
    void limitsObserved(const lb::ApiLimits &limits);
    void authenticationFailed(const lb::Error &error);

private:
    struct Call
    {
        QByteArray method;
        QString path; // already percent-encoded
        QString query; // already percent-encoded, without '?'
        QByteArray body;
        bool identityEncoding = false; // ask for an uncompressed answer
        QByteArray contentType = "application/json";
        QByteArray accept = "application/json";
    };
    using RawCallback = std::function<void(Result<HttpResponse>)>;

    void send(Call call, QObject *context, RawCallback done);
    void dispatch(const Call &call, const QPointer<QObject> &guard, RawCallback done,
                  bool replayed);
    void observeLimits(const HttpResponse &response);
    template<typename T> void failLater(QObject *context, Callback<T> done, Error error);
    void collection(const QByteArray &method, const QString &path, const QString &sobject,
                    const QList<QJsonObject> &records, bool allOrNone, QObject *context,
                    Callback<QList<RecordResult>> done);
    void queryResource(const QString &resource, const QString &soql, QObject *context,
                       Callback<QueryPage> done);
    void queryStep(const QPointer<QObject> &guard, std::function<bool(const QueryPage &)> onPage,
                   qint64 delivered, Callback<qint64> done, Result<QueryPage> page);

    HttpClient &m_http;
    SalesforceSession &m_session;
    SalesforceConfig m_config;
    const Clock *m_clock;
    ApiLimits m_limits;
    quint64 m_apiCalls = 0;
};

} // namespace lb::salesforce
