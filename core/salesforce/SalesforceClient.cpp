#include "SalesforceClient.h"

#include "LimitInfo.h"
#include "SalesforceErrors.h"
#include "log/Logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUrlQuery>

namespace lb::salesforce {
namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject withType(QJsonObject record, const QString &sobject)
{
    if (!record.contains(QStringLiteral("attributes")))
        record.insert(QStringLiteral("attributes"),
                      QJsonObject {{QStringLiteral("type"), sobject}});
    return record;
}

bool is2xx(int status)
{
    return status >= 200 && status < 300;
}

} // namespace

SalesforceClient::SalesforceClient(HttpClient &http, SalesforceSession &session,
                                   SalesforceConfig config, QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_session(session)
    , m_config(std::move(config))
{
    m_http.setDefaultHeader("Sforce-Call-Options", "client=" + m_config.callOptionsClient.toUtf8());
    m_limits.system = QStringLiteral("salesforce");
    connect(&m_session, &SalesforceSession::authenticationFailed, this,
            &SalesforceClient::authenticationFailed);
}

QString SalesforceClient::dataPath(const QString &rest) const
{
    return QStringLiteral("/services/data/v%1/%2").arg(m_config.apiVersion, rest);
}

QString SalesforceClient::quoteSoql(const QString &value)
{
    QString escaped;
    escaped.reserve(value.size() + 2);
    for (QChar c : value) {
        switch (c.unicode()) {
        case '\\':
            escaped += QLatin1String("\\\\");
            break;
        case '\'':
            escaped += QLatin1String("\\'");
            break;
        case '\n':
            escaped += QLatin1String("\\n");
            break;
        case '\r':
            escaped += QLatin1String("\\r");
            break;
        case '\t':
            escaped += QLatin1String("\\t");
            break;
        default:
            escaped += c;
        }
    }
    return u'\'' + escaped + u'\'';
}

void SalesforceClient::observe(const HttpResponse &response)
{
    if (auto limits = LimitInfo::fromHeader(response.header("Sforce-Limit-Info"),
                                            QDateTime::currentMSecsSinceEpoch())) {
        // Keep the counters /limits reported; the header only carries the main allowance.
        limits->counters.insert(m_limits.counters);
        m_limits = *limits;
        emit limitsObserved(m_limits);
    }
}

void SalesforceClient::call(const QByteArray &method, const QString &pathOrUrl,
                            const QByteArray &body, QObject *context, Raw done,
                            std::function<bool(int)> acceptStatus)
{
    send(method, pathOrUrl, body, QPointer<QObject>(context), std::move(done),
         std::move(acceptStatus), false);
}

void SalesforceClient::send(const QByteArray &method, const QString &pathOrUrl,
                            const QByteArray &body, QPointer<QObject> context, Raw done,
                            std::function<bool(int)> acceptStatus, bool retried)
{
    m_session.token(
        this, [=, this, done = std::move(done)](Result<SalesforceSession::Token> token) mutable {
            if (!context)
                return;
            if (!token) {
                done(token.error());
                return;
            }
            HttpRequest req;
            req.method = method;
            // Paths (and nextRecordsUrl locators) are relative to the instance the token is for.
            req.url = pathOrUrl.startsWith(QLatin1String("http"))
                ? QUrl(pathOrUrl)
                : QUrl(token->instanceUrl.toString(QUrl::StripTrailingSlash) + pathOrUrl);
            req.body = body;
            req.timeoutMs = m_config.timeoutMs;
            req.setHeader("Authorization", "Bearer " + token->accessToken.toUtf8());
            req.setHeader("Accept", "application/json");
            if (!body.isEmpty())
                req.setHeader("Content-Type", "application/json");
            const QString accessToken = token->accessToken;
            m_http.send(req, this,
                        [=, this, done = std::move(done)](const HttpResponse &r) mutable {
                            if (!context)
                                return;
                            observe(r);
                            if (r.status == 401 && !retried) {
                                // Expired or revoked session: one new grant, one replay (reference
                                // section 1.9).
                                qCInfo(lcSalesforce) << "session refused; re-authenticating once";
                                m_session.invalidate(accessToken);
                                send(method, pathOrUrl, body, context, std::move(done),
                                     std::move(acceptStatus), true);
                                return;
                            }
                            if (r.status == 0
                                || !(acceptStatus ? acceptStatus(r.status) : is2xx(r.status))) {
                                done(SalesforceErrors::fromResponse(r));
                                return;
                            }
                            done(r);
                        });
        });
}

void SalesforceClient::authenticate(QObject *context, Callback<void> done)
{
    m_session.token(context, [done = std::move(done)](Result<SalesforceSession::Token> t) {
        if (t)
            done({});
        else
            done(t.error());
    });
}

void SalesforceClient::create(const QString &sobject, const QJsonObject &fields, QObject *context,
                              Callback<QString> done)
{
    call("POST", dataPath(QStringLiteral("sobjects/%1/").arg(sobject)), json(fields), context,
         [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             done(QJsonDocument::fromJson(r->body).object().value(QStringLiteral("id")).toString());
         });
}

void SalesforceClient::get(const QString &sobject, const QString &id, const QStringList &fields,
                           QObject *context, Callback<QJsonObject> done)
{
    QString path = dataPath(QStringLiteral("sobjects/%1/%2")
                                .arg(sobject, QString::fromLatin1(QUrl::toPercentEncoding(id))));
    if (!fields.isEmpty())
        path += QStringLiteral("?fields=")
            + QString::fromLatin1(QUrl::toPercentEncoding(fields.join(u',')));
    call("GET", path, {}, context, [done = std::move(done)](Result<HttpResponse> r) {
        if (!r)
            return done(r.error());
        done(QJsonDocument::fromJson(r->body).object());
    });
}

void SalesforceClient::update(const QString &sobject, const QString &id, const QJsonObject &fields,
                              QObject *context, Callback<void> done)
{
    call("PATCH", dataPath(QStringLiteral("sobjects/%1/%2").arg(sobject, id)), json(fields),
         context, [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             done({});
         });
}

void SalesforceClient::remove(const QString &sobject, const QString &id, QObject *context,
                              Callback<void> done)
{
    call("DELETE", dataPath(QStringLiteral("sobjects/%1/%2").arg(sobject, id)), {}, context,
         [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             done({});
         });
}

void SalesforceClient::upsert(const QString &sobject, const QString &extIdField,
                              const QString &extId, const QJsonObject &fields, QObject *context,
                              Callback<UpsertOutcome> done)
{
    const QString path = dataPath(
        QStringLiteral("sobjects/%1/%2/%3")
            .arg(sobject, extIdField, QString::fromLatin1(QUrl::toPercentEncoding(extId))));
    call(
        "PATCH", path, json(fields), context,
        [done = std::move(done)](Result<HttpResponse> r) {
            if (!r)
                return done(r.error());
            if (r->status == 300) {
                // Several records carry this external id: the body lists their URLs.
                Error e = makeError(QStringLiteral("MULTIPLE_CHOICES"),
                                    QStringLiteral("The external id matches several records: %1")
                                        .arg(QString::fromUtf8(r->body.left(500))));
                e.httpStatus = 300;
                return done(e);
            }
            const QJsonObject o = QJsonDocument::fromJson(r->body).object();
            UpsertOutcome out;
            out.id = o.value(QStringLiteral("id")).toString();
            // 201 created; 200 (v46+) with created:false; 204 (older) updated, no body.
            out.created = r->status == 201 || o.value(QStringLiteral("created")).toBool(false);
            done(out);
        },
        [](int status) {
            return status == 200 || status == 201 || status == 204 || status == 300;
        });
}

QueryPage SalesforceClient::readPage(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    QueryPage page;
    page.totalSize = o.value(QStringLiteral("totalSize")).toInteger();
    page.done = o.value(QStringLiteral("done")).toBool(true);
    page.nextRecordsUrl
        = o.value(QStringLiteral("nextRecordsUrl")).toString(); // absent or null: empty
    for (const QJsonValue &v : o.value(QStringLiteral("records")).toArray())
        page.records.append(v.toObject());
    if (page.done)
        page.nextRecordsUrl.clear();
    return page;
}

void SalesforceClient::query(const QString &soql, QObject *context, Callback<QueryPage> done)
{
    call("GET",
         dataPath(QStringLiteral("query?q=")) + QString::fromLatin1(QUrl::toPercentEncoding(soql)),
         {}, context, [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             done(readPage(r->body));
         });
}

void SalesforceClient::queryAll(const QString &soql, QObject *context, Callback<QueryPage> done)
{
    call("GET",
         dataPath(QStringLiteral("queryAll?q="))
             + QString::fromLatin1(QUrl::toPercentEncoding(soql)),
         {}, context, [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             done(readPage(r->body));
         });
}

void SalesforceClient::queryMore(const QString &nextRecordsUrl, QObject *context,
                                 Callback<QueryPage> done)
{
    call("GET", nextRecordsUrl, {}, context, [done = std::move(done)](Result<HttpResponse> r) {
        if (!r)
            return done(r.error());
        done(readPage(r->body));
    });
}

QList<RecordResult> SalesforceClient::readResults(const QJsonArray &array)
{
    QList<RecordResult> out;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        RecordResult r;
        r.success = o.value(QStringLiteral("success")).toBool();
        r.id = o.value(QStringLiteral("id")).toString();
        r.created = o.value(QStringLiteral("created")).toBool();
        r.errors = SalesforceErrors::parseItems(o.value(QStringLiteral("errors")));
        out.append(r);
    }
    return out;
}

