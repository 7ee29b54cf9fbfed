#pragma once

#include "SalesforceConfig.h"
#include "SalesforceTypes.h"
#include "model/ApiLimits.h"
#include "net/HttpClient.h"
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
// `Sforce-Call-Options: client=<callOptionsClient>`; gzip answers are decoded by HttpClient.
//
// Failures are lb::Error with code = Salesforce's errorCode/statusCode/OAuth error, or
// "network", "timeout", "host_not_allowed", "insecure_url", "response_too_large",
// "undecodable_response", "http_<status>",
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

    // --- SOQL
    void query(const QString &soql, QObject *context, Callback<QueryPage> done);
    void queryAll(const QString &soql, QObject *context, Callback<QueryPage> done); // +deleted
    // GET of a page's nextRecordsUrl (a /services/data/ path on the instance).
    void queryMore(const QString &nextRecordsUrl, QObject *context, Callback<QueryPage> done);

    // --- sObject Collections (<= 200 records per call, results in request order)
    void createCollection(const QString &sobject, const QList<QJsonObject> &records, bool allOrNone,
                          QObject *context, Callback<QList<RecordResult>> done);
    // Every record needs its Id (or id).
    void updateCollection(const QString &sobject, const QList<QJsonObject> &records, bool allOrNone,
                          QObject *context, Callback<QList<RecordResult>> done);
    void deleteCollection(const QStringList &ids, bool allOrNone, QObject *context,
                          Callback<QList<RecordResult>> done);

    // --- Composite
    // Up to 5 Collections upserts (<= 1,000 records) in ONE Composite request = one API call.
    // Each batch's results come back in its record order; a subrequest that failed as a whole
    // (e.g. 400, 503) gives each of its records that subrequest's errors.
    void compositeUpsert(const QString &sobject, const QString &extIdField,
                         const QList<QList<QJsonObject>> &batches, QObject *context,
                         Callback<QList<QList<RecordResult>>> done);

    // --- Limits
    void limits(QObject *context, Callback<ApiLimits> done);

    // --- Other API families on the same session, allowlist and limits (Bulk API 2.0).
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
        qint64 maxResponseBytes = HttpRequest::DefaultMaxResponseBytes;
    };
    void sendRaw(RawRequest request, QObject *context,
                 std::function<void(Result<HttpResponse>)> done);

signals:
    // Every Sforce-Limit-Info header (error answers too) and every /limits, merged.
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
        qint64 maxResponseBytes = HttpRequest::DefaultMaxResponseBytes;
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
    // Generic Composite (<= 25 subrequests), the carrier of compositeUpsert. Answers in
    // request order.
    void composite(const QList<CompositeSubrequest> &subrequests, bool allOrNone, QObject *context,
                   Callback<QList<CompositeSubresponse>> done);
    // "/services/data/v62.0" + resource
    QString apiPath(const QString &resource) const;

    HttpClient &m_http;
    SalesforceSession &m_session;
    SalesforceConfig m_config;
    const Clock *m_clock;
    ApiLimits m_limits;
};

} // namespace lb::salesforce
