// Issue 13's engine slice against both sandboxes: with salesforce.changes = stream, a Salesforce
// user's edit reaches the platform on the change stream without a poll, LeadBridge's own writes
// coming back on the stream cause no platform write, and a restart resumes from the stored
// replayId.
#include "EngineStop.h"
#include "SyncWorld.h"
#include "mapping/FieldMapping.h"
#include "store/Store.h"
#include "sync/Pollers.h"
#include "sync/SalesforceStream.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");

QString sfId(SyncWorld &world, const QString &platformId)
{
    const auto r = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, platformId);
    return r ? r->value(QStringLiteral("Id")).toString() : QString();
}

// The worker reports its status every second; the latest report.
SyncStatus latest(const QSignalSpy &spy)
{
    return spy.isEmpty() ? SyncStatus {} : spy.last().at(0).value<SyncStatus>();
}

} // namespace

class TestSyncStream : public QObject
{
    Q_OBJECT

private slots:
    void channelsAndRecordIds()
    {
        QCOMPARE(SalesforceStream::channelFor(QStringLiteral("Lead")),
                 QStringLiteral("/data/LeadChangeEvent"));
        QCOMPARE(SalesforceStream::channelFor(QStringLiteral("People__c")),
                 QStringLiteral("/data/People__ChangeEvent"));
        QVERIFY(SalesforceStream::isRecordId(QStringLiteral("00Q000000000001")));
        QVERIFY(SalesforceStream::isRecordId(QStringLiteral("00Q000000000001AAA")));
        QVERIFY(!SalesforceStream::isRecordId(QStringLiteral("00Q' OR Id != '")));
        QVERIFY(!SalesforceStream::isRecordId(QStringLiteral("00Q00000000001")));
        const QString soql = SalesforcePoller::soqlForIds(
            FieldMapping::defaultMapping()->lead, true,
            {QStringLiteral("00Q000000000001AAA"), QStringLiteral("00Q000000000002AAA")});
        // Every lead named, linked or not (one created in Salesforce gets its platform id).
        QVERIFY2(
            soql.contains(QLatin1String(
                " FROM Lead WHERE Id IN ('00Q000000000001AAA','00Q000000000002AAA') ORDER BY")),
            qPrintable(soql));
        QVERIFY2(soql.contains(QLatin1String("IsDeleted"))
                     && soql.contains(QLatin1String("MasterRecordId")),
                 qPrintable(soql));
    }

