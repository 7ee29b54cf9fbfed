#include "AsyncResult.h"
#include "FakeSalesforce.h"
#include "net/HttpClient.h"
#include "salesforce/RetryingUpsert.h"
#include "salesforce/SalesforceClient.h"
#include "salesforce/SalesforceSession.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

namespace {

const QString kKey = u"Platform_Lead_Id__c"_s;

QList<QJsonObject> leads(int n)
{
    QList<QJsonObject> out;
    for (int i = 0; i < n; ++i)
        out.append({{kKey, u"L-%1"_s.arg(i)}, {u"LastName"_s, u"N"_s}, {u"Company"_s, u"C"_s}});
    return out;
}

QJsonObject error(const QString &code)
{
    return {{u"statusCode"_s, code}, {u"message"_s, code.toLower()}, {u"fields"_s, QJsonArray()}};
}

} // namespace

// RetryingUpsert against a scripted org: whole-call 503s and per-record lock failures are
// re-sent (only the failed records), permanent failures are not, and every record ends up
// stored exactly once.
class TestRetryingUpsert : public QObject
{
    Q_OBJECT

    FakeSalesforce m_fake;
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<SalesforceSession> m_session;
    std::unique_ptr<SalesforceClient> m_client;
    QRandomGenerator m_random {7};

    // The scripted org.
    QHash<QString, int> m_stored; // external id -> times written
    QHash<QString, int> m_locks; // external id -> lock failures still to give
    QSet<QString> m_invalid; // external ids that fail validation
    QSet<int> m_fail503Calls; // 1-based call numbers answered 503 as a whole
    int m_failSubrequest = -1; // this subrequest index answers 503 in the first Composite call
    int m_wholeCallStatus = 0; // every call answers this status (0 = normal)
    int m_calls = 0;
    int m_compositeCalls = 0;
    int m_collectionCalls = 0;

    QJsonArray upsertRecords(const QJsonArray &records)
    {
        QJsonArray results;
        for (const QJsonValue &v : records) {
            const QString key = v[kKey].toString();
            if (m_invalid.contains(key)) {
                results.append(
                    QJsonObject {{u"success"_s, false},
                                 {u"errors"_s, QJsonArray {error(u"REQUIRED_FIELD_MISSING"_s)}}});
            } else if (m_locks.value(key) > 0) {
                --m_locks[key];
                results.append(
                    QJsonObject {{u"success"_s, false},
                                 {u"errors"_s, QJsonArray {error(u"UNABLE_TO_LOCK_ROW"_s)}}});
            } else {
                const bool created = !m_stored.contains(key);
                ++m_stored[key];
                results.append(QJsonObject {{u"id"_s, u"00Q5g00000AbCdEEAV"_s},
                                            {u"success"_s, true},
                                            {u"errors"_s, QJsonArray()},
                                            {u"created"_s, created}});
            }
        }
        return results;
    }

    FakeReply handle(const FakeRequest &req)
    {
        if (req.path == "/services/oauth2/token"_L1)
            return FakeReply::json(200,
                                   "{\"access_token\":\"t\",\"instance_url\":\""
                                       + m_fake.url().toString().toUtf8() + "\"}");
        ++m_calls;
        if (m_wholeCallStatus)
            return FakeReply::json(m_wholeCallStatus,
                                   "[{\"errorCode\":\"INVALID_FIELD\","
                                   "\"message\":\"No such column\"}]");
        if (m_fail503Calls.contains(m_calls))
            return FakeReply::json(503,
                                   "[{\"errorCode\":\"SERVER_UNAVAILABLE\",\"message\":"
                                   "\"busy\"}]");
        const QJsonObject body = req.json().object();
        if (req.path.endsWith(u"/composite"_s)) {
            ++m_compositeCalls;
            QJsonArray out;
            const QJsonArray subs = body.value(u"compositeRequest"_s).toArray();
            for (int i = 0; i < subs.size(); ++i) {
                QJsonObject sub {{u"referenceId"_s, subs[i][u"referenceId"_s]},
                                 {u"httpHeaders"_s, QJsonObject()}};
                if (i == m_failSubrequest) {
                    m_failSubrequest = -1;
                    sub.insert(u"httpStatusCode"_s, 503);
                    sub.insert(u"body"_s,
                               QJsonArray {QJsonObject {{u"errorCode"_s, u"SERVER_UNAVAILABLE"_s},
                                                        {u"message"_s, u"busy"_s}}});
                } else {
                    sub.insert(u"httpStatusCode"_s, 200);
                    sub.insert(u"body"_s,
                               upsertRecords(subs[i][u"body"_s][u"records"_s].toArray()));
                }
                out.append(sub);
            }
            return FakeReply::json(200,
                                   QJsonDocument(QJsonObject {{u"compositeResponse"_s, out}})
                                       .toJson(QJsonDocument::Compact));
        }
        ++m_collectionCalls;
        return FakeReply::json(200,
                               QJsonDocument(upsertRecords(body.value(u"records"_s).toArray()))
                                   .toJson(QJsonDocument::Compact));
    }

