#include "AsyncResult.h"
#include "FakeSalesforce.h"
#include "net/HttpClient.h"
#include "salesforce/SalesforceClient.h"
#include "salesforce/SalesforceSession.h"
#include "salesforce/bulk/Bulk2Client.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

namespace {

QByteArray jobJson(const QByteArray &state, int processed = 0)
{
    return "{\"id\":\"7505g00000JkLmNAAV\",\"operation\":\"upsert\",\"object\":\"Lead\","
           "\"state\":\""
        + state + "\",\"numberRecordsProcessed\":" + QByteArray::number(processed) + "}";
}

} // namespace

// Bulk2Client and its poller against a scripted server: the requests it sends (headers, bodies,
// the session's token and call options), polling with backoff through transient failures, the
// poll timeout, the 401 refresh on the Bulk path, and locator handling.
class TestBulk2Client : public QObject
{
    Q_OBJECT

    FakeSalesforce m_fake;
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<SalesforceSession> m_session;
    std::unique_ptr<SalesforceClient> m_client;
    std::unique_ptr<Bulk2Client> m_bulk;
    std::function<FakeReply(const FakeRequest &)> m_rest;
    int m_issued = 0;
    bool m_rejectFirstToken = false;

    QList<FakeRequest> bulkRequests() const
    {
        QList<FakeRequest> out;
        for (const FakeRequest &r : m_fake.requests) {
            if (r.path.contains(u"/jobs/"))
                out.append(r);
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fake.listenLoopback());
        m_http = std::make_unique<HttpClient>(&m_nam, HostAllowlist({u"127.0.0.1"_s}));
        m_fake.setHandler([this](const FakeRequest &req) {
            if (req.path == "/services/oauth2/token"_L1) {
                ++m_issued;
                return FakeReply::json(200,
                                       "{\"access_token\":\"tok-" + QByteArray::number(m_issued)
                                           + "\",\"instance_url\":\""
                                           + m_fake.url().toString().toUtf8()
                                           + "\",\"id\":\"x\",\"issued_at\":\"1\"}");
            }
            if (m_rejectFirstToken && req.header("Authorization") == "Bearer tok-1")
                return FakeReply::json(401,
                                       "[{\"message\":\"Session expired or invalid\","
                                       "\"errorCode\":\"INVALID_SESSION_ID\"}]");
            return m_rest ? m_rest(req) : FakeReply::json(404, "[]");
        });
    }

    void init()
    {
        m_fake.requests.clear();
        m_issued = 0;
        m_rest = nullptr;
        m_rejectFirstToken = false;
        SalesforceConfig c;
        c.loginUrl = m_fake.url();
        c.flow = AuthFlow::Password;
        c.clientId = u"cid"_s;
        c.username = u"u@example.com"_s;
        SalesforceSecrets s;
        s.clientSecret = u"secret"_s;
        s.password = u"pw"_s;
        m_bulk.reset();
        m_client.reset();
        m_session = std::make_unique<SalesforceSession>(*m_http, c, s);
        m_client = std::make_unique<SalesforceClient>(*m_http, *m_session, c);
        m_bulk = std::make_unique<Bulk2Client>(*m_client);
        Bulk2JobPoller::Backoff fast;
        fast.initialMs = 1;
        fast.maxMs = 4;
        fast.factor = 2.0;
        m_bulk->poller().setBackoff(fast);
    }

    void requestsOnTheSession()
    {
        m_rest = [](const FakeRequest &req) {
            if (req.method == "PUT")
                return FakeReply::empty(201).header("Sforce-Limit-Info", "api-usage=7/15000");
            return FakeReply::json(200, jobJson("Open"));
        };
        QSignalSpy observed(m_client.get(), &SalesforceClient::limitsObserved);
        AsyncResult<Bulk2Job> created;
        m_bulk->createIngestJob({u"Lead"_s, u"upsert"_s, u"Platform_Lead_Id__c"_s}, this,
                                created.callback());
        QVERIFY(created.wait() && created->ok());
        QCOMPARE(created.get()->id, u"7505g00000JkLmNAAV"_s);
        AsyncResult<void> up;
        m_bulk->upload(created.get()->id, "LastName\nA\n", this, up.callback());
        QVERIFY(up.wait() && up->ok());

        const QList<FakeRequest> sent = bulkRequests();
        QCOMPARE(sent.size(), 2);
        QCOMPARE(sent[0].method, "POST");
        QCOMPARE(sent[0].path, u"/services/data/v62.0/jobs/ingest"_s);
        QCOMPARE(sent[0].json().object().value(u"externalIdFieldName").toString(),
                 u"Platform_Lead_Id__c"_s);
        QCOMPARE(sent[0].json().object().value(u"lineEnding").toString(), u"LF"_s);
        QCOMPARE(sent[1].method, "PUT");
        QCOMPARE(sent[1].path, u"/services/data/v62.0/jobs/ingest/7505g00000JkLmNAAV/batches"_s);
        QCOMPARE(sent[1].header("Content-Type"), "text/csv");
        QCOMPARE(sent[1].body, "LastName\nA\n");
        for (const FakeRequest &r : sent) {
            QCOMPARE(r.header("Authorization"), "Bearer tok-1");
            QCOMPARE(r.header("Sforce-Call-Options"), "client=LeadBridge");
        }
        QCOMPARE(observed.size(), 1); // the upload's Sforce-Limit-Info
        QCOMPARE(observed.constFirst().constFirst().value<ApiLimits>().used, 7);
    }