void SalesforceClient::collection(const QByteArray &method, const QString &path,
                                  const QList<QJsonObject> &records, bool allOrNone,
                                  QObject *context, Callback<QList<RecordResult>> done)
{
    if (records.size() > MaxCollection) {
        QMetaObject::invokeMethod(
            context,
            [done = std::move(done)] {
                done(makeError(
                    QStringLiteral("TOO_MANY_RECORDS"),
                    QStringLiteral("sObject Collections take at most 200 records per call.")));
            },
            Qt::QueuedConnection);
        return;
    }
    QJsonArray array;
    for (const QJsonObject &r : records)
        array.append(r);
    call(method, path,
         json({{QStringLiteral("allOrNone"), allOrNone}, {QStringLiteral("records"), array}}),
         context, [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             done(readResults(QJsonDocument::fromJson(r->body).array()));
         });
}

void SalesforceClient::createCollection(const QString &sobject, const QList<QJsonObject> &records,
                                        bool allOrNone, QObject *context,
                                        Callback<QList<RecordResult>> done)
{
    QList<QJsonObject> typed;
    for (const QJsonObject &r : records)
        typed.append(withType(r, sobject));
    collection("POST", dataPath(QStringLiteral("composite/sobjects")), typed, allOrNone, context,
               std::move(done));
}

