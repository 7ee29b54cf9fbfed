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
// answers of SALESFORCE_API.md (upsert outcomes, paging, error envelopes, limits headers, gzip)
// and the session handling (one refresh and replay on INVALID_SESSION_ID).
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
        if (op == "create"_L1) {
            AsyncResult<QString> r;
            c.create(u"Lead"_s, lead(u"L-1"_s), this, r.callback());
            return finish(r);
        }
        if (op == "get"_L1) {
            AsyncResult<QJsonObject> r;
            c.get(u"Lead"_s, QString::fromLatin1(kLead18), {u"Id"_s, u"LastName"_s}, this,
                  r.callback());
            return finish(r);
        }
        if (op == "getByExternalId"_L1) {
            AsyncResult<QJsonObject> r;
            c.getByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"L 1/2"_s, {}, this,
                              r.callback());
            return finish(r);
        }
        if (op == "update"_L1) {
            AsyncResult<void> r;
            c.update(u"Lead"_s, QString::fromLatin1(kLead18), {{u"Status"_s, u"Working"_s}}, this,
                     r.callback());
            return finish(r);
        }
        if (op == "remove"_L1) {
            AsyncResult<void> r;
            c.remove(u"Lead"_s, QString::fromLatin1(kLead18), this, r.callback());
            return finish(r);
        }
        if (op == "upsert"_L1) {
            AsyncResult<UpsertOutcome> r;
            c.upsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"L-1"_s, lead(u"L-1"_s), this,
                     r.callback());
            return finish(r);
        }
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
        if (op.endsWith("Collection"_L1) && op != "getCollection"_L1) {
            AsyncResult<QList<RecordResult>> r;
            if (op == "createCollection"_L1)
                c.createCollection(u"Lead"_s, leads(2), false, this, r.callback());
            else if (op == "updateCollection"_L1)
                c.updateCollection(u"Lead"_s,
                                   {{{u"Id"_s, QString::fromLatin1(kLead18)}},
                                    {{u"id"_s, QString::fromLatin1(kLead18)}}},
                                   true, this, r.callback());
            else if (op == "upsertCollection"_L1)
                c.upsertCollection(u"Lead"_s, u"Platform_Lead_Id__c"_s, leads(2), false, this,
                                   r.callback());
            else
                c.deleteCollection({QString::fromLatin1(kLead18), QString::fromLatin1(kLead18)},
                                   false, this, r.callback());
            return finish(r);
        }
        if (op == "getCollection"_L1) {
            AsyncResult<QList<QJsonObject>> r;
            c.getCollection(u"Lead"_s, {QString::fromLatin1(kLead18)}, {u"Id"_s}, this,
                            r.callback());
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
        if (op == "publishEvent"_L1) {
            AsyncResult<QString> r;
            c.publishEvent(u"Lead_Assigned__e"_s, {{u"Lead_Id__c"_s, QString::fromLatin1(kLead18)}},
                           this, r.callback());
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

        const QByteArray saved = "{\"id\":\"" + kLead18 + "\",\"success\":true,\"errors\":[]}";
        const QByteArray page = "{\"totalSize\":1,\"done\":true,\"records\":[{\"Id\":\"x\"}]}";
        QTest::newRow("create") << u"create"_s << 201 << saved << QByteArray("POST")
                                << u"/services/data/v62.0/sobjects/Lead/"_s << QString()
                                << u"\"LastName\":\"Nguyen\""_s;
        QTest::newRow("get") << u"get"_s << 200 << QByteArray("{\"Id\":\"x\"}") << QByteArray("GET")
                             << u"/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdEEAV"_s
                             << u"fields=Id,LastName"_s << QString();
        QTest::newRow("get by external id")
            << u"getByExternalId"_s << 200 << QByteArray("{\"Id\":\"x\"}") << QByteArray("GET")
            << u"/services/data/v62.0/sobjects/Lead/Platform_Lead_Id__c/L%201%2F2"_s << QString()
            << QString();
        QTest::newRow("update") << u"update"_s << 204 << QByteArray() << QByteArray("PATCH")
                                << u"/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdEEAV"_s
                                << QString() << u"{\"Status\":\"Working\"}"_s;
        QTest::newRow("remove") << u"remove"_s << 204 << QByteArray() << QByteArray("DELETE")
                                << u"/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdEEAV"_s
                                << QString() << QString();
        QTest::newRow("upsert") << u"upsert"_s << 201
                                << QByteArray("{\"id\":\"" + kLead18
                                              + "\",\"errors\":[],\"success\":true,"
                                                "\"created\":true}")
                                << QByteArray("PATCH")
                                << u"/services/data/v62.0/sobjects/Lead/Platform_Lead_Id__c/L-1"_s
                                << QString() << u"\"Company\":\"Acme\""_s;
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
        QTest::newRow("upsertCollection")
            << u"upsertCollection"_s << 200 << results(2) << QByteArray("PATCH")
            << u"/services/data/v62.0/composite/sobjects/Lead/Platform_Lead_Id__c"_s << QString()
            << u"\"attributes\":{\"type\":\"Lead\"}"_s;
        QTest::newRow("deleteCollection")
            << u"deleteCollection"_s << 200 << results(2) << QByteArray("DELETE")
            << u"/services/data/v62.0/composite/sobjects"_s
            << u"ids=00Q5g00000AbCdEEAV,00Q5g00000AbCdEEAV&allOrNone=false"_s << QString();
        QTest::newRow("getCollection")
            << u"getCollection"_s << 200 << QByteArray("[{\"Id\":\"x\"}]") << QByteArray("POST")
            << u"/services/data/v62.0/composite/sobjects/Lead"_s << QString()
            << u"\"ids\":[\"00Q5g00000AbCdEEAV\"]"_s;
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
        QTest::newRow("publishEvent")
            << u"publishEvent"_s << 201
            << QByteArray("{\"id\":\"e005g0000000001AAA\",\"success\":true,\"errors\":[]}")
            << QByteArray("POST") << u"/services/data/v62.0/sobjects/Lead_Assigned__e/"_s
            << QString() << u"\"Lead_Id__c\""_s;
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
        QCOMPARE(m_client->apiCalls(), quint64(1));
        QCOMPARE(m_client->lastLimits().max, qint64(15000));
    }

    void upsertOutcomes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QString>("code"); // empty = success
        QTest::addColumn<bool>("created");
        QTest::addColumn<QString>("id");

        QTest::newRow("201 created")
            << 201
            << QByteArray("{\"id\":\"" + kLead18
                          + "\",\"errors\":[],\"success\":true,\"created\":true}")
            << QString() << true << QString::fromLatin1(kLead18);
        QTest::newRow("201 created, before v46 (no created key)")
            << 201 << QByteArray("{\"id\":\"" + kLead18 + "\",\"errors\":[],\"success\":true}")
            << QString() << true << QString::fromLatin1(kLead18);
        QTest::newRow("200 updated (v46+)")
            << 200
            << QByteArray("{\"id\":\"" + kLead18
                          + "\",\"errors\":[],\"success\":true,\"created\":false}")
            << QString() << false << QString::fromLatin1(kLead18);
        QTest::newRow("204 updated (before v46)")
            << 204 << QByteArray() << QString() << false << QString();
        QTest::newRow("300 several match")
            << 300
            << QByteArray("[\"/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdEEAV\","
                          "\"/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdFEAV\"]")
            << u"MULTIPLE_CHOICES"_s << false << QString();
        QTest::newRow("404 not an external id")
            << 404
            << QByteArray("[{\"errorCode\":\"NOT_FOUND\",\"message\":\"Provided external ID "
                          "field does not exist or is not accessible: Platform_Lead_Id__c\"}]")
            << u"NOT_FOUND"_s << false << QString();
        QTest::newRow("400 validation")
            << 400
            << QByteArray("[{\"message\":\"Lead Source: bad value for restricted picklist "
                          "field: Carrier Pigeon\",\"errorCode\":"
                          "\"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST\",\"fields\":"
                          "[\"LeadSource\"]}]")
            << u"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"_s << false << QString();
        QTest::newRow("200 but not json")
            << 200 << QByteArray("<html/>") << u"unexpected_response"_s << false << QString();
    }

    void upsertOutcomes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, answer);
        QFETCH(QString, code);
        QFETCH(bool, created);
        QFETCH(QString, id);
        m_rest = [&](const FakeRequest &) {
            return status == 204 ? FakeReply::empty(204) : FakeReply::json(status, answer);
        };
        AsyncResult<UpsertOutcome> r;
        m_client->upsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"L-1"_s, lead(u"L-1"_s), this,
                         r.callback());
        QVERIFY(r.wait());
        if (code.isEmpty()) {
            QVERIFY2(r.get().ok(),
                     qPrintable(r.get().ok() ? QString() : r.get().error().toString()));
            QCOMPARE(r->value().created, created);
            QCOMPARE(r->value().id, id);
        } else {
            QVERIFY(!r.get().ok());
            QCOMPARE(r.get().error().code, code);
            QCOMPARE(r.get().error().httpStatus, status);
            QVERIFY(!r.get().error().retryable);
        }
    }

    void upsertKeyIsEncodedAndNotInTheBody()
    {
        m_rest = [](const FakeRequest &) { return FakeReply::empty(204); };
        AsyncResult<UpsertOutcome> r;
        QJsonObject fields = lead(u"a/b c+d@x.com?#"_s);
        fields.insert(u"Id"_s, QString::fromLatin1(kLead18));
        m_client->upsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"a/b c+d@x.com?#"_s, fields, this,
                         r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        const FakeRequest req = restRequests().constFirst();
        QCOMPARE(req.path,
                 u"/services/data/v62.0/sobjects/Lead/Platform_Lead_Id__c/"
                 "a%2Fb%20c%2Bd%40x.com%3F%23"_s);
        QCOMPARE(req.rawQuery, QString());
        const QJsonObject body = req.json().object();
        QVERIFY(!body.contains(u"Platform_Lead_Id__c"_s));
        QVERIFY(!body.contains(u"Id"_s));
        QCOMPARE(body.value(u"LastName"_s).toString(), u"Nguyen"_s);
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
        AsyncResult<qint64> r;
        // '+', '&', '#', '%' and quotes must survive the query string.
        const QString soql = u"SELECT Id FROM Lead WHERE Email = 'a+b&c#d%e@x.com'"_s;
        m_client->queryEach(
            soql, false, this,
            [&](const QueryPage &page) {
                ++pages;
                for (const QJsonObject &rec : page.records)
                    ids.append(rec.value(u"Id"_s).toString());
                return page.totalSize == 5;
            },
            r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        QCOMPARE(*r.get(), qint64(5));
        QCOMPARE(pages, 3);
        QCOMPARE(ids, (QStringList {u"0"_s, u"1"_s, u"2"_s, u"3"_s, u"4"_s}));
        const QList<FakeRequest> rest = restRequests();
        QCOMPARE(rest.size(), 3);
        QCOMPARE(rest[0].query().value(u"q"_s), soql);
        QCOMPARE(rest[1].path, u"/services/data/v62.0/query/01gB000003OCxSPIA1-2"_s);
        QCOMPARE(rest[2].path, u"/services/data/v62.0/query/01gB000003OCxSPIA1-4"_s);
    }

    void queryEachStopsWhenAsked()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200,
                                   "{\"totalSize\":4,\"done\":false,\"nextRecordsUrl\":"
                                   "\"/services/data/v62.0/query/01g-2\",\"records\":[{},{}]}");
        };
        AsyncResult<qint64> r;
        m_client->queryEach(
            u"SELECT Id FROM Lead"_s, true, this, [](const QueryPage &) { return false; },
            r.callback());
        QVERIFY(r.wait());
        QCOMPARE(*r.get(), qint64(2));
        QCOMPARE(restRequests().size(), 1);
        QVERIFY(restRequests().constFirst().path.endsWith(u"/queryAll"_s));
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
        m_client->authenticate(this, auth.callback());
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
        QCOMPARE(m_client->lastLimits().used, used);
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
        QCOMPARE(m_client->lastLimits().used, qint64(1000));
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
            QVERIFY(run(u"update"_s));
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
            FakeReply reply = FakeReply::json(201, "{\"id\":\"00Q5g00000AbCdEEAV\"}");
            reply.gzipHeader = true;
            return reply;
        };
        Error error;
        QVERIFY(!run(u"create"_s, &error));
        QCOMPARE(error.code, u"undecodable_response"_s);
        QCOMPARE(error.httpStatus, 201);
        QCOMPARE(restRequests().size(), 1);
    }

    void expiredSessionRefreshesOnceAndReplays()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(200, "{\"totalSize\":0,\"done\":true,\"records\":[]}");
        };
        AsyncResult<void> auth;
        m_client->authenticate(this, auth.callback());
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
        QCOMPARE(m_client->apiCalls(), quint64(2));
    }

    void stillRejectedAfterRefreshFailsOnce()
    {
        m_rejectedTokens = {u"tok-1"_s, u"tok-2"_s, u"tok-3"_s};
        QSignalSpy failed(m_client.get(), &SalesforceClient::authenticationFailed);
        Error error;
        QVERIFY(!run(u"create"_s, &error));
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
        m_client->authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        m_rejectedTokens = {u"tok-1"_s};
        m_grantFails = true;
        QSignalSpy failed(m_client.get(), &SalesforceClient::authenticationFailed);
        Error error;
        QVERIFY(!run(u"get"_s, &error));
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
        m_client->authenticate(this, auth.callback());
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
        Error error;
        QVERIFY(!run(u"upsert"_s, &error));
        QCOMPARE(error.code, u"REQUEST_LIMIT_EXCEEDED"_s);
        QCOMPARE(error.httpStatus, 403);
        QVERIFY(error.retryable);
        QCOMPARE(tokenRequests(), 1);
        QCOMPARE(restRequests().size(), 1);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(m_client->lastLimits().used, qint64(15001));
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
        QVERIFY(!run(u"create"_s, &error));
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
        m_client->upsertCollection(u"Lead"_s, u"Platform_Lead_Id__c"_s, leads(4), false, this,
                                   r.callback());
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
        QCOMPARE(m_client->apiCalls(), quint64(1));
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
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(
                200,
                "{\"compositeResponse\":[{\"body\":[{\"errorCode\":\"PROCESSING_HALTED\","
                "\"message\":\"rolled back\"}],\"httpHeaders\":{},\"httpStatusCode\":400,"
                "\"referenceId\":\"ct\"},{\"body\":{\"id\":\"0015g00000QrStUAAV\","
                "\"success\":true,\"errors\":[]},\"httpHeaders\":{\"Location\":\"/x\"},"
                "\"httpStatusCode\":201,\"referenceId\":\"acct\"}]}");
        };
        CompositeSubrequest acct {u"POST"_s,
                                  m_client->apiPath(u"/sobjects/Account"_s),
                                  u"acct"_s,
                                  QJsonObject {{u"Name"_s, u"Acme"_s}},
                                  {}};
        CompositeSubrequest ct {u"POST"_s,
                                m_client->apiPath(u"/sobjects/Contact"_s),
                                u"ct"_s,
                                QJsonObject {{u"AccountId"_s, u"@{acct.id}"_s}},
                                {}};
        AsyncResult<QList<CompositeSubresponse>> r;
        m_client->composite({acct, ct}, true, this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        QCOMPARE(r->value()[0].referenceId, u"acct"_s);
        QCOMPARE(r->value()[0].httpStatusCode, 201);
        QVERIFY(r->value()[0].errors.isEmpty());
        QCOMPARE(r->value()[1].errors.constFirst().code, u"PROCESSING_HALTED"_s);
        const QJsonObject body = restRequests().constFirst().json().object();
        QCOMPARE(body.value(u"allOrNone"_s).toBool(), true);
        QCOMPARE(body.value(u"compositeRequest"_s)[1][u"body"_s][u"AccountId"_s].toString(),
                 u"@{acct.id}"_s);
    }

    void publishEventOutcomes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QString>("code");
        QTest::newRow("enqueued marker is success")
            << 201
            << QByteArray("{\"id\":\"e01xx0000000001AAA\",\"success\":true,\"errors\":[{"
                          "\"statusCode\":\"OPERATION_ENQUEUED\",\"message\":\"3f2a6c1e\","
                          "\"fields\":[]}]}")
            << QString();
        QTest::newRow("plain success")
            << 201 << QByteArray("{\"id\":\"e005g0000000001AAA\",\"success\":true,\"errors\":[]}")
            << QString();
        QTest::newRow("publish failed")
            << 201
            << QByteArray("{\"success\":false,\"errors\":[{\"statusCode\":"
                          "\"PLATFORM_EVENT_PUBLISH_FAILED\",\"message\":\"x\"}]}")
            << u"PLATFORM_EVENT_PUBLISH_FAILED"_s;
    }

    void publishEventOutcomes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, answer);
        QFETCH(QString, code);
        m_rest = [&](const FakeRequest &) { return FakeReply::json(status, answer); };
        Error error;
        QCOMPARE(run(u"publishEvent"_s, &error), code.isEmpty());
        QCOMPARE(error.code, code);
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
        QVERIFY(!run(u"create"_s, &error));
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
        AsyncResult<UpsertOutcome> r;
        m_client->upsert(sobject, field, u"L-1"_s, {}, this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, u"bad_argument"_s);
        AsyncResult<QList<RecordResult>> c;
        m_client->upsertCollection(sobject, field, leads(1), false, this, c.callback());
        QVERIFY(c.wait());
        QCOMPARE(c.get().error().code, u"bad_argument"_s);
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
        run(u"get"_s); // a failed refresh
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
