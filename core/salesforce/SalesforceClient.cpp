#include "SalesforceClient.h"

#include "ApiLimitsParser.h"
#include "ErrorEnvelope.h"
#include "ResponseParser.h"
#include "SalesforceSession.h"
#include "log/Logging.h"
#include "net/HttpClient.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

namespace {

QString enc(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

// sObject and field API names; checked so a name can never change the request path.
bool isApiName(const QString &name)
{
    static const QRegularExpression re(u"^[A-Za-z][A-Za-z0-9_]{0,79}$"_s);
    return re.match(name).hasMatch();
}

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Error badArgument(const QString &message)
{
    return Error {u"bad_argument"_s, message, 0, false};
}

Error badName(const QString &what, const QString &name)
{
    return badArgument(u"\"%1\" is not a valid %2 API name."_s.arg(name, what));
}

Error tooMany(qsizetype count, int max)
{
    return Error {u"too_many_records"_s,
                  u"%1 records in one call; Salesforce accepts at most %2."_s.arg(count).arg(max),
                  0, false};
}

QJsonObject withType(QJsonObject record, const QString &sobject)
{
    if (!record.value("attributes"_L1).toObject().contains("type"_L1)) {
        QJsonObject attributes = record.value("attributes"_L1).toObject();
        attributes.insert(u"type"_s, sobject);
        record.insert(u"attributes"_s, attributes);
    }
    return record;
}

QJsonArray typedRecords(const QList<QJsonObject> &records, const QString &sobject)
{
    QJsonArray out;
    for (const QJsonObject &r : records)
        out.append(withType(r, sobject));
    return out;
}

bool isSessionRejected(const HttpResponse &r)
{
    const QList<SfError> items = ErrorEnvelope::parse(r.body);
    if (items.isEmpty())
        return true; // a bare 401: the token is the only credential we send
    return std::any_of(items.begin(), items.end(),
                       [](const SfError &e) { return e.code == "INVALID_SESSION_ID"_L1; });
}

// HttpClient decodes gzip/deflate answers; a body that is not what its Content-Encoding says
// (or a cut stream) ends as "undecodable_response" on an otherwise answered request.
bool isUndecodable(const HttpResponse &r)
{
    return r.reachedServer() && r.errorCode == "undecodable_response"_L1;
}

// Reports the failure of a call (not sent, or a non-2xx answer) and returns true.
template<typename T>
bool reportFailure(const Result<HttpResponse> &r, const SalesforceClient::Callback<T> &done)
{
    if (!r) {
        done(r.error());
        return true;
    }
    if (!r->isSuccess()) {
        done(ErrorEnvelope::toError(*r));
        return true;
    }
    return false;
}

Error withStatus(Error e, int status)
{
    e.httpStatus = status;
    return e;
}

} // namespace

SalesforceClient::SalesforceClient(HttpClient &http, SalesforceSession &session,
                                   SalesforceConfig config, QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_session(session)
    , m_config(std::move(config))
    , m_clock(&Clock::system())
{
    m_limits.system = u"salesforce"_s;
    connect(&m_session, &SalesforceSession::authenticationFailed, this,
            &SalesforceClient::authenticationFailed);
}

SalesforceClient::~SalesforceClient() = default;

QString SalesforceClient::apiPath(const QString &resource) const
{
    return u"/services/data/v"_s + m_config.apiVersion + resource;
}

template<typename T>
void SalesforceClient::failLater(QObject *context, Callback<T> done, Error error)
{
    QPointer<QObject> guard(context ? context : this);
    QMetaObject::invokeMethod(
        this,
        [guard, done = std::move(done), error = std::move(error)] {
            if (guard)
                done(error);
        },
        Qt::QueuedConnection);
}

// --- transport

void SalesforceClient::send(Call call, QObject *context, RawCallback done)
{
    QPointer<QObject> guard(context ? context : this);
    if (m_session.hasToken() && !m_session.isRefreshing()) {
        dispatch(call, guard, std::move(done), false); // answers asynchronously anyway
        return;
    }
    m_session.ensureToken(
        this,
        [this, call = std::move(call), guard, done = std::move(done)](Result<void> ok) mutable {
            if (!ok) {
                if (guard)
                    done(ok.error());
                return;
            }
            dispatch(call, guard, std::move(done), false);
        });
}

void SalesforceClient::dispatch(const Call &call, const QPointer<QObject> &guard, RawCallback done,
                                bool replayed)
{
    if (!guard)
        return;
    HttpRequest request;
    request.method = call.method;
    request.url = m_session.instanceUrl();
    request.url.setPath(call.path, QUrl::TolerantMode);
    request.url.setQuery(call.query.isEmpty() ? QString() : call.query, QUrl::TolerantMode);
    request.url.setFragment(QString());
    request.body = call.body;
    request.timeoutMs = m_config.timeoutMs;
    request.maxResponseBytes = call.maxResponseBytes;
    const QString token = m_session.accessToken();
    request.setHeader("Authorization", "Bearer " + token.toUtf8());
    request.setHeader("Accept", call.accept);
    if (!m_config.callOptionsClient.isEmpty())
        request.setHeader("Sforce-Call-Options", "client=" + m_config.callOptionsClient.toUtf8());
    if (!call.body.isEmpty())
        request.setHeader("Content-Type", call.contentType);
    if (call.identityEncoding)
        request.setHeader("Accept-Encoding", "identity");
    m_http.send(
        request, this,
        [this, call, guard, done = std::move(done), replayed,
         token](const HttpResponse &r) mutable {
            observeLimits(r);
            if (isUndecodable(r)) {
                // A mislabelled Content-Encoding (restforce#761): a read is asked again
                // uncompressed; a write may have happened, so it is not repeated.
                if (call.method == "GET" && !call.identityEncoding) {
                    qCInfo(lcSalesforce) << "undecodable answer; asking again uncompressed";
                    Call plain = call;
                    plain.identityEncoding = true;
                    dispatch(plain, guard, std::move(done), replayed);
                    return;
                }
                if (guard)
                    done(Error {
                        u"undecodable_response"_s,
                        u"Salesforce's answer (HTTP %1) claimed Content-Encoding %2 but "
                        u"could not be decoded: %3"_s.arg(r.status)
                            .arg(QString::fromLatin1(r.header("Content-Encoding")), r.errorString),
                        r.status, false});
                return;
            }
            if (r.status == 401 && isSessionRejected(r)) {
                if (!replayed) {
                    qCInfo(lcSalesforce) << "session rejected; refreshing once";
                    m_session.refreshAfterRejection(
                        token, this,
                        [this, call, guard, done = std::move(done)](Result<void> ok) mutable {
                            if (!ok) {
                                if (guard)
                                    done(ok.error());
                                return;
                            }
                            dispatch(call, guard, std::move(done), true);
                        });
                    return;
                }
                emit authenticationFailed(ErrorEnvelope::toError(r));
            }
            if (guard)
                done(r);
        });
}

void SalesforceClient::sendRaw(RawRequest request, QObject *context,
                               std::function<void(Result<HttpResponse>)> done)
{
    Call call {request.method, apiPath(request.resource), request.query, std::move(request.body)};
    call.contentType = request.contentType;
    call.accept = request.accept;
    call.maxResponseBytes = request.maxResponseBytes;
    send(std::move(call), context, std::move(done));
}

void SalesforceClient::observeLimits(const HttpResponse &response)
{
    const QByteArray header = response.header("Sforce-Limit-Info");
    if (header.isEmpty())
        return;
    ApiLimits updated = m_limits;
    if (!ApiLimitsParser::parseLimitInfo(header, updated))
        return;
    updated.observedAt = m_clock->nowMs();
    m_limits = updated;
    emit limitsObserved(m_limits);
}

// --- SOQL

void SalesforceClient::queryResource(const QString &resource, const QString &soql, QObject *context,
                                     Callback<QueryPage> done)
{
    if (soql.trimmed().isEmpty())
        return failLater(context, std::move(done), badArgument(u"The query is empty."_s));
    send({"GET", apiPath(resource), u"q="_s + enc(soql), {}}, context,
         [done = std::move(done)](Result<HttpResponse> r) {
             if (reportFailure(r, done))
                 return;
             Result<QueryPage> page = ResponseParser::queryPage(r->body);
             if (!page)
                 return done(withStatus(page.error(), r->status));
             done(std::move(page));
         });
}

void SalesforceClient::query(const QString &soql, QObject *context, Callback<QueryPage> done)
{
    queryResource(u"/query"_s, soql, context, std::move(done));
}

void SalesforceClient::queryAll(const QString &soql, QObject *context, Callback<QueryPage> done)
{
    queryResource(u"/queryAll"_s, soql, context, std::move(done));
}

void SalesforceClient::queryMore(const QString &nextRecordsUrl, QObject *context,
                                 Callback<QueryPage> done)
{
    QString target = nextRecordsUrl;
    const QString instance = m_session.instanceUrl().toString(QUrl::StripTrailingSlash);
    if (!instance.isEmpty() && target.startsWith(instance))
        target = target.mid(instance.size());
    // Only a path on the instance host: a locator must not send the token elsewhere.
    if (!target.startsWith("/services/data/"_L1) || target.contains("/../"_L1)
        || target.contains(u'#'))
        return failLater(context, std::move(done),
                         badArgument(u"\"%1\" is not a query locator URL."_s.arg(nextRecordsUrl)));
    const qsizetype q = target.indexOf(u'?');
    Call call {"GET", q < 0 ? target : target.left(q), q < 0 ? QString() : target.mid(q + 1), {}};
    send(call, context, [done = std::move(done)](Result<HttpResponse> r) {
        if (reportFailure(r, done))
            return;
        Result<QueryPage> page = ResponseParser::queryPage(r->body);
        if (!page)
            return done(withStatus(page.error(), r->status));
        done(std::move(page));
    });
}

// --- Collections

void SalesforceClient::collection(const QByteArray &method, const QString &path,
                                  const QString &sobject, const QList<QJsonObject> &records,
                                  bool allOrNone, QObject *context,
                                  Callback<QList<RecordResult>> done)
{
    if (!isApiName(sobject))
        return failLater(context, std::move(done), badName(u"sObject"_s, sobject));
    if (records.size() > kMaxCollectionRecords)
        return failLater(context, std::move(done), tooMany(records.size(), kMaxCollectionRecords));
    if (records.isEmpty()) {
        QPointer<QObject> guard(context ? context : this);
        QMetaObject::invokeMethod(
            this,
            [guard, done = std::move(done)] {
                if (guard)
                    done(QList<RecordResult> {});
            },
            Qt::QueuedConnection);
        return;
    }
    const QJsonObject body {{u"allOrNone"_s, allOrNone},
                            {u"records"_s, typedRecords(records, sobject)}};
    const qsizetype expected = records.size();
    send({method, path, {}, toJson(body)}, context,
         [done = std::move(done), expected](Result<HttpResponse> r) {
             if (reportFailure(r, done))
                 return;
             Result<QList<RecordResult>> results = ResponseParser::recordResults(r->body, expected);
             if (!results)
                 return done(withStatus(results.error(), r->status));
             done(std::move(results));
         });
}

void SalesforceClient::createCollection(const QString &sobject, const QList<QJsonObject> &records,
                                        bool allOrNone, QObject *context,
                                        Callback<QList<RecordResult>> done)
{
    collection("POST", apiPath(u"/composite/sobjects"_s), sobject, records, allOrNone, context,
               std::move(done));
}

void SalesforceClient::updateCollection(const QString &sobject, const QList<QJsonObject> &records,
                                        bool allOrNone, QObject *context,
                                        Callback<QList<RecordResult>> done)
{
    for (const QJsonObject &r : records) {
        if (r.value("Id"_L1).toString().isEmpty() && r.value("id"_L1).toString().isEmpty())
            return failLater(context, std::move(done),
                             badArgument(u"Every record of a Collections update needs its Id."_s));
    }
    collection("PATCH", apiPath(u"/composite/sobjects"_s), sobject, records, allOrNone, context,
               std::move(done));
}

void SalesforceClient::deleteCollection(const QStringList &ids, bool allOrNone, QObject *context,
                                        Callback<QList<RecordResult>> done)
{
    if (ids.size() > kMaxCollectionRecords)
        return failLater(context, std::move(done), tooMany(ids.size(), kMaxCollectionRecords));
    QStringList encoded;
    for (const QString &id : ids)
        encoded.append(enc(id));
    const QString query
        = u"ids="_s + encoded.join(u',') + u"&allOrNone="_s + (allOrNone ? u"true"_s : u"false"_s);
    const qsizetype expected = ids.size();
    send({"DELETE", apiPath(u"/composite/sobjects"_s), query, {}}, context,
         [done = std::move(done), expected](Result<HttpResponse> r) {
             if (reportFailure(r, done))
                 return;
             Result<QList<RecordResult>> results = ResponseParser::recordResults(r->body, expected);
             if (!results)
                 return done(withStatus(results.error(), r->status));
             done(std::move(results));
         });
}

// --- Composite

void SalesforceClient::composite(const QList<CompositeSubrequest> &subrequests, bool allOrNone,
                                 QObject *context, Callback<QList<CompositeSubresponse>> done)
{
    if (subrequests.isEmpty() || subrequests.size() > kMaxCompositeSubrequests)
        return failLater(context, std::move(done),
                         badArgument(u"A Composite request needs 1 to 25 subrequests."_s));
    QJsonArray list;
    QStringList references;
    for (const CompositeSubrequest &s : subrequests) {
        QJsonObject o {
            {u"method"_s, s.method}, {u"url"_s, s.url}, {u"referenceId"_s, s.referenceId}};
        if (!s.body.isUndefined())
            o.insert(u"body"_s, s.body);
        if (!s.httpHeaders.isEmpty())
            o.insert(u"httpHeaders"_s, s.httpHeaders);
        list.append(o);
        references.append(s.referenceId);
    }
    const QJsonObject body {{u"allOrNone"_s, allOrNone},
                            {u"collateSubrequests"_s, false},
                            {u"compositeRequest"_s, list}};
    send({"POST", apiPath(u"/composite"_s), {}, toJson(body)}, context,
         [done = std::move(done), references](Result<HttpResponse> r) {
             if (reportFailure(r, done))
                 return;
             Result<QList<CompositeSubresponse>> subs
                 = ResponseParser::compositeResponse(r->body, references);
             if (!subs)
                 return done(withStatus(subs.error(), r->status));
             done(std::move(subs));
         });
}

void SalesforceClient::compositeUpsert(const QString &sobject, const QString &extIdField,
                                       const QList<QList<QJsonObject>> &batches, QObject *context,
                                       Callback<QList<QList<RecordResult>>> done)
{
    if (!isApiName(sobject) || !isApiName(extIdField))
        return failLater(context, std::move(done),
                         badName(u"sObject or field"_s, sobject + u'.' + extIdField));
    if (batches.isEmpty() || batches.size() > kMaxCompositeCollections)
        return failLater(context, std::move(done),
                         badArgument(u"A Composite upsert carries 1 to 5 batches."_s));
    QList<CompositeSubrequest> subrequests;
    QList<qsizetype> sizes;
    for (qsizetype i = 0; i < batches.size(); ++i) {
        const QList<QJsonObject> &batch = batches[i];
        if (batch.isEmpty() || batch.size() > kMaxCollectionRecords)
            return failLater(context, std::move(done),
                             batch.isEmpty() ? badArgument(u"An upsert batch is empty."_s)
                                             : tooMany(batch.size(), kMaxCollectionRecords));
        CompositeSubrequest s;
        s.method = u"PATCH"_s;
        s.url = apiPath(u"/composite/sobjects/"_s + sobject + u'/' + extIdField);
        s.referenceId = u"upsert%1"_s.arg(i);
        s.body
            = QJsonObject {{u"allOrNone"_s, false}, {u"records"_s, typedRecords(batch, sobject)}};
        subrequests.append(s);
        sizes.append(batch.size());
    }
    composite(subrequests, false, context,
              [done = std::move(done), sizes](Result<QList<CompositeSubresponse>> subs) {
                  if (!subs)
                      return done(subs.error());
                  QList<QList<RecordResult>> out;
                  for (qsizetype i = 0; i < subs->size(); ++i) {
                      const CompositeSubresponse &sub = subs->at(i);
                      if (sub.isSuccess()) {
                          Result<QList<RecordResult>> results
                              = ResponseParser::recordResults(sub.body, sizes[i]);
                          if (!results)
                              return done(results.error());
                          out.append(*results);
                          continue;
                      }
                      // The whole subrequest failed: every record carries its errors.
                      RecordResult failed;
                      failed.errors = sub.errors;
                      out.append(QList<RecordResult>(sizes[i], failed));
                  }
                  done(out);
              });
}

// --- Limits

void SalesforceClient::limits(QObject *context, Callback<ApiLimits> done)
{
    send({"GET", apiPath(u"/limits"_s), {}, {}}, context,
         [this, done = std::move(done)](Result<HttpResponse> r) {
             if (reportFailure(r, done))
                 return;
             Result<ApiLimits> parsed = ApiLimitsParser::parseLimitsResource(r->body);
             if (!parsed)
                 return done(withStatus(parsed.error(), r->status));
             parsed->observedAt = m_clock->nowMs();
             m_limits = ApiLimitsParser::merged(m_limits, *parsed);
             emit limitsObserved(m_limits);
             done(m_limits);
         });
}

} // namespace lb::salesforce