    void pollsThroughTransientFailures()
    {
        const QList<FakeReply> script {
            FakeReply::json(200, jobJson("UploadComplete")),
            FakeReply::json(503, "[{\"message\":\"busy\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]"),
            FakeReply::json(200, jobJson("InProgress", 10)),
            FakeReply::json(200, jobJson("JobComplete", 20)),
        };
        int next = 0;
        m_rest = [&](const FakeRequest &) { return script.value(next++); };
        QList<qint64> progress;
        AsyncResult<Bulk2Job> done;
        m_bulk->poller().poll(
            u"7505g00000JkLmNAAV"_s, false, this,
            [&](const Bulk2Job &job) { progress.append(job.numberRecordsProcessed); },
            done.callback());
        QVERIFY(done.wait() && done->ok());
        QCOMPARE(done.get()->state, Bulk2Job::State::JobComplete);
        QCOMPARE(done.get()->numberRecordsProcessed, 20);
        QCOMPARE(progress, (QList<qint64> {0, 10}));
        QCOMPARE(next, 4);
    }

    void pollStopsOnPermanentError()
    {
        m_rest = [](const FakeRequest &) {
            return FakeReply::json(404,
                                   "[{\"message\":\"The requested resource does not exist\","
                                   "\"errorCode\":\"NOT_FOUND\"}]");
        };
        AsyncResult<Bulk2Job> done;
        m_bulk->poller().poll(u"750x"_s, true, this, {}, done.callback());
        QVERIFY(done.wait() && !done->ok());
        QCOMPARE(done.get().error().code, u"NOT_FOUND"_s);
        QCOMPARE(bulkRequests().size(), 1);
        QCOMPARE(bulkRequests().first().path, u"/services/data/v62.0/jobs/query/750x"_s);
    }

    void pollTimesOut()
    {
        Bulk2JobPoller::Backoff b = m_bulk->poller().backoff();
        b.timeoutMs = 10;
        m_bulk->poller().setBackoff(b);
        m_rest = [](const FakeRequest &) { return FakeReply::json(200, jobJson("InProgress")); };
        AsyncResult<Bulk2Job> done;
        m_bulk->poller().poll(u"750x"_s, false, this, {}, done.callback());
        QVERIFY(done.wait() && !done->ok());
        QCOMPARE(done.get().error().code, u"bulk_poll_timeout"_s);
        QVERIFY(done.get().error().retryable);
        // 1, 2, 4, 4 ms waited (11 >= 10): five polls.
        QCOMPARE(bulkRequests().size(), 5);
    }

    void refreshesTheSessionOnce()
    {
        m_rejectFirstToken = true;
        m_rest = [](const FakeRequest &) { return FakeReply::json(200, jobJson("JobComplete")); };
        AsyncResult<Bulk2Job> info;
        m_bulk->jobInfo(u"750x"_s, false, this, info.callback());
        QVERIFY(info.wait() && info->ok());
        QCOMPARE(m_issued, 2);
        QCOMPARE(bulkRequests().size(), 2);
        QCOMPARE(bulkRequests().last().header("Authorization"), "Bearer tok-2");
    }

    void locators()
    {
        m_rest = [](const FakeRequest &req) {
            const QString locator = req.query().value(u"locator"_s);
            FakeReply page = FakeReply::json(200, "\"Id\"\n\"00Q1\"\n");
            page.headers = {{"Content-Type", "text/csv"}};
            if (locator.isEmpty())
                return page.header("Sforce-Locator", "MQ").header("Sforce-NumberOfRecords", "1");
            if (locator == "MQ"_L1)
                return page.header("Sforce-Locator", "null");
            return FakeReply::json(200, "\"Id\"\n"); // no locator header at all
        };
        AsyncResult<Bulk2QueryPage> first;
        m_bulk->queryResults(u"750q"_s, {}, 500, this, first.callback());
        QVERIFY(first.wait() && first->ok());
        QCOMPARE(first.get()->locator, u"MQ"_s);
        QCOMPARE(bulkRequests().last().rawQuery, u"maxRecords=500"_s);
        QCOMPARE(bulkRequests().last().header("Accept"), "text/csv");
        AsyncResult<Bulk2QueryPage> last;
        m_bulk->queryResults(u"750q"_s, u"MQ"_s, 0, this, last.callback());
        QVERIFY(last.wait() && last->ok());
        QVERIFY(last.get()->locator.isEmpty()); // the literal "null"
        AsyncResult<Bulk2QueryPage> bad;
        m_bulk->queryResults(u"750q"_s, u"other"_s, 0, this, bad.callback());
        QVERIFY(bad.wait() && !bad->ok());
        QCOMPARE(bad.get().error().code, u"unexpected_response"_s);
    }
};

QTEST_GUILESS_MAIN(TestBulk2Client)
#include "TestBulk2Client.moc"
