// The metrics registry's labels and text, and the /metrics listener: GET /metrics answers the
// exposition with its content type, anything else is refused.
#include "metrics/EngineMetrics.h"
#include "metrics/MetricsServer.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace lb;

class TestEngineMetrics : public QObject
{
    Q_OBJECT

private slots:
    void endpointKinds_data()
    {
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("kind");
        const QString sf = QStringLiteral("salesforce");
        const QString pf = QStringLiteral("platform");
        QTest::newRow("token") << sf << "https://login.example/services/oauth2/token"
                               << "oauth";
        QTest::newRow("query") << sf << "https://x/services/data/v62.0/query?q=SELECT"
                               << "query";
        QTest::newRow("queryAll") << sf << "https://x/services/data/v62.0/queryAll?q=S"
                                  << "query";
        QTest::newRow("collections")
            << sf << "https://x/services/data/v62.0/composite/sobjects/Lead/Platform_Lead_Id__c"
            << "collections";
        QTest::newRow("composite") << sf << "https://x/services/data/v62.0/composite"
                                   << "composite";
        QTest::newRow("sobject") << sf << "https://x/services/data/v62.0/sobjects/Lead/00Q1"
                                 << "sobjects";
        QTest::newRow("limits") << sf << "https://x/services/data/v62.0/limits"
                                << "limits";
        QTest::newRow("bulk") << sf << "https://x/services/data/v62.0/jobs/ingest/750x/batches"
                              << "bulk";
        QTest::newRow("resources") << sf << "https://x/services/data/v62.0"
                                   << "resources";
        QTest::newRow("cometd") << sf << "https://x/cometd/62.0/connect"
                                << "streaming";
        QTest::newRow("elsewhere") << sf << "https://x/id/00D/005"
                                   << "other";
        QTest::newRow("platform lead") << pf << "https://p/v1/leads/L-123"
                                       << "leads";
        QTest::newRow("platform agents") << pf << "https://p/v1/agents?since=1"
                                         << "agents";
        // An id in the first place never becomes a label value.
        QTest::newRow("platform odd") << pf << "https://p/v1/L-123"
                                      << "other";
    }

    void endpointKinds()
    {
        QFETCH(QString, system);
        QFETCH(QString, url);
        QFETCH(QString, kind);
        QCOMPARE(EngineMetrics::endpointKind(system, QUrl(url)), kind);
    }

    void errorClasses()
    {
        QCOMPARE(EngineMetrics::errorClass(200), QString());
        QCOMPARE(EngineMetrics::errorClass(204), QString());
        QCOMPARE(EngineMetrics::errorClass(0), QStringLiteral("network"));
        QCOMPARE(EngineMetrics::errorClass(401), QStringLiteral("auth"));
        QCOMPARE(EngineMetrics::errorClass(403), QStringLiteral("forbidden"));
        QCOMPARE(EngineMetrics::errorClass(429), QStringLiteral("throttled"));
        QCOMPARE(EngineMetrics::errorClass(400), QStringLiteral("client"));
        QCOMPARE(EngineMetrics::errorClass(503), QStringLiteral("server"));
    }

