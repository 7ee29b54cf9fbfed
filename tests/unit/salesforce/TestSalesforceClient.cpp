#include "AsyncResult.h"
#include "FakeSalesforce.h"
#include "net/HttpClient.h"
#include "salesforce/SalesforceClient.h"
#include "salesforce/SalesforceSession.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

namespace {

const QByteArray kLead18 = "00Q5g00000AbCdEEAV";

QJsonObject lead(const QString &key)
{
    return {
        {u"Platform_Lead_Id__c"_s, key}, {u"LastName"_s, u"Nguyen"_s}, {u"Company"_s, u"Acme"_s}};
}

QList<QJsonObject> leads(int n, int offset = 0)
{
    QList<QJsonObject> out;
    for (int i = 0; i < n; ++i)
        out.append(lead(u"L-%1"_s.arg(offset + i)));
    return out;
}

QByteArray results(int n)
{
    QJsonArray a;
    for (int i = 0; i < n; ++i)
        a.append(QJsonObject {{u"id"_s, QString::fromLatin1(kLead18)},
                              {u"success"_s, true},
                              {u"errors"_s, QJsonArray()},
                              {u"created"_s, true}});
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

} // namespace

// SalesforceClient against a scripted fake: every endpoint's method, path and body, the
// answers of SALESFORCE_API.md (Collections and Composite results, paging, error envelopes, limits
// headers, gzip) and the session handling (one refresh and replay on INVALID_SESSION_ID).
class TestSalesforceClient : public QObject
{
    Q_OBJECT

    FakeSalesforce m_fake;
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<SalesforceSession> m_session;
    std::unique_ptr<SalesforceClient> m_client;
    std::function<FakeReply(const FakeRequest &)> m_rest;
    int m_issued = 0;
    bool m_grantFails = false;
    QString m_instanceOverride;
    QStringList m_rejectedTokens; // answered 401 INVALID_SESSION_ID

    QList<FakeRequest> restRequests() const
    {
        QList<FakeRequest> out;
        for (const FakeRequest &r : m_fake.requests) {
            if (!r.path.startsWith(u"/services/oauth2/"_s))
                out.append(r);
        }
        return out;
    }
    int tokenRequests() const { return m_fake.countPath(u"/services/oauth2/token"_s); }

    void makeClient(int timeoutMs = 60'000)
    {
        SalesforceConfig c;
        c.loginUrl = m_fake.url();
        c.flow = AuthFlow::Password;
        c.clientId = u"cid"_s;
        c.username = u"u@example.com"_s;
        c.timeoutMs = timeoutMs;
        SalesforceSecrets s;
        s.clientSecret = u"secret"_s;
        s.password = u"pw"_s;
        m_client.reset();
        m_session = std::make_unique<SalesforceSession>(*m_http, c, s);
        m_client = std::make_unique<SalesforceClient>(*m_http, *m_session, c);
    }

    // Runs one client operation by name and says whether it succeeded.
    bool run(const QString &op, Error *error = nullptr)
    {
        auto finish = [error](auto &r) -> bool {
            if (!r.wait())
                return false;
            if (!r.get().ok() && error)
                *error = r.get().error();
            return r.get().ok();
        };
        SalesforceClient &c = *m_client;
        if (op == "query"_L1 || op == "queryAll"_L1) {
            AsyncResult<QueryPage> r;
            if (op == "query"_L1)
                c.query(u"SELECT Id FROM Lead"_s, this, r.callback());
            else
                c.queryAll(u"SELECT Id FROM Lead"_s, this, r.callback());
            return finish(r);
        }
        if (op == "queryMore"_L1) {
            AsyncResult<QueryPage> r;
            c.queryMore(u"/services/data/v62.0/query/01gB000003OCxSPIA1-2000"_s, this,
                        r.callback());
            return finish(r);
        }
        if (op.endsWith("Collection"_L1)) {
            AsyncResult<QList<RecordResult>> r;
            if (op == "createCollection"_L1)
                c.createCollection(u"Lead"_s, leads(2), false, this, r.callback());
            else if (op == "updateCollection"_L1)
                c.updateCollection(u"Lead"_s,
                                   {{{u"Id"_s, QString::fromLatin1(kLead18)}},
                                    {{u"id"_s, QString::fromLatin1(kLead18)}}},
                                   true, this, r.callback());
            else
                c.deleteCollection({QString::fromLatin1(kLead18), QString::fromLatin1(kLead18)},
                                   false, this, r.callback());
            return finish(r);
        }
        if (op == "compositeUpsert"_L1) {
            AsyncResult<QList<QList<RecordResult>>> r;
            c.compositeUpsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, {leads(2), leads(2, 2)}, this,
                              r.callback());
            return finish(r);
        }
        if (op == "limits"_L1) {
            AsyncResult<ApiLimits> r;
            c.limits(this, r.callback());
            return finish(r);
        }
        qFatal("unknown op");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fake.listenLoopback());
        m_http
            = std::make_unique<HttpClient>(&m_nam, HostAllowlist({u"127.0.0.1"_s, u"localhost"_s}));
        m_fake.setHandler([this](const FakeRequest &req) {
            if (req.path == "/services/oauth2/token"_L1) {
                if (m_grantFails)
                    return FakeReply::json(400,
                                           "{\"error\":\"invalid_grant\","
                                           "\"error_description\":\"authentication "
                                           "failure\"}");
                ++m_issued;
                const QString instance
                    = m_instanceOverride.isEmpty() ? m_fake.url().toString() : m_instanceOverride;
                return FakeReply::json(200,
                                       "{\"access_token\":\"tok-" + QByteArray::number(m_issued)
                                           + "\",\"instance_url\":\"" + instance.toUtf8()
                                           + "\",\"id\":\"x\",\"issued_at\":\"1\"}");
            }
            const QByteArray auth = req.header("Authorization");
            if (m_rejectedTokens.contains(QString::fromLatin1(auth.mid(7))))
                return FakeReply::json(401,
                                       "[{\"message\":\"Session expired or invalid\","
                                       "\"errorCode\":\"INVALID_SESSION_ID\"}]")
                    .header("Sforce-Limit-Info", "api-usage=9/15000");
            return m_rest ? m_rest(req) : FakeReply::json(404, "[]");
        });
    }