void SalesforceClient::updateCollection(const QString &sobject, const QList<QJsonObject> &records,
                                        bool allOrNone, QObject *context,
                                        Callback<QList<RecordResult>> done)
{
    QList<QJsonObject> typed;
    for (QJsonObject r : records) {
        if (r.contains(QStringLiteral("Id"))) {
            r.insert(QStringLiteral("id"), r.value(QStringLiteral("Id")));
            r.remove(QStringLiteral("Id"));
        }
        typed.append(withType(r, sobject));
    }
    collection("PATCH", dataPath(QStringLiteral("composite/sobjects")), typed, allOrNone, context,
               std::move(done));
}

void SalesforceClient::upsertCollection(const QString &sobject, const QString &extIdField,
                                        const QList<QJsonObject> &records, bool allOrNone,
                                        QObject *context, Callback<QList<RecordResult>> done)
{
    QList<QJsonObject> typed;
    for (const QJsonObject &r : records)
        typed.append(withType(r, sobject));
    collection("PATCH",
               dataPath(QStringLiteral("composite/sobjects/%1/%2").arg(sobject, extIdField)), typed,
               allOrNone, context, std::move(done));
}

void SalesforceClient::deleteCollection(const QStringList &ids, bool allOrNone, QObject *context,
                                        Callback<QList<RecordResult>> done)
{
    const QString path = dataPath(
        QStringLiteral("composite/sobjects?ids=%1&allOrNone=%2")
            .arg(ids.join(u','), allOrNone ? QStringLiteral("true") : QStringLiteral("false")));
    call("DELETE", path, {}, context, [done = std::move(done)](Result<HttpResponse> r) {
        if (!r)
            return done(r.error());
        done(readResults(QJsonDocument::fromJson(r->body).array()));
    });
}

