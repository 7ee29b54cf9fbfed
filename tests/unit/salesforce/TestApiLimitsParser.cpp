#include "salesforce/ApiLimitsParser.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;

class TestApiLimitsParser : public QObject
{
    Q_OBJECT

private slots:
    void limitInfoHeader_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<bool>("parsed");
        QTest::addColumn<qint64>("used");
        QTest::addColumn<qint64>("max");
        QTest::addColumn<QString>("counter");
        QTest::addColumn<qint64>("counterUsed");
        QTest::addColumn<qint64>("counterMax");

        QTest::newRow("plain") << QByteArray("api-usage=51/100000") << true << qint64(51)
                               << qint64(100000) << QString() << qint64(-1) << qint64(-1);
        QTest::newRow("spaces") << QByteArray(" api-usage = 7 / 15000 ") << true << qint64(7)
                                << qint64(15000) << QString() << qint64(-1) << qint64(-1);
        QTest::newRow("per app, semicolon")
            << QByteArray("api-usage=25/5000; per-app-api-usage=17/250(appName=sample-app)") << true
            << qint64(25) << qint64(5000) << QStringLiteral("per-app-api-usage:sample-app")
            << qint64(17) << qint64(250);
        QTest::newRow("per app, comma (older docs)")
            << QByteArray("api-usage=25/5000, per-app-api-usage=17/250(appName=x)") << true
            << qint64(25) << qint64(5000) << QStringLiteral("per-app-api-usage") << qint64(17)
            << qint64(250);
        QTest::newRow("api bursts")
            << QByteArray("api-usage=1/15000; api-bursts=1/750") << true << qint64(1)
            << qint64(15000) << QStringLiteral("api-bursts") << qint64(1) << qint64(750);
        QTest::newRow("per app only")
            << QByteArray("per-app-api-usage=3/100(appName=LeadBridge)") << true << qint64(-1)
            << qint64(-1) << QStringLiteral("per-app-api-usage:LeadBridge") << qint64(3)
            << qint64(100);
        QTest::newRow("garbage") << QByteArray("api-usage=lots") << false << qint64(-1)
                                 << qint64(-1) << QString() << qint64(-1) << qint64(-1);
        QTest::newRow("empty") << QByteArray() << false << qint64(-1) << qint64(-1) << QString()
                               << qint64(-1) << qint64(-1);
        QTest::newRow("negative") << QByteArray("api-usage=-1/5") << false << qint64(-1)
                                  << qint64(-1) << QString() << qint64(-1) << qint64(-1);
    }

    void limitInfoHeader()
    {
        QFETCH(QByteArray, header);
        QFETCH(bool, parsed);
        QFETCH(qint64, used);
        QFETCH(qint64, max);
        QFETCH(QString, counter);
        QFETCH(qint64, counterUsed);
        QFETCH(qint64, counterMax);
        ApiLimits limits;
        QCOMPARE(ApiLimitsParser::parseLimitInfo(header, limits), parsed);
        QCOMPARE(limits.used, used);
        QCOMPARE(limits.max, max);
        if (parsed)
            QCOMPARE(limits.system, QStringLiteral("salesforce"));
        if (!counter.isEmpty()) {
            QVERIFY2(limits.counters.contains(counter), qPrintable(counter));
            QCOMPARE(limits.counters.value(counter).used, counterUsed);
            QCOMPARE(limits.counters.value(counter).max, counterMax);
        }
    }

    void limitsResource()
    {
        const QByteArray json = "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14998,"
                                "\"Data Loader Bulk\":{\"Max\":0,\"Remaining\":0},"
                                "\"My Integration App\":{\"Max\":0,\"Remaining\":0}},"
                                "\"DailyBulkApiBatches\":{\"Max\":15000,\"Remaining\":14000},"
                                "\"DataStorageMB\":{\"Max\":45,\"Remaining\":14},"
                                "\"PermissionSets\":{\"Max\":1500,\"Remaining\":1497,"
                                "\"CreateCustom\":{\"Max\":1000,\"Remaining\":997}},"
                                "\"SomethingNew\":{\"Max\":10,\"Remaining\":10,\"Extra\":\"text\"},"
                                "\"NotALimit\":42,\"Broken\":{\"Max\":\"x\"}}";
        const Result<ApiLimits> r = ApiLimitsParser::parseLimitsResource(json);
        QVERIFY(r.ok());
        QCOMPARE(r->system, QStringLiteral("salesforce"));
        QCOMPARE(r->used, qint64(2));
        QCOMPARE(r->max, qint64(15000));
        QCOMPARE(r->remaining(), qint64(14998));
        QCOMPARE(r->counters.value(QStringLiteral("DailyBulkApiBatches")).used, qint64(1000));
        QCOMPARE(r->counters.value(QStringLiteral("DataStorageMB")).used, qint64(31));
        QCOMPARE(r->counters.value(QStringLiteral("PermissionSets")).max, qint64(1500));
        QCOMPARE(r->counters.value(QStringLiteral("SomethingNew")).max, qint64(10));
        QVERIFY(!r->counters.contains(QStringLiteral("NotALimit")));
        QVERIFY(!r->counters.contains(QStringLiteral("Broken")));
        QVERIFY(!r->counters.contains(QStringLiteral("Data Loader Bulk")));
        QVERIFY(!r->counters.contains(QStringLiteral("CreateCustom")));
    }

    void limitsResourceRejectsNonObjects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("broken") << QByteArray("{\"DailyApiRequests\":");
        QTest::newRow("empty") << QByteArray();
    }

    void limitsResourceRejectsNonObjects()
    {
        QFETCH(QByteArray, json);
        const Result<ApiLimits> r = ApiLimitsParser::parseLimitsResource(json);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("unexpected_response"));
    }

    void mergeKeepsCountersAndTakesNewUsage()
    {
        ApiLimits base;
        base.used = 10;
        base.max = 100;
        base.counters.insert(QStringLiteral("DailyBulkApiBatches"), {1, 15000});
        ApiLimits header;
        QVERIFY(ApiLimitsParser::parseLimitInfo("api-usage=12/100", header));
        header.observedAt = 5;
        const ApiLimits m = ApiLimitsParser::merged(base, header);
        QCOMPARE(m.used, qint64(12));
        QCOMPARE(m.max, qint64(100));
        QCOMPARE(m.observedAt, qint64(5));
        QCOMPARE(m.counters.value(QStringLiteral("DailyBulkApiBatches")).max, qint64(15000));
    }
};

QTEST_GUILESS_MAIN(TestApiLimitsParser)
#include "TestApiLimitsParser.moc"