    void init()
    {
        m_fake.requests.clear();
        m_issued = 0;
        m_grantFails = false;
        m_rest = nullptr;
        m_instanceOverride.clear();
        m_rejectedTokens.clear();
        makeClient();
    }

    void everyEndpoint_data()
    {
        QTest::addColumn<QString>("op");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("bodyCheck"); // a JSON fragment the request body must hold

        const QByteArray page = "{\"totalSize\":1,\"done\":true,\"records\":[{\"Id\":\"x\"}]}";
        QTest::newRow("query") << u"query"_s << 200 << page << QByteArray("GET")
                               << u"/services/data/v62.0/query"_s
                               << u"q=SELECT%20Id%20FROM%20Lead"_s << QString();
        QTest::newRow("queryAll") << u"queryAll"_s << 200 << page << QByteArray("GET")
                                  << u"/services/data/v62.0/queryAll"_s
                                  << u"q=SELECT%20Id%20FROM%20Lead"_s << QString();
        QTest::newRow("queryMore")
            << u"queryMore"_s << 200 << page << QByteArray("GET")
            << u"/services/data/v62.0/query/01gB000003OCxSPIA1-2000"_s << QString() << QString();
        QTest::newRow("createCollection")
            << u"createCollection"_s << 200 << results(2) << QByteArray("POST")
            << u"/services/data/v62.0/composite/sobjects"_s << QString()
            << u"\"allOrNone\":false"_s;
        QTest::newRow("updateCollection")
            << u"updateCollection"_s << 200 << results(2) << QByteArray("PATCH")
            << u"/services/data/v62.0/composite/sobjects"_s << QString() << u"\"allOrNone\":true"_s;
        QTest::newRow("deleteCollection")
            << u"deleteCollection"_s << 200 << results(2) << QByteArray("DELETE")
            << u"/services/data/v62.0/composite/sobjects"_s
            << u"ids=00Q5g00000AbCdEEAV,00Q5g00000AbCdEEAV&allOrNone=false"_s << QString();
        QTest::newRow("compositeUpsert")
            << u"compositeUpsert"_s << 200
            << QByteArray("{\"compositeResponse\":[{\"body\":" + results(2)
                          + ",\"httpHeaders\":{},\"httpStatusCode\":200,\"referenceId\":"
                            "\"upsert1\"},{\"body\":"
                          + results(2)
                          + ",\"httpHeaders\":{},\"httpStatusCode\":200,\"referenceId\":"
                            "\"upsert0\"}]}")
            << QByteArray("POST") << u"/services/data/v62.0/composite"_s << QString()
            << u"\"url\":\"/services/data/v62.0/composite/sobjects/Lead/Platform_Lead_Id__c\""_s;
        QTest::newRow("limits") << u"limits"_s << 200
                                << QByteArray(
                                       "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14990}}")
                                << QByteArray("GET") << u"/services/data/v62.0/limits"_s
                                << QString() << QString();
    }

