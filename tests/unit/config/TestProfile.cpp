#include "config/Profile.h"

#include <QFile>
#include <QTest>

using lb::Profile;

// moc treats "//" inside raw string literals as a comment, so JSON with URLs lives in files
// or in ordinary string literals here.
static QByteArray example()
{
    QFile file(QFINDTESTDATA("profile-example.json"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

class TestProfile : public QObject
{
    Q_OBJECT

private slots:
    void parsesTheDocumentedExample()
    {
        auto p = Profile::fromJson(example(), QStringLiteral("profile.json"));
        QVERIFY2(p.ok(), p ? "" : qPrintable(p.error().message));
        QCOMPARE(p->name, QStringLiteral("production"));
        QCOMPARE(p->salesforce.authFlow, QStringLiteral("jwt_bearer"));
        QCOMPARE(p->salesforce.loginUrl, QUrl(QStringLiteral("https://login.salesforce.com")));
        QCOMPARE(p->platform.webhookListen, QStringLiteral("127.0.0.1:8787"));
        QCOMPARE(p->allowedHosts.size(), 3);
        QCOMPARE(p->sync.pollIntervalS, 30);
        QCOMPARE(p->sync.apiUsagePauseAt, 0.9);
        QCOMPARE(p->sync.highValueThreshold, 50000.0);
        QCOMPARE(p->salesforce.changes, QStringLiteral("stream"));
        QVERIFY(p->salesforce.streamsChanges());
        QCOMPARE(p->sync.backstopPollMin, 15);
        QCOMPARE(p->lifecycle.platformDelete, QStringLiteral("close_in_salesforce")); // default
        QCOMPARE(p->metricsListen, QStringLiteral("127.0.0.1:9464"));
        // Absent: no metrics endpoint.
        auto bare = Profile::fromJson(QByteArray(R"({"name":"x"})"), QStringLiteral("p.json"));
        QVERIFY(bare.ok());
        QVERIFY(bare->metricsListen.isEmpty());
    }

    void changesDefaultToTheStreamAndAcceptPoll()
    {
        auto bare = Profile::fromJson(QByteArray(R"({"name":"x"})"), QStringLiteral("p.json"));
        QVERIFY(bare.ok());
        QVERIFY(bare->salesforce.streamsChanges());
        QCOMPARE(bare->sync.backstopPollMin, 15);
        auto poll = Profile::fromJson(
            QByteArray(
                R"({"name":"x","salesforce":{"changes":"poll"},"sync":{"backstop_poll_min":60}})"),
            QStringLiteral("p.json"));
        QVERIFY2(poll.ok(), poll ? "" : qPrintable(poll.error().message));
        QVERIFY(!poll->salesforce.streamsChanges());
        QCOMPARE(poll->sync.backstopPollMin, 60);
    }

    void readsTheLifecycleSection()
    {
        for (const QString &action : Profile::platformDeleteActions()) {
            const QByteArray json
                = QStringLiteral(R"({"name":"x","lifecycle":{"platform_delete":"%1"}})")
                      .arg(action)
                      .toUtf8();
            auto p = Profile::fromJson(json, QStringLiteral("p.json"));
            QVERIFY2(p.ok(), p ? "" : qPrintable(p.error().message));
            QCOMPARE(p->lifecycle.platformDelete, action);
        }
    }

    void readsTheRetentionSection()
    {
        auto bare = Profile::fromJson(QByteArray(R"({"name":"x"})"), QStringLiteral("p.json"));
        QVERIFY(bare.ok());
        QCOMPARE(bare->retention.inboundEventsDays, 30); // PROFILE.md's defaults
        QCOMPARE(bare->retention.finishedJobsDays, 7);
        QCOMPARE(bare->retention.auditDetailsDays, 365);
        auto set
            = Profile::fromJson(QByteArray(R"({"name":"x","retention":{"inbound_events_days":3,)"
                                           R"("finished_jobs_days":1,"audit_details_days":3650}})"),
                                QStringLiteral("p.json"));
        QVERIFY2(set.ok(), set ? "" : qPrintable(set.error().message));
        QCOMPARE(set->retention.inboundEventsDays, 3);
        QCOMPARE(set->retention.finishedJobsDays, 1);
        QCOMPARE(set->retention.auditDetailsDays, 3650);
    }

    void readsTheAlertThresholds()
    {
        auto bare = Profile::fromJson(QByteArray(R"({"name":"x"})"), QStringLiteral("p.json"));
        QVERIFY(bare.ok());
        QCOMPARE(bare->sync.alertInboxAbove, 100);
        QCOMPARE(bare->sync.alertStreamDownMin, 10);
        QCOMPARE(bare->sync.alertProcessGoneS, 60);
        auto set = Profile::fromJson(
            QByteArray(R"({"name":"x","sync":{"alert_inbox_above":5,"alert_stream_down_min":2,)"
                       R"("alert_process_gone_s":300}})"),
            QStringLiteral("p.json"));
        QVERIFY2(set.ok(), set ? "" : qPrintable(set.error().message));
        QCOMPARE(set->sync.alertInboxAbove, 5);
        QCOMPARE(set->sync.alertStreamDownMin, 2);
        QCOMPARE(set->sync.alertProcessGoneS, 300);
    }

    void reportsErrorsWithFileAndPath_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{") << QStringLiteral("p.json: not valid JSON");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("must be a JSON object");
        QTest::newRow("no name") << QByteArray("{}")
                                 << QStringLiteral("p.json: $.name is required");
        QTest::newRow("unknown top key") << QByteArray("{\"name\":\"x\",\"stroe\":\"sqlite:///x\"}")
                                         << QStringLiteral("unknown key $.stroe");
        QTest::newRow("unknown nested key")
            << QByteArray(R"({"name":"x","salesforce":{"client_secret":"s"}})")
            << QStringLiteral("unknown key $.salesforce.client_secret");
        QTest::newRow("bad flow") << QByteArray(
            R"({"name":"x","salesforce":{"auth_flow":"magic"}})")
                                  << QStringLiteral("$.salesforce.auth_flow must be one of");
        QTest::newRow("bad url") << QByteArray(
            "{\"name\":\"x\",\"platform\":{\"base_url\":\"ftp://x\"}}")
                                 << QStringLiteral("$.platform.base_url must be an http(s) URL");
        QTest::newRow("wrong type") << QByteArray(R"({"name":"x","sync":{"poll_interval_s":"30"}})")
                                    << QStringLiteral("$.sync.poll_interval_s must be a number");
        QTest::newRow("out of range")
            << QByteArray(R"({"name":"x","sync":{"api_usage_pause_at":3}})")
            << QStringLiteral("$.sync.api_usage_pause_at must be between");
        QTest::newRow("fractional int")
            << QByteArray(R"({"name":"x","sync":{"poll_interval_s":1.5}})")
            << QStringLiteral("must be a whole number");
        QTest::newRow("bad version")
            << QByteArray(R"({"name":"x","salesforce":{"api_version":"v62"}})")
            << QStringLiteral("$.salesforce.api_version must look like");
        QTest::newRow("bad changes")
            << QByteArray(R"({"name":"x","salesforce":{"changes":"push"}})")
            << QStringLiteral("$.salesforce.changes must be one of stream, poll (got \"push\")");
        QTest::newRow("changes not a string")
            << QByteArray(R"({"name":"x","salesforce":{"changes":1}})")
            << QStringLiteral("$.salesforce.changes must be a string");
        QTest::newRow("backstop zero")
            << QByteArray(R"({"name":"x","sync":{"backstop_poll_min":0}})")
            << QStringLiteral("$.sync.backstop_poll_min must be between 1 and 10080");
        QTest::newRow("backstop fractional")
            << QByteArray(R"({"name":"x","sync":{"backstop_poll_min":2.5}})")
            << QStringLiteral("must be a whole number");
        QTest::newRow("bad platform_delete")
            << QByteArray(R"({"name":"x","lifecycle":{"platform_delete":"purge"}})")
            << QStringLiteral("$.lifecycle.platform_delete must be one of");
        QTest::newRow("unknown lifecycle key")
            << QByteArray(R"({"name":"x","lifecycle":{"agent_delete":"ignore"}})")
            << QStringLiteral("unknown key $.lifecycle.agent_delete");
        QTest::newRow("bad metrics_listen")
            << QByteArray(R"({"name":"x","metrics_listen":"example.com:9464"})")
            << QStringLiteral("$.metrics_listen must be an address and port such as "
                              "127.0.0.1:9464 (got \"example.com:9464\")");
        QTest::newRow("metrics_listen without port")
            << QByteArray(R"({"name":"x","metrics_listen":"127.0.0.1"})")
            << QStringLiteral("$.metrics_listen must be an address and port");
        QTest::newRow("retention zero days")
            << QByteArray(R"({"name":"x","retention":{"inbound_events_days":0}})")
            << QStringLiteral("$.retention.inbound_events_days must be between 1 and 3650");
        QTest::newRow("retention too long")
            << QByteArray(R"({"name":"x","retention":{"audit_details_days":5000}})")
            << QStringLiteral("$.retention.audit_details_days must be between 1 and 3650");
        QTest::newRow("retention fractional")
            << QByteArray(R"({"name":"x","retention":{"finished_jobs_days":1.5}})")
            << QStringLiteral("$.retention.finished_jobs_days must be a whole number");
        QTest::newRow("retention unknown key")
            << QByteArray(R"({"name":"x","retention":{"reports_days":5}})")
            << QStringLiteral("unknown key $.retention.reports_days");
        QTest::newRow("retention not an object") << QByteArray(R"({"name":"x","retention":30})")
                                                 << QStringLiteral("$.retention must be an object");
        QTest::newRow("process gone below the alive window")
            << QByteArray(R"({"name":"x","sync":{"alert_process_gone_s":10}})")
            << QStringLiteral("$.sync.alert_process_gone_s must be between 30 and 86400");
        QTest::newRow("slash in name")
            << QByteArray(R"({"name":"a/b"})") << QStringLiteral("$.name must be");
    }

    void reportsErrorsWithFileAndPath()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        auto p = Profile::fromJson(json, QStringLiteral("p.json"));
        QVERIFY(!p.ok());
        QVERIFY2(p.error().message.contains(expected), qPrintable(p.error().message));
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "TestProfile.moc"
