#include "platform/PlatformSandbox.h"
#include "platform/PlatformSandboxCli.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lb;
using namespace lb::sandbox;

class TestPlatformSandboxCli : public QObject
{
    Q_OBJECT

    static Result<std::unique_ptr<PlatformSandbox>> start(const QStringList &args)
    {
        QCommandLineParser parser;
        PlatformSandboxCli::addOptions(parser);
        if (!parser.parse(QStringList {QStringLiteral("leadbridge-sandbox")} + args))
            return makeError(QStringLiteral("parse"), parser.errorText());
        return PlatformSandboxCli::start(parser);
    }

private slots:
    void defaults()
    {
        auto sandbox = start({});
        QVERIFY2(sandbox.ok(), qPrintable(sandbox.ok() ? QString() : sandbox.error().message));
        QVERIFY((*sandbox)->port() > 0);
        QVERIFY((*sandbox)->baseUrl().startsWith(QStringLiteral("http://127.0.0.1:")));
        QCOMPARE((*sandbox)->apiKey(), QString::fromLatin1(PlatformSandbox::DefaultApiKey));
        QCOMPARE((*sandbox)->rateLimit().limit(), 1000);
        QCOMPARE((*sandbox)->leadCount(), 0);
        QVERIFY(!(*sandbox)->webhooks().hasTarget());
    }

    void everyOption()
    {
        QTemporaryDir dir;
        const QString seed = dir.filePath(QStringLiteral("seed.json"));
        QFile file(seed);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"leads\":[{\"id\":\"L-9\",\"last_name\":\"Seeded\",\"version\":4,"
                   "\"updated_at\":\"2026-01-01T00:00:00.000Z\"}],"
                   "\"agents\":[{\"id\":\"A-9\",\"name\":\"Seeded Agent\"}]}");
        file.close();
        auto sandbox
            = start({QStringLiteral("--platform-api-key"), QStringLiteral("k"),
                     QStringLiteral("--platform-rate-limit"), QStringLiteral("5/2"),
                     QStringLiteral("--platform-generate"), QStringLiteral("25"),
                     QStringLiteral("--platform-agents"), QStringLiteral("3"),
                     QStringLiteral("--platform-seed"), seed, QStringLiteral("--platform-slow-ms"),
                     QStringLiteral("10"), QStringLiteral("--webhook-url"),
                     QStringLiteral("http://127.0.0.1:9/hooks/platform"),
                     QStringLiteral("--webhook-secret"), QStringLiteral("s3cret"),
                     QStringLiteral("--webhook-duplicate")});
        QVERIFY2(sandbox.ok(), qPrintable(sandbox.ok() ? QString() : sandbox.error().message));
        PlatformSandbox &s = **sandbox;
        QCOMPARE(s.apiKey(), QStringLiteral("k"));
        QCOMPARE(s.rateLimit().limit(), 5);
        QCOMPARE(s.rateLimit().windowS(), 2);
        QCOMPARE(s.leadCount(), 26);
        QCOMPARE(s.agentCount(), 4);
        QCOMPARE(s.lead(QStringLiteral("L-9"))->version, Q_INT64_C(4));
        QCOMPARE(s.faults().slowMs(), 10);
        QVERIFY(s.faults().duplicateDeliveries());
        QCOMPARE(s.webhooks().target(), QUrl(QStringLiteral("http://127.0.0.1:9/hooks/platform")));
    }

    void badOptionsNameTheOption_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        QTest::newRow("rate limit")
            << QStringList {QStringLiteral("--platform-rate-limit"), QStringLiteral("fast")}
            << "platform-rate-limit";
        QTest::newRow("503 share")
            << QStringList {QStringLiteral("--platform-fail-503"), QStringLiteral("1.5")}
            << "platform-fail-503";
        QTest::newRow("port") << QStringList {QStringLiteral("--platform-port"),
                                              QStringLiteral("70000")}
                              << "platform-port";
        QTest::newRow("webhook without secret")
            << QStringList {QStringLiteral("--webhook-url"), QStringLiteral("http://127.0.0.1:9/")}
            << "webhook-secret";
        QTest::newRow("webhook url")
            << QStringList {QStringLiteral("--webhook-url"), QStringLiteral("ftp://x/"),
                            QStringLiteral("--webhook-secret"), QStringLiteral("s")}
            << "webhook-url";
        QTest::newRow("seed missing") << QStringList {QStringLiteral("--platform-seed"),
                                                      QStringLiteral("/nonexistent/seed.json")}
                                      << "platform-seed";
    }

    void badOptionsNameTheOption()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        qunsetenv("LEADBRIDGE_WEBHOOK_SECRET");
        auto sandbox = start(args);
        QVERIFY(!sandbox.ok());
        QVERIFY2(sandbox.error().message.contains(QStringLiteral("--") + option),
                 qPrintable(sandbox.error().message));
    }
};

QTEST_GUILESS_MAIN(TestPlatformSandboxCli)
#include "TestPlatformSandboxCli.moc"