    void everyEndpoint()
    {
        QFETCH(QString, op);
        QFETCH(int, status);
        QFETCH(QByteArray, answer);
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(QString, bodyCheck);
        m_rest = [&](const FakeRequest &) {
            return (status == 204 ? FakeReply::empty(204) : FakeReply::json(status, answer))
                .header("Sforce-Limit-Info", "api-usage=10/15000");
        };
        QSignalSpy observed(m_client.get(), &SalesforceClient::limitsObserved);
        Error error;
        QVERIFY2(run(op, &error), qPrintable(error.toString()));
        const QList<FakeRequest> rest = restRequests();
        QCOMPARE(rest.size(), 1);
        const FakeRequest &req = rest.constFirst();
        QCOMPARE(req.method, method);
        QCOMPARE(req.path, path);
        QCOMPARE(req.rawQuery, query);
        if (!bodyCheck.isEmpty())
            QVERIFY2(req.body.contains(bodyCheck.toUtf8()), req.body.constData());
        QCOMPARE(req.header("Sforce-Call-Options"), QByteArray("client=LeadBridge"));
        QCOMPARE(req.header("Authorization"), QByteArray("Bearer tok-1"));
        QCOMPARE(req.header("Accept"), QByteArray("application/json"));
        if (!req.body.isEmpty())
            QCOMPARE(req.header("Content-Type"), QByteArray("application/json"));
        // The token request carries the call options too, and happened once.
        QCOMPARE(tokenRequests(), 1);
        QCOMPARE(m_fake.requests.constFirst().header("Sforce-Call-Options"),
                 QByteArray("client=LeadBridge"));
        QVERIFY(!observed.isEmpty());
        QCOMPARE(observed.constLast().constFirst().value<ApiLimits>().max, qint64(15000));
    }

    void queryPaging_data()
    {
        QTest::addColumn<QString>("lastPageStyle");
        QTest::newRow("nextRecordsUrl absent when done") << u"absent"_s;
        QTest::newRow("nextRecordsUrl null when done") << u"null"_s;
    }

    void queryPaging()
    {
        QFETCH(QString, lastPageStyle);
        m_rest = [&](const FakeRequest &req) {
            auto recs = [](int from, int n) {
                QByteArray out;
                for (int i = 0; i < n; ++i)
                    out += (i ? "," : "")
                        + QByteArray("{\"attributes\":{\"type\":\"Lead\"},\"Id\":\"")
                        + QByteArray::number(from + i) + "\"}";
                return out;
            };
            if (req.path.endsWith("/query"_L1))
                return FakeReply::json(200,
                                       "{\"totalSize\":5,\"done\":false,\"nextRecordsUrl\":"
                                       "\"/services/data/v62.0/query/01gB000003OCxSPIA1-2\","
                                       "\"records\":["
                                           + recs(0, 2) + "]}");
            if (req.path.endsWith("-2"_L1))
                return FakeReply::json(200,
                                       "{\"totalSize\":5,\"done\":false,\"nextRecordsUrl\":"
                                       "\"/services/data/v62.0/query/01gB000003OCxSPIA1-4\","
                                       "\"records\":["
                                           + recs(2, 2) + "]}");
            const QByteArray tail = lastPageStyle == "null"_L1 ? ",\"nextRecordsUrl\":null" : "";
            return FakeReply::json(200,
                                   "{\"totalSize\":5,\"done\":true" + tail + ",\"records\":["
                                       + recs(4, 1) + "]}");
        };
        QStringList ids;
        int pages = 0;
        // '+', '&', '#', '%' and quotes must survive the query string.
        const QString soql = u"SELECT Id FROM Lead WHERE Email = 'a+b&c#d%e@x.com'"_s;
        QString next;
        bool done = false;
        while (!done && pages < 10) {
            AsyncResult<QueryPage> r;
            if (pages == 0)
                m_client->query(soql, this, r.callback());
            else
                m_client->queryMore(next, this, r.callback());
            QVERIFY(r.wait());
            QVERIFY(r.get().ok());
            ++pages;
            QCOMPARE(r->value().totalSize, qint64(5));
            for (const QJsonObject &rec : r->value().records)
                ids.append(rec.value(u"Id"_s).toString());
            done = r->value().done;
            next = r->value().nextRecordsUrl;
            QCOMPARE(next.isEmpty(), done);
        }
        QCOMPARE(pages, 3);
        QCOMPARE(ids, (QStringList {u"0"_s, u"1"_s, u"2"_s, u"3"_s, u"4"_s}));
        const QList<FakeRequest> rest = restRequests();
        QCOMPARE(rest.size(), 3);
        QCOMPARE(rest[0].query().value(u"q"_s), soql);
        QCOMPARE(rest[1].path, u"/services/data/v62.0/query/01gB000003OCxSPIA1-2"_s);
        QCOMPARE(rest[2].path, u"/services/data/v62.0/query/01gB000003OCxSPIA1-4"_s);
    }

