// How the console ends when it cannot start or is told to stop: without a display it says so in
// one line and exits 2; a demo ended by SIGTERM or SIGINT leaves no folder behind, and two demos
// at once keep to their own folders.
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <csignal>

class TestConsoleExits : public QObject
{
    Q_OBJECT

private:
    static QString binary() { return qEnvironmentVariable("LB_LEADBRIDGE_BIN"); }

    // The environment of a session without any display: no X, no Wayland, no platform chosen.
    static QProcessEnvironment headless()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        return env;
    }

    // Starts `leadbridge --demo` offscreen and returns the folder it announces on stderr.
    static QString startDemo(QProcess &p, const QString &tmp)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("TMPDIR"), tmp);
        p.setProcessEnvironment(env);
        p.start(binary(), {QStringLiteral("--demo")});
        if (!p.waitForStarted(30'000))
            return {};
        static const QRegularExpression announced(
            QStringLiteral("store in (\\S+) \\(removed on exit\\)"));
        QByteArray err;
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 120'000 && p.state() == QProcess::Running) {
            p.waitForReadyRead(1'000);
            err += p.readAllStandardError();
            const auto m = announced.match(QString::fromLocal8Bit(err));
            if (m.hasMatch())
                return m.captured(1);
        }
        qWarning().noquote() << "demo said:" << err;
        return {};
    }

    // Waits until the demo has written its store, so the signal arrives while it is busy.
    static bool waitForStore(const QString &folder)
    {
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 120'000) {
            if (QFileInfo::exists(folder + QStringLiteral("/demo.db")))
                return true;
            QTest::qWait(100);
        }
        return false;
    }

private slots:
    void withoutDisplaySaysSoInOneLine_data()
    {
        QTest::addColumn<QString>("display");
        QTest::addColumn<QString>("platform");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nothing set") << QString() << QString() << QStringLiteral("no display");
        QTest::newRow("xcb chosen, no display")
            << QString() << QStringLiteral("xcb") << QStringLiteral("no display");
        // A display that is set but unreachable (an SSH session's stale DISPLAY): Qt itself fails.
        QTest::newRow("unreachable display") << QStringLiteral(":87") << QString()
                                             << QStringLiteral("cannot open the display \":87\"");
    }

    void withoutDisplaySaysSoInOneLine()
    {
        QFETCH(QString, display);
        QFETCH(QString, platform);
        QFETCH(QString, expected);
        QProcessEnvironment env = headless();
        if (!display.isEmpty())
            env.insert(QStringLiteral("DISPLAY"), display);
        if (!platform.isEmpty())
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), platform);
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(binary(), {QStringLiteral("--demo")});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        const QStringList lines = err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        const QString line = lines.first();
        QVERIFY2(line.contains(expected), qPrintable(line));
        QVERIFY2(line.contains(QLatin1String("leadbridge sync")), qPrintable(line));
        QVERIFY2(line.contains(QLatin1String("QT_QPA_PLATFORM=offscreen")), qPrintable(line));
        QVERIFY2(!line.contains(QLatin1String("Reinstall")), qPrintable(line));
        QVERIFY(p.readAllStandardOutput().isEmpty());
    }

    void headlessCommandsNeedNoDisplay()
    {
        QProcess p;
        p.setProcessEnvironment(headless());
        p.start(binary(), {QStringLiteral("--version")});
        QVERIFY(p.waitForFinished(30'000));
        QCOMPARE(p.exitCode(), 0);
    }

    // Two demos at once, one ended by SIGTERM and one by SIGINT: each has its own folder, both
    // exit cleanly and neither folder is left.
    void demoLeavesNothingOnSignals()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QProcess first;
        QProcess second;
        const QString firstFolder = startDemo(first, tmp.path());
        const QString secondFolder = startDemo(second, tmp.path());
        QVERIFY(!firstFolder.isEmpty());
        QVERIFY(!secondFolder.isEmpty());
        QVERIFY(firstFolder != secondFolder);
        QVERIFY(firstFolder.startsWith(tmp.path()));
        QVERIFY(waitForStore(firstFolder));
        QVERIFY(waitForStore(secondFolder));

        ::kill(static_cast<pid_t>(first.processId()), SIGTERM);
        QVERIFY(first.waitForFinished(60'000));
        QCOMPARE(first.exitStatus(), QProcess::NormalExit);
        QCOMPARE(first.exitCode(), 0);
        QVERIFY2(!QFileInfo::exists(firstFolder), qPrintable(firstFolder));
        QVERIFY2(QFileInfo::exists(secondFolder + QStringLiteral("/demo.db")),
                 "the other demo's store went with the first");

        ::kill(static_cast<pid_t>(second.processId()), SIGINT);
        QVERIFY(second.waitForFinished(60'000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        QVERIFY2(!QFileInfo::exists(secondFolder), qPrintable(secondFolder));
        const QStringList left = QDir(tmp.path())
                                     .entryList({QStringLiteral("leadbridge-demo-*")},
                                                QDir::AllEntries | QDir::NoDotAndDotDot);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
    }
};

QTEST_GUILESS_MAIN(TestConsoleExits)
#include "TestConsoleExits.moc"