    void writesCountersHistogramsAndGauges()
    {
        EngineMetrics m;
        const QUrl query(QStringLiteral("https://x/services/data/v62.0/query?q=S"));
        m.observeCall(QStringLiteral("salesforce"), query, 200, 40);
        m.observeCall(QStringLiteral("salesforce"), query, 503, 2000);
        m.noteDelivered(5, 0);
        m.noteDelivered(2, 3);
        SyncStatus s;
        s.state = SyncStatus::State::Running;
        s.queue.pending = 7;
        s.queue.inbox = 2;
        s.lagMs = 1500;
        s.breakers.append({QStringLiteral("platform"), QStringLiteral("open"), 0.6, 0});
        s.salesforceLimits.used = 10;
        s.salesforceLimits.max = 1000;
        m.setGauges(s, 10'000, {QStringLiteral("salesforce.stream"), QStringLiteral("reconcile")},
                    {QStringLiteral("reconcile")});
        const QString text = QString::fromUtf8(m.exposition());
        const QStringList expected {
            QStringLiteral("# TYPE leadbridge_http_calls_total counter"),
            QStringLiteral(R"(leadbridge_http_calls_total{kind="query",system="salesforce"} 2)"),
            QStringLiteral(R"(leadbridge_http_errors_total{class="server",system="salesforce"} 1)"),
            QStringLiteral("# TYPE leadbridge_http_call_duration_seconds histogram"),
            QStringLiteral(
                R"(leadbridge_http_call_duration_seconds_bucket{kind="query",system="salesforce",le="0.05"} 1)"),
            QStringLiteral(
                R"(leadbridge_http_call_duration_seconds_count{kind="query",system="salesforce"} 2)"),
            QStringLiteral(R"(leadbridge_records_delivered_total{direction="to_salesforce"} 7)"),
            QStringLiteral(R"(leadbridge_records_delivered_total{direction="to_platform"} 3)"),
            QStringLiteral(R"(leadbridge_engine_state{state="running"} 1)"),
            QStringLiteral(R"(leadbridge_engine_state{state="paused"} 0)"),
            QStringLiteral(R"(leadbridge_queue_depth{state="pending"} 7)"),
            QStringLiteral("leadbridge_queue_oldest_age_seconds 1.5"),
            QStringLiteral("leadbridge_inbox_size 2"),
            QStringLiteral(R"(leadbridge_stream_state{state="off"} 1)"),
            QStringLiteral(R"(leadbridge_breaker_state{state="open",system="platform"} 1)"),
            QStringLiteral(R"(leadbridge_breaker_state{state="closed",system="platform"} 0)"),
            QStringLiteral(R"(leadbridge_api_usage{system="salesforce"} 10)"),
            QStringLiteral(R"(leadbridge_api_allocation{system="salesforce"} 1000)"),
            QStringLiteral(R"(leadbridge_duty_held{duty="reconcile"} 1)"),
            QStringLiteral(R"(leadbridge_duty_held{duty="salesforce.stream"} 0)")};
        for (const QString &line : expected)
            QVERIFY2(text.split(u'\n').contains(line), qPrintable(line + u'\n' + text));
        // The platform reported no allocation: no made-up value.
        QVERIFY(!text.contains(QStringLiteral("leadbridge_destination_jobs{"))); // none yet
        SyncStatus withDestinations = s;
        SyncStatus::Destination d;
        d.name = QStringLiteral("analytics");
        d.breaker = QStringLiteral("open");
        d.pending = 12;
        d.delivered = 340;
        d.failed = 1;
        withDestinations.destinations.append(d);
        m.setGauges(withDestinations, 10'000, {}, {});
        const QStringList lines = QString::fromUtf8(m.exposition()).split(u'\n');
        for (
            const QString &line :
            {QStringLiteral(
                 R"(leadbridge_destination_jobs{destination="analytics",state="pending"} 12)"),
             QStringLiteral(
                 R"(leadbridge_destination_jobs{destination="analytics",state="delivered"} 340)"),
             QStringLiteral(
                 R"(leadbridge_destination_jobs{destination="analytics",state="inbox"} 1)"),
             QStringLiteral(
                 R"(leadbridge_destination_breaker_state{destination="analytics",state="open"} 1)"),
             QStringLiteral(
                 R"(leadbridge_destination_breaker_state{destination="analytics",state="closed"} 0)")})
            QVERIFY2(lines.contains(line), qPrintable(line));
        QVERIFY(!text.contains(QStringLiteral(R"(leadbridge_api_usage{system="platform"})")));
    }

    void servesGetMetricsOnly()
    {
        int scrapes = 0;
        MetricsServer server([&scrapes] {
            ++scrapes;
            return QByteArrayLiteral("up 1\n");
        });
        auto port = server.listen(QStringLiteral("127.0.0.1:0"));
        QVERIFY2(port.ok(), port ? "" : qPrintable(port.error().message));
        QNetworkAccessManager nam;
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(*port);
        const auto answer = [](QNetworkReply *r) {
            if (!QTest::qWaitFor([r] { return r->isFinished(); }, 30'000))
                return -1;
            r->deleteLater();
            return r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        };
        QNetworkReply *get = nam.get(QNetworkRequest(QUrl(base + QStringLiteral("/metrics"))));
        QCOMPARE(answer(get), 200);
        QCOMPARE(get->readAll(), QByteArrayLiteral("up 1\n"));
        QCOMPARE(get->header(QNetworkRequest::ContentTypeHeader).toByteArray(),
                 QByteArray(EngineMetrics::ContentType));
        QCOMPARE(scrapes, 1);
        QCOMPARE(answer(nam.get(QNetworkRequest(QUrl(base + QStringLiteral("/other"))))), 404);
        QNetworkRequest post(QUrl(base + QStringLiteral("/metrics")));
        post.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("text/plain"));
        QCOMPARE(answer(nam.post(post, QByteArrayLiteral("x"))), 413); // no body is accepted
        QCOMPARE(answer(nam.sendCustomRequest(post, "DELETE")), 405);
        QCOMPARE(scrapes, 1);
    }

    void refusesABadAddress()
    {
        MetricsServer server([] { return QByteArray(); });
        auto port = server.listen(QStringLiteral("metrics.example:9464"));
        QVERIFY(!port.ok());
        QVERIFY(port.error().message.contains(QStringLiteral("metrics.example:9464")));
    }
};

QTEST_GUILESS_MAIN(TestEngineMetrics)
#include "TestEngineMetrics.moc"