    RetryingUpsert::Report upsert(const QList<QJsonObject> &records,
                                  RetryingUpsert::Options options = fastOptions())
    {
        RetryingUpsert upserter(*m_client, u"Lead"_s, kKey, options);
        upserter.setRandom(&m_random);
        std::optional<RetryingUpsert::Report> report;
        QEventLoop loop; // quit by the callback: no polling latency in the figures
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        upserter.start(records, this, [&](const RetryingUpsert::Report &r) {
            report = r;
            loop.quit();
        });
        loop.exec();
        return report.value_or(RetryingUpsert::Report {});
    }

    static RetryingUpsert::Options fastOptions()
    {
        RetryingUpsert::Options o;
        o.policy = RetryPolicy {1, 5, 4};
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fake.listenLoopback());
        m_fake.setHandler([this](const FakeRequest &r) { return handle(r); });
        m_http = std::make_unique<HttpClient>(&m_nam, HostAllowlist({u"127.0.0.1"_s}));
        SalesforceConfig c;
        c.loginUrl = m_fake.url();
        c.flow = AuthFlow::Password;
        SalesforceSecrets s;
        s.password = u"pw"_s;
        m_session = std::make_unique<SalesforceSession>(*m_http, c, s);
        m_client = std::make_unique<SalesforceClient>(*m_http, *m_session, c);
    }

    void init()
    {
        m_stored.clear();
        m_locks.clear();
        m_invalid.clear();
        m_fail503Calls.clear();
        m_failSubrequest = -1;
        m_wholeCallStatus = 0;
        m_calls = m_compositeCalls = m_collectionCalls = 0;
    }

    void batchesIntoComposite_data()
    {
        QTest::addColumn<int>("records");
        QTest::addColumn<int>("calls");
        QTest::addColumn<int>("compositeCalls");
        QTest::newRow("none") << 0 << 0 << 0;
        QTest::newRow("one") << 1 << 1 << 0;
        QTest::newRow("200: one Collections call") << 200 << 1 << 0;
        QTest::newRow("201: Composite of two") << 201 << 1 << 1;
        QTest::newRow("1000: one call") << 1000 << 1 << 1;
        QTest::newRow("1001") << 1001 << 2 << 1;
        QTest::newRow("2345") << 2345 << 3 << 3;
    }

    void batchesIntoComposite()
    {
        QFETCH(int, records);
        QFETCH(int, calls);
        QFETCH(int, compositeCalls);
        const RetryingUpsert::Report report = upsert(leads(records));
        QCOMPARE(report.records.size(), records);
        QCOMPARE(report.succeeded, records);
        QCOMPARE(report.failed, 0);
        QCOMPARE(report.apiCalls, calls);
        QCOMPARE(m_calls, calls);
        QCOMPARE(m_compositeCalls, compositeCalls);
        QCOMPARE(m_stored.size(), records);
        for (const RetryingUpsert::RecordOutcome &o : report.records) {
            QVERIFY(o.success);
            QCOMPARE(o.attempts, 1);
            QVERIFY(o.created);
        }
    }

    void transientFailuresAreRetried()
    {
        m_fail503Calls = {1}; // the first call fails as a whole
        m_failSubrequest = 2; // then one subrequest of the next Composite call
        for (int i = 0; i < 1500; i += 7)
            m_locks.insert(u"L-%1"_s.arg(i), 1 + i % 2); // locked once or twice
        const RetryingUpsert::Report report = upsert(leads(1500));
        QCOMPARE(report.succeeded, 1500);
        QCOMPARE(report.failed, 0);
        QCOMPARE(m_stored.size(), 1500);
        for (auto it = m_stored.begin(); it != m_stored.end(); ++it)
            QCOMPARE(it.value(), 1); // written exactly once
        QVERIFY(report.failedCalls >= 1);
        QVERIFY(report.resentRecords > 1000); // the first call's 1,000 records were re-sent
        // Sends per record: call 1 (records 0-999) failed whole; call 2 (1000-1499) lost its
        // third subrequest (1400-1499); locked records need one more send per lock.
        QCOMPARE(report.records[1].attempts, 2); // failed call, then success
        QCOMPARE(report.records[7].attempts, 4); // failed call, two locks, success
        QCOMPARE(report.records[1002].attempts, 1);
        QCOMPARE(report.records[1008].attempts, 2); // one lock
        QCOMPARE(report.records[1400].attempts, 3); // failed subrequest, one lock
        QCOMPARE(report.records[1401].attempts, 2); // failed subrequest
    }

    void onlyFailedRecordsAreResent()
    {
        m_locks.insert(u"L-5"_s, 1);
        m_locks.insert(u"L-150"_s, 1);
        const RetryingUpsert::Report report = upsert(leads(300));
        QCOMPARE(report.succeeded, 300);
        QCOMPARE(report.apiCalls, 2); // 300 records, then the 2 locked ones
        QCOMPARE(report.resentRecords, 2);
        QCOMPARE(report.records[5].attempts, 2);
        QCOMPARE(report.records[150].attempts, 2);
        QCOMPARE(report.records[6].attempts, 1);
        QCOMPARE(m_collectionCalls, 1); // the re-send of 2 records is a plain Collections call
    }

    void permanentFailuresAreNotRetried()
    {
        m_invalid = {u"L-3"_s};
        const RetryingUpsert::Report report = upsert(leads(10));
        QCOMPARE(report.succeeded, 9);
        QCOMPARE(report.failed, 1);
        const RetryingUpsert::RecordOutcome &o = report.records[3];
        QVERIFY(!o.success);
        QCOMPARE(o.attempts, 1);
        QCOMPARE(o.error.code, u"REQUIRED_FIELD_MISSING"_s);
        QVERIFY(!o.error.retryable);
        QCOMPARE(o.errors.constFirst().code, u"REQUIRED_FIELD_MISSING"_s);
        QCOMPARE(report.apiCalls, 1);
    }

    void attemptsRunOut()
    {
        m_locks.insert(u"L-0"_s, 100);
        const RetryingUpsert::Report report = upsert(leads(2));
        QCOMPARE(report.succeeded, 1);
        const RetryingUpsert::RecordOutcome &o = report.records[0];
        QVERIFY(!o.success);
        QCOMPARE(o.attempts, 4);
        QCOMPARE(o.error.code, u"UNABLE_TO_LOCK_ROW"_s);
        QVERIFY(o.error.retryable); // transient: a later run may succeed
        QCOMPARE(report.apiCalls, 4);
    }

    void permanentWholeCallFailureFailsItsRecords()
    {
        m_wholeCallStatus = 400;
        const RetryingUpsert::Report report = upsert(leads(3));
        QCOMPARE(report.failed, 3);
        QCOMPARE(report.apiCalls, 1);
        QCOMPARE(report.records[2].error.code, u"INVALID_FIELD"_s);
        QCOMPARE(report.records[2].error.httpStatus, 400);
        QVERIFY(!report.records[2].error.retryable);
    }

    void transientWholeCallFailureRunsOut()
    {
        m_fail503Calls = {1, 2, 3, 4, 5, 6};
        const RetryingUpsert::Report report = upsert(leads(3));
        QCOMPARE(report.failed, 3);
        QCOMPARE(report.apiCalls, 4);
        QCOMPARE(report.failedCalls, 4);
        QCOMPARE(report.records[0].error.code, u"SERVER_UNAVAILABLE"_s);
        QVERIFY(report.records[0].error.retryable);
        QCOMPARE(m_stored.size(), 0);
    }

    void recordsWithoutKeyFailLocally()
    {
        QList<QJsonObject> records = leads(3);
        records[1].remove(kKey);
        records[2].insert(kKey, QString());
        const RetryingUpsert::Report report = upsert(records);
        QCOMPARE(report.succeeded, 1);
        QCOMPARE(report.records[1].error.code, u"missing_external_id"_s);
        QCOMPARE(report.records[2].attempts, 0);
        QCOMPARE(m_stored.size(), 1);
    }

    void concurrentCallsKeepEveryRecordOnce()
    {
        auto options = fastOptions();
        options.maxConcurrentCalls = 3;
        options.batchSize = 50;
        options.batchesPerCall = 2;
        for (int i = 0; i < 700; i += 11)
            m_locks.insert(u"L-%1"_s.arg(i), 1);
        m_fail503Calls = {2, 5};
        const RetryingUpsert::Report report = upsert(leads(700), options);
        QCOMPARE(report.succeeded, 700);
        QCOMPARE(m_stored.size(), 700);
        for (auto it = m_stored.begin(); it != m_stored.end(); ++it)
            QCOMPARE(it.value(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRetryingUpsert)
#include "TestRetryingUpsert.moc"