    void salesforceEditsArriveOnTheStreamWithoutPollingAndResumeAfterRestart()
    {
        SyncWorld world;
        world.enableWebhooks();
        world.platform.generateLeads(6, 3);
        world.profile.salesforce.changes = QStringLiteral("stream");
        world.profile.sync.backstopPollMin = 600; // no backstop poll during the test
        int cometd = 0;
        connect(&world.salesforce, &sandbox::SalesforceSandbox::requestServed, this,
                [&cometd](const QString &path, int) {
                    if (path.startsWith(QLatin1String("/cometd/")))
                        ++cometd;
                });
        QVERIFY(world.start().ok());
        QSignalSpy status(&world.controller(), &SyncController::statusChanged);
        world.controller().start(); // one initial poll; the platform's next is an hour away
        // Loaded into Salesforce, and subscribed (handshake + one subscribe per channel).
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.salesforce.recordCount(QStringLiteral("Lead")) == 6 && cometd >= 3;
            },
            60'000));
        QVERIFY(QTest::qWaitFor([&] { return latest(status).salesforcePolls == 1; }, 10'000));
        QCOMPARE(latest(status).streamState, QStringLiteral("connected"));

        // A sales rep works a lead: it reaches the platform on the stream.
        QVERIFY(
            world.salesforce
                .updateRecord(
                    QStringLiteral("Lead"), sfId(world, QStringLiteral("L-000002")),
                    {{QStringLiteral("Status"), QStringLiteral("Working - Contacted")},
                     {QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("Salesforce")}},
                    QStringLiteral("SalesRep"))
                .ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.platform.lead(QStringLiteral("L-000002"))->status
                    == QLatin1String("working");
            },
            30'000));

        // A platform user's edit goes to Salesforce (webhook); LeadBridge's write comes back on
        // the stream as an echo and is not read or written back.
        const qsizetype platformWrites = world.platform.writeLog().size();
        const qint64 echoes = latest(status).streamEchoes;
        QVERIFY(world.platform
                    .editLead(QStringLiteral("L-000003"),
                              {{QStringLiteral("first_name"), QStringLiteral("Hooked")}},
                              QStringLiteral("agent-ui"))
                    .ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto r = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey,
                                                                   QStringLiteral("L-000003"));
                return r
                    && r->value(QStringLiteral("FirstName")).toString() == QLatin1String("Hooked")
                    && latest(status).streamEchoes > echoes;
            },
            30'000));
        QCOMPARE(world.platform.writeLog().size(), platformWrites);
        QCOMPARE(latest(status).salesforcePolls, 1); // still only the initial poll
        world.stopEngine();

        // Changed while LeadBridge is stopped; the restarted engine resumes the stream from the
        // stored replayId and takes it in without polling Salesforce.
        {
            auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                     QStringLiteral("check"));
            QVERIFY(store.ok());
            auto mark = (*store)->watermarks().get(
                SalesforceStream::watermarkName(QStringLiteral("/data/LeadChangeEvent")));
            QVERIFY(mark.ok() && mark->has_value());
            QVERIFY((*mark)->toLongLong() > 0);
        }
        QVERIFY(
            world.salesforce
                .updateRecord(
                    QStringLiteral("Lead"), sfId(world, QStringLiteral("L-000005")),
                    {{QStringLiteral("Status"), QStringLiteral("Closed - Not Converted")},
                     {QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("Salesforce")}},
                    QStringLiteral("SalesRep"))
                .ok());
        QVERIFY(world.restartEngine().ok());
        QSignalSpy restarted(&world.controller(), &SyncController::statusChanged);
        world.controller().start();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.platform.lead(QStringLiteral("L-000005"))->status
                    == QLatin1String("lost");
            },
            30'000));
        restarted.clear(); // a report made after the change was taken in
        QVERIFY(QTest::qWaitFor([&] { return !restarted.isEmpty(); }, 10'000));
        QCOMPARE(latest(restarted).salesforcePolls, 0);
        QVERIFY(latest(restarted).streamEvents >= 1);
        world.stopEngine();

        // What `leadbridge status` reads from the store tells the stream from the poll.
        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("check"));
        QVERIFY(store.ok());
        auto saved = (*store)->watermarks().get(QStringLiteral("worker.status"));
        QVERIFY(saved.ok() && saved->has_value());
        const SyncStatus persisted
            = SyncStatus::fromJson(QJsonDocument::fromJson((*saved)->toUtf8()).object());
        QVERIFY(persisted.streamState != QLatin1String("off"));
        QVERIFY(persisted.streamEvents >= 1);
        QCOMPARE(persisted.salesforcePolls, 0);
    }

    void anExpiredReplayIdIsCaughtUpByAPoll()
    {
        SyncWorld world;
        world.platform.generateLeads(4, 2);
        world.profile.salesforce.changes = QStringLiteral("stream");
        world.profile.sync.backstopPollMin = 600;
        QVERIFY(world.start().ok());
        QSignalSpy status(&world.controller(), &SyncController::statusChanged);
        world.controller().start();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.salesforce.recordCount(QStringLiteral("Lead")) == 4
                    && latest(status).streamState == QLatin1String("connected");
            },
            60'000));
        QVERIFY(
            world.salesforce
                .updateRecord(
                    QStringLiteral("Lead"), sfId(world, QStringLiteral("L-000001")),
                    {{QStringLiteral("Status"), QStringLiteral("Working - Contacted")},
                     {QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("Salesforce")}},
                    QStringLiteral("SalesRep"))
                .ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.platform.lead(QStringLiteral("L-000001"))->status
                    == QLatin1String("working");
            },
            30'000));
        world.stopEngine();

        // While stopped, a change is made and the events (with the stored replayId) expire.
        QVERIFY(world.salesforce
                    .updateRecord(QStringLiteral("Lead"), sfId(world, QStringLiteral("L-000004")),
                                  {{QStringLiteral("Status"), QStringLiteral("Closed - Converted")},
                                   {QStringLiteral("Last_Updated_By_System__c"),
                                    QStringLiteral("Salesforce")}},
                                  QStringLiteral("SalesRep"))
                    .ok());
        world.salesforce.expireChangeEvents();
        QVERIFY(world.restartEngine().ok());
        QSignalSpy restarted(&world.controller(), &SyncController::statusChanged);
        world.controller().start();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.platform.lead(QStringLiteral("L-000004"))->status
                    == QLatin1String("won");
            },
            30'000));
        restarted.clear();
        QVERIFY(QTest::qWaitFor([&] { return !restarted.isEmpty(); }, 10'000));
        QCOMPARE(latest(restarted).salesforcePolls, 1); // the catch-up, not a start poll
        QVERIFY(QTest::qWaitFor(
            [&] { return latest(restarted).streamState == QLatin1String("connected"); }, 30'000));
        // The status (dashboard, `status --json`) says the stream caught up after a gap, and
        // where each channel stands.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const SyncStatus s = latest(restarted);
                return s.streamCaughtUpAt > 0 && s.streamChannels.size() == 2
                    && s.streamChannels.at(0).subscribed && s.streamChannels.at(1).subscribed;
            },
            30'000));
        QVERIFY(latest(restarted).streamCatchUpAt <= latest(restarted).streamCaughtUpAt);
        QVERIFY2(latest(restarted).streamCatchUpWhy.contains(QLatin1String("no longer available")),
                 qPrintable(latest(restarted).streamCatchUpWhy));

        // Salesforce could not say which Leads changed: a full catch-up of them.
        QVERIFY(
            world.salesforce.emitGapEvent(QStringLiteral("Lead"), QStringLiteral("GAP_OVERFLOW"))
                .ok());
        QVERIFY(QTest::qWaitFor([&] { return latest(restarted).salesforcePolls == 2; }, 30'000));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return latest(restarted).streamCatchUpWhy.contains(QLatin1String("GAP_OVERFLOW"))
                    && latest(restarted).streamCaughtUpAt > 0;
            },
            30'000));

        // The server drops every client: the stream handshakes again and replays from the
        // stored replayIds, so an edit made meanwhile arrives without a poll, and says so.
        world.salesforce.dropStreamingClients();
        QVERIFY(world.salesforce
                    .updateRecord(QStringLiteral("Lead"), sfId(world, QStringLiteral("L-000003")),
                                  {{QStringLiteral("FirstName"), QStringLiteral("After the drop")},
                                   {QStringLiteral("Last_Updated_By_System__c"),
                                    QStringLiteral("Salesforce")}},
                                  QStringLiteral("SalesRep"))
                    .ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.platform.lead(QStringLiteral("L-000003"))->firstName
                    == QLatin1String("After the drop");
            },
            30'000));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return latest(restarted).streamCatchUpWhy.contains(
                           QLatin1String("dropped the client"))
                    && latest(restarted).streamCaughtUpAt > 0
                    && latest(restarted).streamState == QLatin1String("connected");
            },
            30'000));
        QCOMPARE(latest(restarted).salesforcePolls, 2);
        world.stopEngine();

        // Both catch-ups are in the audit log, with why.
        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("check"));
        QVERIFY(store.ok());
        auto audited = (*store)->audit().forEntity(QStringLiteral("salesforce.stream"),
                                                   QStringLiteral("/data/LeadChangeEvent"));
        QVERIFY(audited.ok());
        QCOMPARE(audited->size(), 2);
    }

    // Two engines on one store (two `leadbridge sync` of one org): only the holder of the
    // stream's lease subscribes, the other stands by on the backstop poll; a lease left by a
    // process that died is taken over once it expires, and one given up at a stop at once.
    void onlyOneEngineConsumesTheStream()
    {
        SyncWorld world;
        world.platform.generateLeads(4, 2);
        world.profile.salesforce.changes = QStringLiteral("stream");
        world.profile.sync.backstopPollMin = 600;
        world.profile.sync.leaseS = 5; // the stream's lease: 5 s, renewed every 1.7 s
        QVERIFY(world.start().ok());
        {
            // A process that died holding the lease.
            auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                     QStringLiteral("check"));
            QVERIFY(store.ok());
            auto taken = (*store)->leases().take(QString::fromLatin1(SalesforceStream::kLeaseName),
                                                 QStringLiteral("died"), 4'000);
            QVERIFY(taken.ok() && *taken);
        }
        auto second = world.anotherEngine();
        QVERIFY(second.ok());
        QSignalSpy first(&world.controller(), &SyncController::statusChanged);
        QSignalSpy other(second->get(), &SyncController::statusChanged);
        world.controller().start();
        (*second)->start();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return latest(first).streamState == QLatin1String("standby")
                    && latest(other).streamState == QLatin1String("standby");
            },
            30'000));
        // Neither subscribes; the poll is a duty too (issue 17): the one holding it runs the
        // start poll, the other none.
        QVERIFY(QTest::qWaitFor(
            [&] { return latest(first).salesforcePolls + latest(other).salesforcePolls == 1; },
            30'000));
        QTest::qWait(2'000);
        QCOMPARE(latest(first).salesforcePolls + latest(other).salesforcePolls, 1);

        // Once the dead process's lease expired, exactly one takes the stream over.
        const auto connected = [&] {
            return int(latest(first).streamState == QLatin1String("connected"))
                + int(latest(other).streamState == QLatin1String("connected"));
        };
        QVERIFY(QTest::qWaitFor([&] { return connected() == 1; }, 30'000));
        QTest::qWait(6'000); // longer than the lease: renewed by its holder, never taken
        QCOMPARE(connected(), 1);
        QVERIFY(latest(first).streamState == QLatin1String("standby")
                || latest(other).streamState == QLatin1String("standby"));

        // A Salesforce edit reaches the platform once.
        const qsizetype writes = world.platform.writeLog().size();
        QVERIFY(world.salesforce
                    .updateRecord(QStringLiteral("Lead"), sfId(world, QStringLiteral("L-000002")),
                                  {{QStringLiteral("FirstName"), QStringLiteral("Streamed")},
                                   {QStringLiteral("Last_Updated_By_System__c"),
                                    QStringLiteral("Salesforce")}},
                                  QStringLiteral("SalesRep"))
                    .ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.platform.lead(QStringLiteral("L-000002"))->firstName
                    == QLatin1String("Streamed");
            },
            30'000));
        QTest::qWait(2'000);
        QCOMPARE(world.platform.writeLog().size(), writes + 1);

        // The holder stops: it gives the lease up and the other takes over at its next renewal.
        const bool firstHeld = latest(first).streamState == QLatin1String("connected");
        if (firstHeld) {
            world.stopEngine();
            QVERIFY(QTest::qWaitFor(
                [&] { return latest(other).streamState == QLatin1String("connected"); }, 30'000));
        } else {
            QVERIFY(test::stopEngine(**second));
            QVERIFY(QTest::qWaitFor(
                [&] { return latest(first).streamState == QLatin1String("connected"); }, 30'000));
        }
        if (!firstHeld)
            world.stopEngine();
        else
            QVERIFY(test::stopEngine(**second));
    }
};

QTEST_GUILESS_MAIN(TestSyncStream)
#include "TestSyncStream.moc"
