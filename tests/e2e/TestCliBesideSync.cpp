// `leadbridge reconcile`, `status`, `inbox retry` and `credentials test` while `leadbridge sync`
// runs on the same profile and holds its webhook address: only the daemon binds it, so each
// command succeeds beside it, and the daemon still receives webhooks afterwards.
#include "SandboxProcessRun.h"

#include <QTcpServer>
#include <QTcpSocket>

using lb::test::SandboxProcessRun;

namespace {

// A loopback port free right now (the daemon binds it moments later).
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

bool accepting(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(5'000);
}

} // namespace

class TestCliBesideSync : public QObject
{
    Q_OBJECT

private:
    SandboxProcessRun m_run;
    quint16 m_webhookPort = 0;

private slots:
    void initTestCase()
    {
        m_webhookPort = freePort();
        QVERIFY(m_webhookPort != 0);
        m_run.setProfileExtras(
            {{QStringLiteral("webhook_listen"), QStringLiteral("127.0.0.1:%1").arg(m_webhookPort)}},
            {});
        m_run.setWebhookSecret(QStringLiteral("whsec-beside-sync"));
        QVERIFY(m_run.start(200, QStringLiteral("pk_beside")));
    }

    void commandsWorkWhileSyncHoldsTheWebhookAddress()
    {
        QProcess sync;
        m_run.startSync(sync);
        QVERIFY(sync.waitForStarted());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return sync.state() != QProcess::Running
                    || sync.peek(sync.bytesAvailable()).contains("is syncing");
            },
            60'000));
        QCOMPARE(sync.state(), QProcess::Running);
        QVERIFY(accepting(m_webhookPort)); // the daemon holds the address

        QByteArray out, err;
        QCOMPARE(m_run.runCommand({QStringLiteral("reconcile")}, &out, &err), 0);
        QVERIFY2(out.contains("Compared "), err.constData());
        QVERIFY2(!err.contains("cannot listen"), err.constData());

        out.clear();
        QCOMPARE(m_run.runCommand({QStringLiteral("status"), QStringLiteral("--json")}, &out, &err),
                 0);
        const QJsonObject status = QJsonDocument::fromJson(out).object();
        QVERIFY2(!status.isEmpty(), out.constData());

        out.clear();
        QCOMPARE(m_run.runCommand(
                     {QStringLiteral("inbox"), QStringLiteral("retry"), QStringLiteral("--all")},
                     &out, &err),
                 0);
        QVERIFY2(out.contains("item(s) queued for delivery again"), out.constData());

        out.clear();
        QCOMPARE(m_run.runCommand({QStringLiteral("credentials"), QStringLiteral("test"),
                                   QStringLiteral("--system"), QStringLiteral("platform")},
                                  &out, &err),
                 0);

        // The daemon kept its address and is still running.
        QCOMPARE(sync.state(), QProcess::Running);
        QVERIFY(accepting(m_webhookPort));
        sync.terminate();
        QVERIFY(sync.waitForFinished(30'000));
        QCOMPARE(sync.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliBesideSync)
#include "TestCliBesideSync.moc"
