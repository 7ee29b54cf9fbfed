// `leadbridge sync` stopped by SIGTERM at 50 random moments of a two-way run, some of them right
// after a SIGKILL and a restart (once seen to end in SIGSEGV): every stop exits 0 within 30 s,
// and afterwards every lead was written to Salesforce once and every change made there reached
// the platform. Runs under ASan and UBSan in CI, where a use after free would fail the stop.
#include "SandboxProcessRun.h"

#include <QRandomGenerator>

using lb::test::SandboxProcessRun;

class TestSyncSigterm : public QObject
{
    Q_OBJECT

private:
    SandboxProcessRun m_run;

private slots:
    void initTestCase() { QVERIFY(m_run.start(2000, QStringLiteral("pk_sigterm"))); }

    void stoppedAtFiftyRandomMomentsExitsCleanlyAndLosesNothing()
    {
        QRandomGenerator random(1206);
        int afterKill = 0;
        QStringList edited;
        for (int stop = 0; stop < 50; ++stop) {
            if (stop == 25) {
                // Halfway, Salesforce users change leads: the second half runs both ways.
                edited = m_run.editLeadsAsAUser(
                    20, {{QStringLiteral("Status"), QStringLiteral("Working - Contacted")}});
                QCOMPARE(edited.size(), 20);
            }
            QProcess sync;
            m_run.startSync(sync);
            QVERIFY(sync.waitForStarted());
            if (random.bounded(3) == 0) {
                // Killed, then restarted at once: the case once seen to crash on SIGTERM.
                QTest::qWait(int(random.bounded(100, 1500)));
                sync.kill();
                QVERIFY(sync.waitForFinished(30'000));
                m_run.startSync(sync);
                QVERIFY(sync.waitForStarted());
                ++afterKill;
            }
            // A moment of the run: from the daemon's "syncing" line (before it, the process may
            // not even have reached main()), up to 2.5 s into polling and delivering.
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return sync.state() != QProcess::Running
                        || sync.peek(sync.bytesAvailable()).contains("is syncing");
                },
                60'000));
            QTest::qWait(int(random.bounded(0, 2500)));
            sync.terminate(); // SIGTERM
            const bool finished = sync.waitForFinished(30'000);
            const QByteArray err = sync.readAllStandardError();
            QVERIFY2(finished,
                     qPrintable(QStringLiteral("stop %1 did not end within 30 s").arg(stop)));
            QVERIFY2(sync.exitStatus() == QProcess::NormalExit && sync.exitCode() == 0,
                     qPrintable(QStringLiteral("stop %1: exit status %2, code %3\n%4")
                                    .arg(stop)
                                    .arg(int(sync.exitStatus()))
                                    .arg(sync.exitCode())
                                    .arg(QString::fromUtf8(err.right(4000)))));
        }
        qInfo("50 SIGTERMs, %d of them right after a SIGKILL and restart", afterKill);

        // Leases of a killed run end before another may take its jobs.
        QTest::qWait(5'500);
        QByteArray err;
        QCOMPARE(m_run.runOnce(QStringLiteral("sandbox-password"), &err), 0);

        const QJsonObject stats = m_run.stats();
        QHash<QString, int> changed;
        for (const QJsonValue &v : stats.value(QStringLiteral("writeLog")).toArray()) {
            const QJsonObject w = v.toObject();
            // LeadBridge's writes (its call options name it), not the users' edits.
            if (w.value(QStringLiteral("object")).toString() == QLatin1String("Lead")
                && !w.value(QStringLiteral("client")).isNull()
                && w.value(QStringLiteral("changed")).toBool())
                ++changed[w.value(QStringLiteral("externalId")).toString()];
        }
        int notOnce = 0;
        for (auto it = changed.cbegin(); it != changed.cend(); ++it)
            notOnce += it.value() == 1 ? 0 : 1;
        QCOMPARE(qint64(changed.size()), 2000);
        QCOMPARE(notOnce, 0);
        // The Salesforce users' changes are on the platform.
        for (const QString &id : std::as_const(edited))
            QCOMPARE(m_run.platformLead(id).value(QStringLiteral("status")).toString(),
                     QStringLiteral("working"));
    }
};

QTEST_GUILESS_MAIN(TestSyncSigterm)
#include "TestSyncSigterm.moc"
