// systemd integration of `leadbridge sync`: the unit passes `systemd-analyze verify`, and the
// daemon run under a notify socket (NOTIFY_SOCKET, WATCHDOG_USEC, as a Type=notify unit would)
// sends READY=1 once both systems answered, watchdog pings, and STOPPING=1 on SIGTERM.
#include "SandboxProcessRun.h"

#include <QFileInfo>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using lb::test::SandboxProcessRun;

namespace {

// A unix datagram socket bound in a temporary folder: what systemd listens on.
class NotifySocket
{
public:
    ~NotifySocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool bind(const QString &path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        const QByteArray p = path.toLocal8Bit();
        if (m_fd < 0 || p.size() >= qsizetype(sizeof(addr.sun_path)))
            return false;
        memcpy(addr.sun_path, p.constData(), size_t(p.size()));
        return ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0;
    }
    // Every message received so far (one per datagram), in order.
    const QList<QByteArray> &read()
    {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), 0);
            if (n < 0)
                break;
            m_messages.append(QByteArray(buffer, qsizetype(n)));
        }
        return m_messages;
    }
    int count(const QByteArray &message)
    {
        int n = 0;
        for (const QByteArray &m : read())
            n += m.split('\n').contains(message) ? 1 : 0;
        return n;
    }

private:
    int m_fd = -1;
    QList<QByteArray> m_messages;
};

} // namespace

class TestSyncSystemd : public QObject
{
    Q_OBJECT

private slots:
    void unitPassesSystemdAnalyzeVerify()
    {
        const QString analyze = QStringLiteral("/usr/bin/systemd-analyze");
        if (!QFileInfo(analyze).isExecutable())
            QSKIP("systemd-analyze is not installed");
        QFile unit(qEnvironmentVariable("LB_SERVICE_UNIT"));
        QVERIFY(unit.open(QIODevice::ReadOnly));
        QByteArray text = unit.readAll();
        // verify checks that ExecStart's program exists: the one just built stands in for the
        // installed /usr/bin/leadbridge.
        QVERIFY(text.contains("ExecStart=/usr/bin/leadbridge "));
        text.replace("ExecStart=/usr/bin/leadbridge ",
                     QByteArray("ExecStart="
                                + qEnvironmentVariable("LB_LEADBRIDGE_BIN").toLocal8Bit() + ' '));
        QTemporaryDir dir;
        QFile copy(dir.filePath(QFileInfo(unit).fileName()));
        QVERIFY(copy.open(QIODevice::WriteOnly));
        QVERIFY(copy.write(text) == text.size());
        copy.close();
        QProcess verify;
        verify.start(analyze, {QStringLiteral("verify"), copy.fileName()});
        QVERIFY(verify.waitForFinished(60'000));
        const QByteArray err = verify.readAllStandardError();
        QVERIFY2(verify.exitCode() == 0, err.constData());
        // Warnings (an unknown option, a bad value) exit 0 too: none may name the unit.
        QVERIFY2(!err.contains("leadbridge-sync.service"), err.constData());
    }

    void notifiesReadyWatchdogAndStopping()
    {
        SandboxProcessRun run;
        QVERIFY(run.start(50, QStringLiteral("pk_systemd")));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("notify"));
        NotifySocket socket;
        QVERIFY(socket.bind(path));

        QProcess sync;
        QProcessEnvironment env = run.environment();
        env.insert(QStringLiteral("NOTIFY_SOCKET"), path);
        env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("600000")); // pings every 0.3 s
        sync.setProcessEnvironment(env);
        sync.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        sync.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                   {QStringLiteral("--profile"), run.profile(), QStringLiteral("sync")});
        QVERIFY(sync.waitForStarted());

        QVERIFY(QTest::qWaitFor(
            [&] { return sync.state() != QProcess::Running || socket.count("READY=1") > 0; },
            120'000));
        QCOMPARE(socket.count("READY=1"), 1);
        QVERIFY(QTest::qWaitFor(
            [&] { return sync.state() != QProcess::Running || socket.count("WATCHDOG=1") >= 2; },
            60'000));
        QCOMPARE(sync.state(), QProcess::Running);
        QVERIFY(socket.count("WATCHDOG=1") >= 2);
        QCOMPARE(socket.count("STOPPING=1"), 0);

        sync.terminate();
        QVERIFY(sync.waitForFinished(30'000));
        QCOMPARE(sync.exitStatus(), QProcess::NormalExit);
        QCOMPARE(sync.exitCode(), 0);
        QCOMPARE(socket.count("STOPPING=1"), 1);
        QCOMPARE(socket.count("READY=1"), 1);
        qInfo("%d watchdog ping(s) received", socket.count("WATCHDOG=1"));
    }
};

QTEST_GUILESS_MAIN(TestSyncSystemd)
#include "TestSyncSystemd.moc"