void SalesforceClient::composite(const QJsonArray &subrequests, bool allOrNone, QObject *context,
                                 Callback<QJsonArray> done)
{
    call("POST", dataPath(QStringLiteral("composite")),
         json({{QStringLiteral("allOrNone"), allOrNone},
               {QStringLiteral("compositeRequest"), subrequests}}),
         context, [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             done(QJsonDocument::fromJson(r->body)
                      .object()
                      .value(QStringLiteral("compositeResponse"))
                      .toArray());
         });
}

void SalesforceClient::compositeUpsert(const QString &sobject, const QString &extIdField,
                                       const QList<QList<QJsonObject>> &batches, QObject *context,
                                       Callback<QList<QList<RecordResult>>> done)
{
    if (batches.isEmpty() || batches.size() > MaxCollectionsPerComposite) {
        QMetaObject::invokeMethod(
            context,
            [done = std::move(done)] {
                done(makeError(
                    QStringLiteral("TOO_MANY_SUBREQUESTS"),
                    QStringLiteral("A Composite request carries 1 to 5 Collections subrequests.")));
            },
            Qt::QueuedConnection);
        return;
    }
    QJsonArray subrequests;
    for (int i = 0; i < batches.size(); ++i) {
        QJsonArray records;
        for (const QJsonObject &r : batches.at(i))
            records.append(withType(r, sobject));
        subrequests.append(QJsonObject {
            {QStringLiteral("method"), QStringLiteral("PATCH")},
            {QStringLiteral("url"),
             dataPath(QStringLiteral("composite/sobjects/%1/%2").arg(sobject, extIdField))},
            {QStringLiteral("referenceId"), QStringLiteral("batch%1").arg(i)},
            {QStringLiteral("body"),
             QJsonObject {{QStringLiteral("allOrNone"), false},
                          {QStringLiteral("records"), records}}}});
    }
    QList<int> sizes;
    for (const auto &b : batches)
        sizes.append(int(b.size()));
    composite(subrequests, false, context, [done = std::move(done), sizes](Result<QJsonArray> r) {
        if (!r)
            return done(r.error());
        if (r->size() != sizes.size())
            return done(
                makeError(QStringLiteral("COMPOSITE_MISMATCH"),
                          QStringLiteral("Composite answered %1 subresponses for %2 subrequests.")
                              .arg(r->size())
                              .arg(sizes.size())));
        QList<QList<RecordResult>> out;
        for (int i = 0; i < sizes.size(); ++i) {
            const QJsonObject sub = r->at(i).toObject();
            const int status = sub.value(QStringLiteral("httpStatusCode")).toInt();
            if (status >= 200 && status < 300) {
                out.append(readResults(sub.value(QStringLiteral("body")).toArray()));
                continue;
            }
            // The whole subrequest failed: each of its records carries that error.
            RecordResult failed;
            failed.errors = SalesforceErrors::parseItems(sub.value(QStringLiteral("body")));
            if (failed.errors.isEmpty())
                failed.errors.append(SfError {QStringLiteral("HTTP_%1").arg(status),
                                              QStringLiteral("The subrequest failed."),
                                              {}});
            out.append(QList<RecordResult>(sizes.at(i), failed));
        }
        done(out);
    });
}

void SalesforceClient::limits(QObject *context, Callback<ApiLimits> done)
{
    call("GET", dataPath(QStringLiteral("limits")), {}, context,
         [this, done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             m_limits = LimitInfo::fromLimitsResource(QJsonDocument::fromJson(r->body).object(),
                                                      QDateTime::currentMSecsSinceEpoch());
             emit limitsObserved(m_limits);
             done(m_limits);
         });
}

void SalesforceClient::publishEvent(const QString &eventName, const QJsonObject &fields,
                                    QObject *context, Callback<QString> done)
{
    call("POST", dataPath(QStringLiteral("sobjects/%1").arg(eventName)), json(fields), context,
         [done = std::move(done)](Result<HttpResponse> r) {
             if (!r)
                 return done(r.error());
             const QJsonObject o = QJsonDocument::fromJson(r->body).object();
             if (!o.value(QStringLiteral("success")).toBool())
                 return done(makeError(QStringLiteral("PUBLISH_FAILED"),
                                       QString::fromUtf8(r->body.left(500))));
             done(o.value(QStringLiteral("id")).toString());
         });
}

} // namespace lb::salesforce