    void queryPageNotDoneWithoutNextUrlIsAnError()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200, "{\"totalSize\":4,\"done\":false,\"records\":[]}");
        };
        AsyncResult<QueryPage> r;
        m_client->query(u"SELECT Id FROM Lead"_s, this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, u"unexpected_response"_s);
    }

    void queryMoreRefusesForeignUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("other host") << u"https://evil.example/services/data/v62.0/query/01g-2"_s;
        QTest::newRow("other path") << u"/services/oauth2/token"_s;
        QTest::newRow("relative") << u"query/01g-2"_s;
        QTest::newRow("dot segments") << u"/services/data/v62.0/../../id/x"_s;
        QTest::newRow("empty") << QString();
    }

    void queryMoreRefusesForeignUrls()
    {
        QFETCH(QString, url);
        AsyncResult<QueryPage> r;
        m_client->queryMore(url, this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, u"bad_argument"_s);
        QCOMPARE(m_fake.requests.size(), 0);
    }

    void queryMoreAcceptsAbsoluteInstanceUrl()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200, "{\"totalSize\":1,\"done\":true,\"records\":[{}]}");
        };
        AsyncResult<void> auth;
        m_session->authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        AsyncResult<QueryPage> r;
        m_client->queryMore(m_fake.url().toString() + u"/services/data/v62.0/query/01g-2000"_s,
                            this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        QCOMPARE(restRequests().constFirst().path, u"/services/data/v62.0/query/01g-2000"_s);
    }

    void limitInfoHeaderIsObserved_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("status");
        QTest::addColumn<qint64>("used");
        QTest::addColumn<qint64>("max");
        QTest::addColumn<QString>("counter");
        QTest::newRow("success") << QByteArray("api-usage=51/100000") << 200 << qint64(51)
                                 << qint64(100000) << QString();
        QTest::newRow("on an error answer") << QByteArray("api-usage=52/100000") << 400
                                            << qint64(52) << qint64(100000) << QString();
        QTest::newRow("per app") << QByteArray("api-usage=53/100000; per-app-api-usage=17/250("
                                               "appName=LeadBridge)")
                                 << 200 << qint64(53) << qint64(100000)
                                 << u"per-app-api-usage:LeadBridge"_s;
    }

    void limitInfoHeaderIsObserved()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, status);
        QFETCH(qint64, used);
        QFETCH(qint64, max);
        QFETCH(QString, counter);
        m_rest = [&](const FakeRequest &) {
            return FakeReply::json(status,
                                   status == 200 ? QByteArray("{\"totalSize\":0,\"done\":"
                                                              "true,\"records\":[]}")
                                                 : QByteArray("[{\"errorCode\":"
                                                              "\"MALFORMED_QUERY\","
                                                              "\"message\":\"x\"}]"))
                .header("Sforce-Limit-Info", header);
        };
        QSignalSpy observed(m_client.get(), &SalesforceClient::limitsObserved);
        run(u"query"_s);
        QCOMPARE(observed.size(), 1);
        const ApiLimits limits = observed.constFirst().constFirst().value<ApiLimits>();
        QCOMPARE(limits.system, u"salesforce"_s);
        QCOMPARE(limits.used, used);
        QCOMPARE(limits.max, max);
        QVERIFY(limits.observedAt > 0);
        if (!counter.isEmpty())
            QVERIFY(limits.counters.contains(counter));
    }

    void limitsResourceMergesWithTheHeader()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200,
                                   "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":"
                                   "14000,\"LeadBridge\":{\"Max\":0,\"Remaining\":0}},"
                                   "\"DailyBulkApiBatches\":{\"Max\":15000,\"Remaining\":"
                                   "14999}}")
                .header("Sforce-Limit-Info", "api-usage=999/15000");
        };
        QSignalSpy observed(m_client.get(), &SalesforceClient::limitsObserved);
        AsyncResult<ApiLimits> r;
        m_client->limits(this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        QCOMPARE(r->value().used, qint64(1000)); // the body is newer than the header
        QCOMPARE(r->value().counters.value(u"DailyBulkApiBatches"_s).used, qint64(1));
        QCOMPARE(observed.size(), 2); // header, then body
        QCOMPARE(observed.constLast().constFirst().value<ApiLimits>().used, qint64(1000));
    }

    void gzipAnswersAreDecompressed_data()
    {
        QTest::addColumn<bool>("compressed");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("requests");
        QTest::newRow("gzip query page") << true << 200 << 1;
        QTest::newRow("mislabelled empty 204") << false << 204 << 1;
        // A read is asked again without compression.
        QTest::newRow("mislabelled plain json") << false << 200 << 2;
    }

    void gzipAnswersAreDecompressed()
    {
        QFETCH(bool, compressed);
        QFETCH(int, status);
        QFETCH(int, requests);
        m_rest = [&](const FakeRequest &req) {
            if (req.header("Accept-Encoding") == "identity")
                return FakeReply::json(200,
                                       "{\"totalSize\":1,\"done\":true,\"records\":[{"
                                       "\"Name\":\"\\u00c5sa\"}]}");
            FakeReply reply = status == 204
                ? FakeReply::empty(204)
                : FakeReply::json(200,
                                  compressed ? FakeSalesforce::gzippedQueryPage()
                                             : QByteArray("{\"totalSize\":1,\"done\":true,"
                                                          "\"records\":[]}"));
            reply.gzipHeader = true;
            reply.header("Vary", "Accept-Encoding");
            return reply;
        };
        if (status == 204) {
            // An empty answer to a write (a Bulk job's DELETE) through the raw path.
            AsyncResult<HttpResponse> r;
            m_client->sendRaw({"DELETE", u"/jobs/ingest/750x"_s, {}, {}}, this, r.callback());
            QVERIFY(r.wait());
            QVERIFY(r.get().ok());
            QCOMPARE(r->value().status, 204);
        } else {
            AsyncResult<QueryPage> r;
            m_client->query(u"SELECT Id, Name FROM Lead"_s, this, r.callback());
            QVERIFY(r.wait());
            QVERIFY2(r.get().ok(),
                     qPrintable(r.get().ok() ? QString() : r.get().error().toString()));
            QCOMPARE(r->value().records.constFirst().value(u"Name"_s).toString(), u"\u00c5sa"_s);
        }
        // Qt asks for compression itself (and then decompresses) because we never set it.
        QVERIFY(restRequests().constFirst().header("Accept-Encoding").contains("gzip"));
        QCOMPARE(restRequests().size(), requests);
    }

    void undecodableWriteIsNotRepeated()
    {
        m_rest = [](const FakeRequest &) {
            FakeReply reply = FakeReply::json(200, results(2));
            reply.gzipHeader = true;
            return reply;
        };
        Error error;
        QVERIFY(!run(u"createCollection"_s, &error));
        QCOMPARE(error.code, u"undecodable_response"_s);
        QCOMPARE(error.httpStatus, 200);
        QCOMPARE(restRequests().size(), 1);
    }

    void expiredSessionRefreshesOnceAndReplays()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200, "{\"totalSize\":0,\"done\":true,\"records\":[]}");
        };
        AsyncResult<void> auth;
        m_session->authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        m_rejectedTokens = {u"tok-1"_s};
        QSignalSpy failed(m_client.get(), &SalesforceClient::authenticationFailed);
        QVERIFY(run(u"query"_s));
        const QList<FakeRequest> rest = restRequests();
        QCOMPARE(rest.size(), 2);
        QCOMPARE(rest[0].header("Authorization"), QByteArray("Bearer tok-1"));
        QCOMPARE(rest[1].header("Authorization"), QByteArray("Bearer tok-2"));
        QCOMPARE(tokenRequests(), 2);
        QCOMPARE(failed.size(), 0);
    }

    void stillRejectedAfterRefreshFailsOnce()
    {
        m_rejectedTokens = {u"tok-1"_s, u"tok-2"_s, u"tok-3"_s};
        QSignalSpy failed(m_client.get(), &SalesforceClient::authenticationFailed);
        Error error;
        QVERIFY(!run(u"createCollection"_s, &error));
        QCOMPARE(error.code, u"INVALID_SESSION_ID"_s);
        QCOMPARE(error.httpStatus, 401);
        QVERIFY(!error.retryable);
        QCOMPARE(restRequests().size(), 2); // the request and exactly one replay
        QCOMPARE(tokenRequests(), 2);
        QCOMPARE(failed.size(), 1);
    }

    void refreshFailureIsReported()
    {
        AsyncResult<void> auth;
        m_session->authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        m_rejectedTokens = {u"tok-1"_s};
        m_grantFails = true;
        QSignalSpy failed(m_client.get(), &SalesforceClient::authenticationFailed);
        Error error;
        QVERIFY(!run(u"query"_s, &error));
        QCOMPARE(error.code, u"invalid_grant"_s);
        QCOMPARE(error.httpStatus, 400);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(restRequests().size(), 1);
        QCOMPARE(tokenRequests(), 2);
    }

    void concurrentRejectionsShareOneRefresh()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200, "{\"totalSize\":0,\"done\":true,\"records\":[]}");
        };
        AsyncResult<void> auth;
        m_session->authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        m_rejectedTokens = {u"tok-1"_s};
        std::vector<AsyncResult<QueryPage>> results(5);
        for (auto &r : results)
            m_client->query(u"SELECT Id FROM Lead"_s, this, r.callback());
        for (auto &r : results) {
            QVERIFY(r.wait());
            QVERIFY(r.get().ok());
        }
        QCOMPARE(tokenRequests(), 2); // the first token and ONE refresh
        QCOMPARE(restRequests().size(), 10);
    }

    void requestLimitExceededIsThrottlingNotAuth()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(403,
                                   "[{\"message\":\"TotalRequests Limit exceeded.\","
                                   "\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")
                .header("Sforce-Limit-Info", "api-usage=15001/15000");
        };
        QSignalSpy failed(m_client.get(), &SalesforceClient::authenticationFailed);
        QSignalSpy observed(m_client.get(), &SalesforceClient::limitsObserved);
        Error error;
        QVERIFY(!run(u"compositeUpsert"_s, &error));
        QCOMPARE(error.code, u"REQUEST_LIMIT_EXCEEDED"_s);
        QCOMPARE(error.httpStatus, 403);
        QVERIFY(error.retryable);
        QCOMPARE(tokenRequests(), 1);
        QCOMPARE(restRequests().size(), 1);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(observed.size(), 1);
        QCOMPARE(observed.constFirst().constFirst().value<ApiLimits>().used, qint64(15001));
    }

    void errorEnvelopesReachTheCaller_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("400 required field")
            << 400
            << QByteArray("[{\"message\":\"Required fields are missing: [Company]\","
                          "\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"Company\"]}]")
            << u"REQUIRED_FIELD_MISSING"_s << false;
        QTest::newRow("400 bare object")
            << 400 << QByteArray("{\"errorCode\":\"INVALID_FIELD\",\"message\":\"x\"}")
            << u"INVALID_FIELD"_s << false;
        QTest::newRow("404 unknown object")
            << 404
            << QByteArray("[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource "
                          "does not exist\"}]")
            << u"NOT_FOUND"_s << false;
        QTest::newRow("405") << 405
                             << QByteArray("[{\"errorCode\":\"METHOD_NOT_ALLOWED\",\"message\":"
                                           "\"HTTP Method 'PATCH' not allowed.\"}]")
                             << u"METHOD_NOT_ALLOWED"_s << false;
        QTest::newRow("500 html") << 500 << QByteArray("<html>oops</html>") << u"http_500"_s
                                  << true;
        QTest::newRow("503 envelope")
            << 503 << QByteArray("[{\"errorCode\":\"SERVER_UNAVAILABLE\",\"message\":\"x\"}]")
            << u"SERVER_UNAVAILABLE"_s << true;
        QTest::newRow("429 empty") << 429 << QByteArray() << u"http_429"_s << true;
        QTest::newRow("400 lock") << 400
                                  << QByteArray("[{\"message\":\"unable to obtain exclusive "
                                                "access\",\"errorCode\":\"UNABLE_TO_LOCK_ROW\","
                                                "\"fields\":[]}]")
                                  << u"UNABLE_TO_LOCK_ROW"_s << true;
    }

    void errorEnvelopesReachTheCaller()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, answer);
        QFETCH(QString, code);
        QFETCH(bool, retryable);
        m_rest = [&](const FakeRequest &) { return FakeReply::json(status, answer); };
        Error error;
        QVERIFY(!run(u"createCollection"_s, &error));
        QCOMPARE(error.code, code);
        QCOMPARE(error.httpStatus, status);
        QCOMPARE(error.retryable, retryable);
        QVERIFY(!error.message.isEmpty());
        QCOMPARE(tokenRequests(), 1);
    }

    void collectionResultsStayPerRecord()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(
                200,
                "[{\"id\":\"00Q5g00000AbCdEEAV\",\"success\":true,\"errors\":[],"
                "\"created\":true},"
                "{\"id\":\"00Q5g00000AbCdFEAV\",\"success\":true,\"errors\":[],"
                "\"created\":false},"
                "{\"success\":false,\"errors\":[{\"statusCode\":\"UNABLE_TO_LOCK_ROW\","
                "\"message\":\"unable to obtain exclusive access\",\"fields\":[]}]},"
                "{\"success\":false,\"errors\":[{\"message\":\"Required fields are missing: "
                "[Company]\",\"fields\":[\"Company\"],\"statusCode\":"
                "\"REQUIRED_FIELD_MISSING\"}]}]");
        };
        AsyncResult<QList<RecordResult>> r;
        m_client->createCollection(u"Lead"_s, leads(4), false, this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        const QList<RecordResult> &rs = *r.get();
        QCOMPARE(rs.size(), 4);
        QVERIFY(rs[0].success && rs[0].created);
        QVERIFY(rs[1].success && !rs[1].created);
        QCOMPARE(rs[1].id, u"00Q5g00000AbCdFEAV"_s);
        QVERIFY(!rs[2].success);
        QVERIFY(rs[2].id.isEmpty());
        QCOMPARE(rs[2].errors.constFirst().code, u"UNABLE_TO_LOCK_ROW"_s);
        QCOMPARE(rs[3].errors.constFirst().fields, QStringList {u"Company"_s});
        const QJsonObject body = restRequests().constFirst().json().object();
        QCOMPARE(body.value(u"allOrNone"_s).toBool(true), false);
        QCOMPARE(body.value(u"records"_s).toArray().size(), 4);
        QCOMPARE(body.value(u"records"_s)[0][u"attributes"_s][u"type"_s].toString(), u"Lead"_s);
    }

    void collectionLimitsAreCheckedLocally_data()
    {
        QTest::addColumn<int>("records");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("answered"); // results the fake returns
        QTest::newRow("201 records") << 201 << u"too_many_records"_s << 0;
        QTest::newRow("none") << 0 << QString() << 0;
        QTest::newRow("result count mismatch") << 3 << u"unexpected_response"_s << 2;
    }

    void collectionLimitsAreCheckedLocally()
    {
        QFETCH(int, records);
        QFETCH(QString, code);
        QFETCH(int, answered);
        m_rest = [&](const FakeRequest &) { return FakeReply::json(200, results(answered)); };
        AsyncResult<QList<RecordResult>> r;
        m_client->createCollection(u"Lead"_s, leads(records), false, this, r.callback());
        QVERIFY(!r.has());
        QVERIFY(r.wait());
        QCOMPARE(r.get().ok(), code.isEmpty());
        if (!code.isEmpty())
            QCOMPARE(r.get().error().code, code);
        QCOMPARE(restRequests().size(), answered > 0 ? 1 : 0);
    }

    void compositeUpsertCarriesFiveCollections()
    {
        m_rest = [](const FakeRequest &req) {
            const QJsonArray subs = req.json().object().value(u"compositeRequest"_s).toArray();
            QJsonArray out;
            for (int i = 0; i < subs.size(); ++i) {
                const QString ref = subs[i][u"referenceId"_s].toString();
                const int n = subs[i][u"body"_s][u"records"_s].toArray().size();
                QJsonObject sub {{u"referenceId"_s, ref}, {u"httpHeaders"_s, QJsonObject()}};
                if (i == 3) {
                    sub.insert(u"httpStatusCode"_s, 503);
                    sub.insert(u"body"_s,
                               QJsonArray {QJsonObject {{u"errorCode"_s, u"SERVER_UNAVAILABLE"_s},
                                                        {u"message"_s, u"busy"_s}}});
                } else {
                    sub.insert(u"httpStatusCode"_s, 200);
                    sub.insert(u"body"_s, QJsonDocument::fromJson(results(n)).array());
                }
                out.append(sub);
            }
            return FakeReply::json(200,
                                   QJsonDocument(QJsonObject {{u"compositeResponse"_s, out}})
                                       .toJson(QJsonDocument::Compact));
        };
        QList<QList<QJsonObject>> batches;
        for (int b = 0; b < 5; ++b)
            batches.append(leads(200, b * 200));
        AsyncResult<QList<QList<RecordResult>>> r;
        m_client->compositeUpsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, batches, this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        QCOMPARE(restRequests().size(), 1); // 1,000 records, one API call
        const QList<QList<RecordResult>> &out = *r.get();
        QCOMPARE(out.size(), 5);
        for (int b = 0; b < 5; ++b) {
            QCOMPARE(out[b].size(), 200);
            QCOMPARE(out[b].constFirst().success, b != 3);
        }
        QCOMPARE(out[3][199].errors.constFirst().code, u"SERVER_UNAVAILABLE"_s);
        const QJsonObject body = restRequests().constFirst().json().object();
        QCOMPARE(body.value(u"allOrNone"_s).toBool(true), false);
        const QJsonArray subs = body.value(u"compositeRequest"_s).toArray();
        QCOMPARE(subs.size(), 5);
        QCOMPARE(subs[0][u"method"_s].toString(), u"PATCH"_s);
        QCOMPARE(subs[4][u"body"_s][u"records"_s][199][u"Platform_Lead_Id__c"_s].toString(),
                 u"L-999"_s);
    }

    void compositeUpsertLimits_data()
    {
        QTest::addColumn<int>("batches");
        QTest::addColumn<int>("perBatch");
        QTest::addColumn<QString>("code");
        QTest::newRow("six batches") << 6 << 10 << u"bad_argument"_s;
        QTest::newRow("no batches") << 0 << 10 << u"bad_argument"_s;
        QTest::newRow("201 in a batch") << 2 << 201 << u"too_many_records"_s;
        QTest::newRow("empty batch") << 2 << 0 << u"bad_argument"_s;
    }

    void compositeUpsertLimits()
    {
        QFETCH(int, batches);
        QFETCH(int, perBatch);
        QFETCH(QString, code);
        QList<QList<QJsonObject>> list;
        for (int b = 0; b < batches; ++b)
            list.append(leads(perBatch));
        AsyncResult<QList<QList<RecordResult>>> r;
        m_client->compositeUpsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, list, this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, code);
        QCOMPARE(m_fake.requests.size(), 0);
    }

    void compositeAnswersInRequestOrder()
    {
        // Subresponses come back in any order; each batch gets its own, matched by referenceId.
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(
                200,
                "{\"compositeResponse\":[{\"body\":[{\"errorCode\":\"PROCESSING_HALTED\","
                "\"message\":\"rolled back\"}],\"httpHeaders\":{},\"httpStatusCode\":400,"
                "\"referenceId\":\"upsert1\"},{\"body\":"
                    + results(2)
                    + ",\"httpHeaders\":{\"Location\":\"/x\"},"
                      "\"httpStatusCode\":200,\"referenceId\":\"upsert0\"}]}");
        };
        AsyncResult<QList<QList<RecordResult>>> r;
        m_client->compositeUpsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, {leads(2), leads(3, 2)},
                                  this, r.callback());
        QVERIFY(r.wait());
        QVERIFY2(r.get().ok(), qPrintable(r.get().ok() ? QString() : r.get().error().toString()));
        QCOMPARE(r->value().size(), 2);
        QCOMPARE(r->value()[0].size(), 2);
        QVERIFY(r->value()[0][1].success);
        QVERIFY(r->value()[0][1].errors.isEmpty());
        QCOMPARE(r->value()[1].size(), 3);
        QVERIFY(!r->value()[1][2].success);
        QCOMPARE(r->value()[1][2].errors.constFirst().code, u"PROCESSING_HALTED"_s);
        const QJsonObject body = restRequests().constFirst().json().object();
        QCOMPARE(body.value(u"compositeRequest"_s)[1][u"referenceId"_s].toString(), u"upsert1"_s);
        QCOMPARE(
            body.value(
                    u"compositeRequest"_s)[1][u"body"_s][u"records"_s][2][u"Platform_Lead_Id__c"_s]
                .toString(),
            u"L-4"_s);
    }

    void instanceUrlIsCheckedAgainstTheAllowlist_data()
    {
        QTest::addColumn<QString>("instance");
        QTest::addColumn<QString>("code");
        QTest::newRow("not allowed") << u"https://evil.example"_s << u"host_not_allowed"_s;
        QTest::newRow("plain http off loopback") << u"http://10.1.2.3"_s << u"insecure_url"_s;
    }

    void instanceUrlIsCheckedAgainstTheAllowlist()
    {
        QFETCH(QString, instance);
        QFETCH(QString, code);
        m_instanceOverride = instance;
        Error error;
        QVERIFY(!run(u"createCollection"_s, &error));
        QCOMPARE(error.code, code);
        QVERIFY(!error.retryable);
        QCOMPARE(restRequests().size(), 0);
    }

    void transportFailures_data()
    {
        QTest::addColumn<bool>("hang");
        QTest::addColumn<QString>("code");
        QTest::newRow("no answer") << true << u"timeout"_s;
        QTest::newRow("connection refused") << false << u"network"_s;
    }

    void transportFailures()
    {
        QFETCH(bool, hang);
        QFETCH(QString, code);
        makeClient(300);
        if (hang) {
            m_rest = [](const FakeRequest &) {
                FakeReply r;
                r.hang = true;
                return r;
            };
        } else {
            m_instanceOverride = u"http://127.0.0.1:1"_s;
        }
        Error error;
        QVERIFY(!run(u"query"_s, &error));
        QCOMPARE(error.code, code);
        QVERIFY(error.retryable);
        QCOMPARE(error.httpStatus, 0);
    }

    void badNamesNeverReachTheServer_data()
    {
        QTest::addColumn<QString>("sobject");
        QTest::addColumn<QString>("field");
        QTest::newRow("path in object") << u"Lead/../limits"_s << u"Platform_Lead_Id__c"_s;
        QTest::newRow("query in object") << u"Lead?x=1"_s << u"Platform_Lead_Id__c"_s;
        QTest::newRow("space in field") << u"Lead"_s << u"Platform Lead"_s;
        QTest::newRow("empty object") << QString() << u"Platform_Lead_Id__c"_s;
        QTest::newRow("leading digit") << u"1Lead"_s << u"Platform_Lead_Id__c"_s;
    }

    void badNamesNeverReachTheServer()
    {
        QFETCH(QString, sobject);
        QFETCH(QString, field);
        AsyncResult<QList<QList<RecordResult>>> r;
        m_client->compositeUpsert(sobject, field, {leads(1)}, this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, u"bad_argument"_s);
        if (field == "Platform_Lead_Id__c"_L1) { // the object's name is the bad one
            AsyncResult<QList<RecordResult>> c;
            m_client->createCollection(sobject, leads(1), false, this, c.callback());
            QVERIFY(c.wait());
            QCOMPARE(c.get().error().code, u"bad_argument"_s);
        }
        QCOMPARE(m_fake.requests.size(), 0);
    }

    void tokensNeverReachTheLog()
    {
        static QStringList captured;
        captured.clear();
        QLoggingCategory::setFilterRules(u"lb.*=true"_s);
        const QtMessageHandler previous
            = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &,
                                        const QString &message) { captured.append(message); });
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200, "{\"totalSize\":0,\"done\":true,\"records\":[]}");
        };
        m_rejectedTokens = {u"tok-1"_s}; // a grant, a rejection, a refresh and a replay
        const bool ok = run(u"query"_s);
        m_grantFails = true;
        m_rejectedTokens.append(u"tok-2"_s);
        run(u"query"_s); // a failed refresh
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules(u"lb.*.debug=false"_s);
        QVERIFY(ok);
        QVERIFY(captured.size() >= 4);
        for (const QString &line : std::as_const(captured)) {
            QVERIFY2(!line.contains(u"tok-"_s), qPrintable(line));
            QVERIFY2(!line.contains(u"secret"_s), qPrintable(line));
            QVERIFY2(!line.contains(u"Bearer"_s), qPrintable(line));
        }
    }

    void deadContextGetsNoCallback()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200, "{\"totalSize\":0,\"done\":true,\"records\":[]}");
        };
        auto *context = new QObject;
        bool called = false;
        m_client->query(u"SELECT Id FROM Lead"_s, context,
                        [&](Result<QueryPage>) { called = true; });
        delete context;
        AsyncResult<QueryPage> after;
        m_client->query(u"SELECT Id FROM Lead"_s, this, after.callback());
        QVERIFY(after.wait());
        QTRY_COMPARE(m_http->inFlight(), 0);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestSalesforceClient)
#include "TestSalesforceClient.moc"
