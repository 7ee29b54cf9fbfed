// The fault matrix at the engine (docs/RELIABILITY.md, "Fault matrix"): the whole product,
// both sandboxes with their fault knobs, and the three promises under each fault. The operator
// reads the error in the log or the status; every accepted lead arrives exactly once; the
// engine recovers without anyone touching it. Short timeouts come from the profile
// (sync.request_timeout_s) and the sandbox config, never from sleeps.
#include "LogCapture.h"
#include "SyncWorld.h"
#include "store/Store.h"
#include "sync/SalesforceStream.h"

#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");
const QString Lead = QStringLiteral("Lead");

SyncStatus latest(const QSignalSpy &spy)
{
    return spy.isEmpty() ? SyncStatus {} : spy.last().at(0).value<SyncStatus>();
}

QString sfId(SyncWorld &world, const QString &platformId)
{
    const auto r = world.salesforce.recordByExternalId(Lead, LeadKey, platformId);
    return r ? r->value(QStringLiteral("Id")).toString() : QString();
}

// Every platform lead is in Salesforce exactly once, and was written there once.
void checkEachLeadOnce(SyncWorld &world, int count, bool writtenOnce)
{
    QCOMPARE(world.salesforce.recordCount(Lead), count);
    int missing = 0;
    int rewritten = 0;
    for (const auto &lead : world.platform.leads()) {
        if (sfId(world, lead.id).isEmpty())
            ++missing;
        if (world.salesforce.writeCountFor(Lead, lead.id) != 1)
            ++rewritten;
    }
    QCOMPARE(missing, 0);
    if (writtenOnce)
        QCOMPARE(rewritten, 0);
    else if (rewritten > 0)
        qInfo("%d leads were written twice (an upsert by external id: no duplicate)", rewritten);
}

// The highest attempt count any outbox job needed: > 1 shows a retry happened.
int maxAttempts(const StoreConfig &config)
{
    auto store = Store::open(config, Clock::system(), QStringLiteral("check"));
    if (!store)
        return -1;
    auto q = (*store)->database().run(QStringLiteral("faults.maxAttempts"),
                                      QStringLiteral("SELECT MAX(attempts) FROM outbox"));
    return q && (*q)->next() ? (*q)->value(0).toInt() : -1;
}

enum class Side { Salesforce, Platform };
enum class Fault { Hang, Drop };

} // namespace

Q_DECLARE_METATYPE(Side)
Q_DECLARE_METATYPE(Fault)

class TestEngineFaults : public QObject
{
    Q_OBJECT

private slots:
    // 4/6: every request to one side hangs (the request timeout has to fire) or has its
    // connection closed without an answer, until the fault ends. The failed job keeps its
    // error for the queue view and is retried with backoff; every lead arrives once.
    void transientFaultsDelayButLoseNothing_data()
    {
        QTest::addColumn<Side>("side");
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<QString>("says");
        QTest::newRow("4 Salesforce hangs")
            << Side::Salesforce << Fault::Hang << "sent nothing for 1 s (the request timeout)";
        QTest::newRow("6 Salesforce drops connections")
            << Side::Salesforce << Fault::Drop << "closed the connection before its answer";
        QTest::newRow("4 platform hangs")
            << Side::Platform << Fault::Hang << "sent nothing for 1 s (the request timeout)";
        QTest::newRow("6 platform drops connections")
            << Side::Platform << Fault::Drop << "closed the connection before its answer";
    }

    void transientFaultsDelayButLoseNothing()
    {
        QFETCH(Side, side);
        QFETCH(Fault, fault);
        QFETCH(QString, says);
        constexpr int kLeads = 60;

        LogCapture log;
        SyncWorld world;
        world.platform.generateLeads(kLeads, 7);
        world.profile.sync.requestTimeoutS = 1;
        world.profile.sync.pollIntervalS = 1; // a failed poll is simply made again
        QVERIFY(world.start().ok());
        if (side == Side::Salesforce) {
            sandbox::FaultConfig faults;
            (fault == Fault::Hang ? faults.hangRate : faults.dropRate) = 1.0;
            world.salesforce.setFaults(faults);
        } else if (fault == Fault::Hang) {
            world.platform.faults().setHangRatio(1.0);
        } else {
            world.platform.faults().setDropRatio(1.0);
        }
        world.controller().start();

        // (a) The operator reads what went wrong, naming the host: in the log, and for a
        // delivery also on the job in the queue.
        const QString where
            = side == Side::Salesforce ? QStringLiteral("/services/data/") : QStringLiteral("/v1/");
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return log.contains({says, where});
                     },
                     30'000),
                 "no log line says what the fault was");
        qInfo("the log said: %s", qPrintable(log.find({says, where})));
        if (side == Side::Salesforce) {
            auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                     QStringLiteral("watch"));
            QVERIFY(store.ok());
            QString jobError;
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             auto q = (*store)->database().run(
                                 QStringLiteral("faults.jobError"),
                                 QStringLiteral("SELECT last_error FROM outbox WHERE "
                                                "last_error IS NOT NULL AND state = 'pending'"));
                             if (q && (*q)->next())
                                 jobError = (*q)->value(0).toString();
                             if (q)
                                 (*q)->finish();
                             return jobError.contains(says);
                         },
                         30'000),
                     qPrintable(QStringLiteral("the job's error: ") + jobError));
            qInfo("the queue showed: %s", qPrintable(jobError));
        }

        // (c) The fault ends: the engine finishes by itself.
        world.salesforce.setFaults({});
        world.platform.faults().reset();
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return world.salesforce.recordCount(Lead) == kLeads
                             && world.controller().lastStatus().queue.pending == 0;
                     },
                     60'000),
                 qPrintable(QStringLiteral("%1 of %2 leads arrived")
                                .arg(world.salesforce.recordCount(Lead))
                                .arg(kLeads)));
        world.stopEngine();
        // (b) Nothing lost or doubled; hung and dropped requests never reached the sandbox's
        // logic, so each lead was written once.
        checkEachLeadOnce(world, kLeads, true);
        if (side == Side::Salesforce) {
            const auto c = world.salesforce.faultCounters();
            QVERIFY((fault == Fault::Hang ? c.hang : c.drop) > 0);
            QVERIFY2(maxAttempts(StoreConfig::sqlite(world.storePath)) > 1,
                     "no job was retried, so the fault never struck a delivery");
        }
    }

    // 6c after the commit: Salesforce carries each write out, then drops the connection
    // (sandbox knob dropAfterWriteRate), so LeadBridge cannot tell whether it landed. The retry
    // reads Salesforce first (the check before a resend, as after a kill) and finds the leads
    // there: it sends nothing again.
    void writeWhoseAnswerWasDroppedIsNotSentAgain()
    {
        constexpr int kLeads = 20;
        LogCapture log;
        SyncWorld world;
        world.platform.generateLeads(kLeads, 7);
        world.profile.sync.requestTimeoutS = 1;
        world.profile.sync.pollIntervalS = 1;
        QVERIFY(world.start().ok());
        sandbox::FaultConfig faults;
        faults.dropAfterWriteRate = 1.0;
        world.salesforce.setFaults(faults);
        world.controller().start();
        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("watch"));
        QVERIFY(store.ok());
        const auto jobs = [&](const QString &name, const QString &sql) {
            auto q = (*store)->database().run(name, sql);
            const int n = q && (*q)->next() ? (*q)->value(0).toInt() : -1;
            if (q)
                (*q)->finish();
            return n;
        };
        // The call failed in transit (before its retry, which the outbox makes later): every
        // lead landed.
        QVERIFY(QTest::qWaitFor([&] { return log.contains({QStringLiteral("call failed for")}); },
                                30'000));
        QCOMPARE(world.salesforce.recordCount(Lead), kLeads);
        QHash<QString, int> landed;
        int sentTwiceBelow = 0;
        for (const auto &lead : world.platform.leads()) {
            landed.insert(lead.id, world.salesforce.writeCountFor(Lead, lead.id));
            sentTwiceBelow += landed.value(lead.id) > 1 ? 1 : 0;
        }
        // Qt 6.4 sends a request again by itself when a reused connection closes before any
        // answer, a POST too: the sandbox may have carried the one call out twice.
        qInfo("%d of %d leads were sent twice by the network layer within the failed call",
              sentTwiceBelow, kLeads);

        world.salesforce.setFaults({});
        QVERIFY(QTest::qWaitFor(
            [&] {
                return jobs(QStringLiteral("faults.activeJobs"),
                            QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state IN "
                                           "('pending', 'claimed')"))
                    == 0;
            },
            60'000));
        world.stopEngine();
        QVERIFY2(maxAttempts(StoreConfig::sqlite(world.storePath)) > 1, "no job was retried");
        QVERIFY(world.salesforce.faultCounters().dropAfterWrite > 0);
        int resent = 0;
        for (const auto &lead : world.platform.leads())
            resent += world.salesforce.writeCountFor(Lead, lead.id) != landed.value(lead.id);
        QCOMPARE(resent, 0);
    }

    // 7: the Streaming API stops answering. The client's watchdog (the advised hold plus the
    // request timeout) notices, the status says the stream is down, and when the server is
    // back (without its clients, as after a restart) the client handshakes again and replays
    // from the stored replayId; the catch-up poll covers anything the gap hid.
    void streamThatStopsAnsweringIsNoticedAndResumes()
    {
        sandbox::SandboxConfig config;
        config.streamingTimeoutMs = 1500; // the advised hold of a connect
        LogCapture log;
        SyncWorld world(Clock::system(), config);
        world.platform.generateLeads(6, 3);
        world.profile.salesforce.changes = QStringLiteral("stream");
        world.profile.sync.backstopPollMin = 600; // only the stream's own catch-up polls
        world.profile.sync.requestTimeoutS = 1;
        QVERIFY(world.start().ok());
        QSignalSpy status(&world.controller(), &SyncController::statusChanged);
        world.controller().start();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.salesforce.recordCount(Lead) == 6
                    && latest(status).streamState == QLatin1String("connected");
            },
            60'000));

        world.salesforce.setStreamingSilent(true);
        // (a) Noticed and reported: the stream is not "connected" and says why.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return latest(status).streamState != QLatin1String("connected")
                             && latest(status).streamProblem.contains(QLatin1String("timeout"));
                     },
                     30'000),
                 qPrintable(latest(status).streamState + QStringLiteral(": ")
                            + latest(status).streamProblem));
        qInfo("while silent the status said: %s: %s", qPrintable(latest(status).streamState),
              qPrintable(latest(status).streamProblem));
        // A sales rep works a lead while the stream is down.
        QVERIFY(
            world.salesforce
                .updateRecord(
                    Lead, sfId(world, QStringLiteral("L-000004")),
                    {{QStringLiteral("Status"), QStringLiteral("Working - Contacted")},
                     {QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("Salesforce")}},
                    QStringLiteral("SalesRep"))
                .ok());

        // (c) The server answers again: the stream reconnects by itself, from the stored
        // replayIds ...
        world.salesforce.setStreamingSilent(false);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return latest(status).streamCatchUpWhy.contains(QLatin1String("dropped the client"))
                    && latest(status).streamState == QLatin1String("connected");
            },
            30'000));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return world.platform.lead(QStringLiteral("L-000004"))->status
                             == QLatin1String("working")
                             && latest(status).streamState == QLatin1String("connected");
                     },
                     60'000),
                 qPrintable(latest(status).streamState + QStringLiteral(": ")
                            + latest(status).streamProblem));
        // ... (b) and what changed during the gap arrived: replayed or caught up by the poll the
        // stream asks for after it lost its client.
        QVERIFY(QTest::qWaitFor([&] { return latest(status).streamCaughtUpAt > 0; }, 30'000));
        QVERIFY(!latest(status).streamCatchUpWhy.isEmpty());
        world.stopEngine();
        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("check"));
        QVERIFY(store.ok());
        auto mark = (*store)->watermarks().get(
            SalesforceStream::watermarkName(QStringLiteral("/data/LeadChangeEvent")));
        QVERIFY(mark.ok() && mark->has_value());
        QVERIFY((*mark)->toLongLong() > 0); // the position a restart resumes from
    }

    // 9: PostgreSQL is restarted in the middle of a sync. Statements fail while it is down
    // (the log says the store is unavailable); the engine opens its connection again by
    // itself and finishes; nothing is lost and no lead is doubled.
    void postgresRestartMidSyncLosesNothing()
    {
        const QString fixture = qEnvironmentVariable("LB_PG_FIXTURE");
        QVERIFY2(!fixture.isEmpty(), "LB_PG_FIXTURE (tests/tools/pg-fixture.sh) is not set");
        QTemporaryDir dir;
        const QString state = dir.filePath(QStringLiteral("pg"));
        auto run = [&](const QString &action) {
            QProcess p;
            p.start(fixture, {action, state});
            const bool ok = p.waitForFinished(120'000) && p.exitCode() == 0;
            if (!ok)
                qWarning("pg-fixture %s: %s", qPrintable(action),
                         p.readAllStandardError().constData());
            return ok;
        };
        QVERIFY(run(QStringLiteral("start")));
        auto stopServer = qScopeGuard([&] { run(QStringLiteral("stop")); });
        QFile urlFile(state + QStringLiteral("/url"));
        QVERIFY(urlFile.open(QIODevice::ReadOnly));
        auto config = StoreConfig::parse(QString::fromUtf8(urlFile.readAll()).trimmed());
        QVERIFY(config.ok());

        constexpr int kLeads = 400;
        LogCapture log;
        {
            SyncWorld world;
            world.store = *config;
            world.platform.generateLeads(kLeads, 9);
            world.profile.sync.batchSize = 20;
            world.profile.sync.pollIntervalS = 1;
            world.profile.sync.requestTimeoutS = 2;
            // Jobs whose outcome could not be recorded while the server was down stay claimed
            // until their lease ends, then are delivered again (an idempotent upsert).
            world.profile.sync.leaseS = 5;
            QVERIFY(world.start().ok());
            world.controller().start();
            QVERIFY(
                QTest::qWaitFor([&] { return world.salesforce.recordCount(Lead) >= 60; }, 60'000));
            QVERIFY(run(QStringLiteral("pause")));
            // (a) The outage is reported in words.
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             return log.contains({QStringLiteral("store_unavailable")})
                                 || log.contains({QStringLiteral("cannot be reached")});
                         },
                         30'000),
                     "nothing in the log says the store is unavailable");
            QVERIFY(run(QStringLiteral("resume")));
            // (c) The engine finishes by itself.
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             return world.salesforce.recordCount(Lead) == kLeads
                                 && world.controller().lastStatus().queue.pending == 0;
                         },
                         100'000),
                     qPrintable(QStringLiteral("%1 of %2 leads arrived")
                                    .arg(world.salesforce.recordCount(Lead))
                                    .arg(kLeads)));
            QVERIFY(log.contains({QStringLiteral("connected again to")}));
            auto watch = Store::open(*config, Clock::system(), QStringLiteral("watch"));
            QVERIFY(watch.ok());
            int unfinished = -1;
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             auto q = (*watch)->database().run(
                                 QStringLiteral("faults.unfinished"),
                                 QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state IN "
                                                "('pending', 'claimed')"));
                             unfinished = q && (*q)->next() ? (*q)->value(0).toInt() : -1;
                             if (q)
                                 (*q)->finish();
                             return unfinished == 0;
                         },
                         60'000),
                     qPrintable(QStringLiteral("%1 jobs never finished").arg(unfinished)));
            world.stopEngine();
            // (b) Nothing lost or doubled.
            checkEachLeadOnce(world, kLeads, false);
        }
        auto store = Store::open(*config, Clock::system(), QStringLiteral("check"));
        QVERIFY(store.ok());
        auto q = (*store)->database().run(
            QStringLiteral("faults.unfinished"),
            QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'claimed')"));
        QVERIFY(q.ok() && (*q)->next());
        QCOMPARE((*q)->value(0).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestEngineFaults)
#include "TestEngineFaults.moc"
