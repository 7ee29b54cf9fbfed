// Issue 5's behaviour against both sandboxes: convergence, no echoes, API economy, faults,
// bad data through the inbox, and the keyset cursor under ties.
#include "SyncWorld.h"
#include "mapping/FieldMapping.h"
#include "store/Store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");

QString sfStatus(const QString &platform)
{
    static const QHash<QString, QString> map {
        {QStringLiteral("new"), QStringLiteral("Open - Not Contacted")},
        {QStringLiteral("working"), QStringLiteral("Working - Contacted")},
        {QStringLiteral("won"), QStringLiteral("Closed - Converted")},
        {QStringLiteral("lost"), QStringLiteral("Closed - Not Converted")}};
    return map.value(platform, platform);
}

qint64 writeCalls(const QHash<QString, qint64> &byKind)
{
    qint64 n = 0;
    for (auto it = byKind.begin(); it != byKind.end(); ++it) {
        const QString k = it.key().toLower();
        if (k.contains(QLatin1String("composite")) || k.contains(QLatin1String("collection"))
            || k.contains(QLatin1String("upsert")) || k.contains(QLatin1String("create"))
            || k.contains(QLatin1String("update")) || k == QLatin1String("bulk"))
            n += it.value();
    }
    return n;
}

qint64 totalCalls(const QHash<QString, qint64> &byKind)
{
    qint64 n = 0;
    for (qint64 v : byKind)
        n += v;
    return n;
}

} // namespace

class TestSyncEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void tenThousandLeadsAndTheRosterConvergeThenASecondPassWritesNothing()
    {
        SyncWorld world;
        // The roster in Salesforce: 200 agents the platform knows, 100 it does not yet.
        for (int i = 1; i <= 300; ++i)
            QVERIFY(world.salesforce
                        .createRecord(QStringLiteral("People__c"), person(i, i <= 200),
                                      QStringLiteral("Admin"))
                        .ok());
        world.platform.generateAgents(200);
        world.platform.generateLeads(10'000);
        QVERIFY2(world.start().ok(), "engine start");
        const auto callsBefore = world.salesforce.apiCallsByKind();

        auto first = world.runOnce();
        QVERIFY(first.has_value());
        QVERIFY2(first->ok, qPrintable(first->error.toString()));
        QCOMPARE(first->toInbox, 0);
        QCOMPARE(first->stillPending, 0);

        // Leads: every platform lead is in Salesforce with mapped values.
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), 10'000);
        const auto platformLeads = world.platform.leads();
        int checked = 0;
        for (const auto &lead : platformLeads) {
            if (++checked % 97 != 0)
                continue;
            const auto sf
                = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, lead.id);
            QVERIFY2(sf.has_value(), qPrintable(lead.id));
            QCOMPARE(sf->value(QStringLiteral("LastName")).toString(), lead.lastName);
            QCOMPARE(sf->value(QStringLiteral("Company")).toString(), lead.company);
            QCOMPARE(sf->value(QStringLiteral("Email")).toString(), lead.email.toLower());
            QCOMPARE(sf->value(QStringLiteral("Status")).toString(), sfStatus(lead.status));
            QCOMPARE(sf->value(QStringLiteral("Lead_Score__c")).toDouble(), double(lead.score));
            QCOMPARE(sf->value(QStringLiteral("Last_Updated_By_System__c")).toString(),
                     QStringLiteral("LeadPlatform"));
            if (lead.agentId) {
                const QString agentSfId = sf->value(QStringLiteral("Assigned_Agent__c")).toString();
                const auto agent = world.salesforce.record(QStringLiteral("People__c"), agentSfId);
                QVERIFY2(agent.has_value(), qPrintable(lead.id));
                QCOMPARE(agent->value(QStringLiteral("Platform_Agent_Id__c")).toString(),
                         *lead.agentId);
            }
        }
        // Roster: Salesforce's 300 People__c are on the platform with Salesforce's values; the
        // 100 new ones got a platform id written back.
        QCOMPARE(world.platform.agentCount(), 300);
        for (int i = 1; i <= 300; i += 37) {
            const QString name = QStringLiteral("Agent %1").arg(i);
            bool found = false;
            for (const auto &a : world.platform.agents()) {
                if (a.name == name) {
                    found = true;
                    QCOMPARE(a.email, QStringLiteral("agent%1@example.com").arg(i));
                    QVERIFY(a.salesforceId.has_value());
                    const auto p
                        = world.salesforce.record(QStringLiteral("People__c"), *a.salesforceId);
                    QVERIFY(p.has_value());
                    QCOMPARE(p->value(QStringLiteral("Platform_Agent_Id__c")).toString(), a.id);
                }
            }
            QVERIFY2(found, qPrintable(name));
        }

        // API economy on the bulk inbound path, counted at the sandbox.
        const auto callsAfter = world.salesforce.apiCallsByKind();
        QHash<QString, qint64> used;
        for (auto it = callsAfter.begin(); it != callsAfter.end(); ++it)
            used.insert(it.key(), it.value() - callsBefore.value(it.key()));
        const double writesPer1000 = writeCalls(used) * 1000.0 / 10'300;
        qInfo("Salesforce API calls for 10,000 leads + 300 roster write-backs: %lld writes (%.2f "
              "per 1,000 "
              "records), %lld in all including queries and limits (%.2f per 1,000): %s",
              writeCalls(used), writesPer1000, totalCalls(used), totalCalls(used) * 1000.0 / 10'300,
              qPrintable(QString::fromUtf8(QJsonDocument(QJsonObject::fromVariantHash([&] {
                                               QVariantHash h;
                                               for (auto it = used.begin(); it != used.end(); ++it)
                                                   h.insert(it.key(), it.value());
                                               return h;
                                           }()))
                                               .toJson(QJsonDocument::Compact))));
        QVERIFY2(writesPer1000 <= 1.2, qPrintable(QString::number(writesPer1000)));

        // A second pass finds nothing to write on either side.
        const qsizetype sfWrites = world.salesforce.writeLog().entries().size();
        const qsizetype pfWrites = world.platform.writeLog().size();
        auto second = world.runOnce();
        QVERIFY(second.has_value() && second->ok);
        QCOMPARE(world.salesforce.writeLog().entries().size(), sfWrites);
        QCOMPARE(world.platform.writeLog().size(), pfWrites);
    }

    void alternatingEditsOnBothSidesCauseNoEcho()
    {
        SyncWorld world;
        world.platform.generateLeads(600, 7);
        QVERIFY(world.start().ok());
        auto initial = world.runOnce();
        QVERIFY(initial && initial->ok && initial->toInbox == 0);
        const qsizetype sfBase = world.salesforce.writeLog().entries().size();
        const qsizetype pfBase = world.platform.writeLog().size();

        // 10 rounds of 50 platform edits and 50 Salesforce edits (1,000 edits), on different
        // leads each time, with a sync pass after each round.
        int platformEdits = 0, salesforceEdits = 0;
        for (int round = 0; round < 10; ++round) {
            for (int i = 0; i < 50; ++i) {
                const QString id
                    = QStringLiteral("L-%1").arg(round * 50 + i + 1, 6, 10, QLatin1Char('0'));
                QVERIFY(world.platform
                            .editLead(
                                id,
                                {{QStringLiteral("first_name"), QStringLiteral("Pf%1").arg(round)},
                                 {QStringLiteral("score"), round * 7 % 100}},
                                QStringLiteral("agent-ui"))
                            .ok());
                ++platformEdits;
            }
            for (int i = 0; i < 50; ++i) {
                const QString key = QStringLiteral("L-%1").arg(500 - (round * 50 + i) % 500 + 100,
                                                               6, 10, QLatin1Char('0'));
                const auto sf
                    = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, key);
                QVERIFY2(sf.has_value(), qPrintable(key));
                QVERIFY(world.salesforce
                            .updateRecord(
                                QStringLiteral("Lead"), sf->value(QStringLiteral("Id")).toString(),
                                {{QStringLiteral("Company"), QStringLiteral("Sf%1 Inc").arg(round)},
                                 {QStringLiteral("Last_Updated_By_System__c"),
                                  QStringLiteral("Salesforce")}},
                                QStringLiteral("SalesRep"))
                            .ok());
                ++salesforceEdits;
            }
            auto pass = world.runOnce();
            QVERIFY(pass && pass->ok);
            QCOMPARE(pass->toInbox, 0);
        }
        QCOMPARE(platformEdits + salesforceEdits, 1000);

        // Counted at the sandboxes: LeadBridge's writes since the initial load, and how many of
        // them changed nothing (an echo repeats what the other side just sent).
        int sfWrites = 0, sfEchoes = 0;
        const auto &sfLog = world.salesforce.writeLog().entries();
        for (qsizetype i = sfBase; i < sfLog.size(); ++i) {
            if (sfLog.at(i).client != QLatin1String("LeadBridge"))
                continue;
            ++sfWrites;
            sfEchoes += sfLog.at(i).changed ? 0 : 1;
        }
        int pfWrites = 0, pfEchoes = 0;
        const auto &pfLog = world.platform.writeLog().entries();
        for (qsizetype i = pfBase; i < pfLog.size(); ++i) {
            ++pfWrites;
            pfEchoes += pfLog.at(i).changed ? 0 : 1;
        }
        qInfo("1,000 edits -> %d Salesforce writes (%d echoes), %d platform writes (%d echoes)",
              sfWrites, sfEchoes, pfWrites, pfEchoes);
        QCOMPARE(sfEchoes, 0);
        QCOMPARE(pfEchoes, 0);
        QCOMPARE(sfWrites, platformEdits);
        QCOMPARE(pfWrites, salesforceEdits);
        // And both sides agree.
        const auto sf = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey,
                                                            QStringLiteral("L-000001"));
        QCOMPARE(sf->value(QStringLiteral("FirstName")).toString(),
                 world.platform.lead(QStringLiteral("L-000001"))->firstName);
        const auto edited = world.platform.lead(QStringLiteral("L-000600"));
        QCOMPARE(edited->company, QStringLiteral("Sf0 Inc"));
    }

    void faultsSessionExpiryAndASpentAllocationStillConvergeExactlyOnce()
    {
        SyncWorld world;
        world.platform.generateLeads(2'000, 11);
        sandbox::FaultConfig faults;
        faults.fail503 = 0.10;
        faults.lockRate = 0.05;
        faults.seed = 42;
        world.salesforce.setFaults(faults);
        world.profile.sync.batchSize = 25; // many small calls, so every kind of fault strikes
        QVERIFY(world.start().ok());
        world.controller().start();
        QVERIFY(QTest::qWaitFor(
            [&] { return world.salesforce.recordCount(QStringLiteral("Lead")) >= 400; }, 120'000));
        world.salesforce.expireAllSessions();
        const qint64 max = world.salesforce.apiMax();
        world.salesforce.setApiUsage(max, max); // the daily allocation is spent
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.controller().lastStatus().state == SyncStatus::State::PausedByLimits;
            },
            60'000));
        const int during = world.salesforce.recordCount(QStringLiteral("Lead"));
        world.salesforce.setApiUsage(0, max); // a new day
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.salesforce.recordCount(QStringLiteral("Lead")) == 2'000
                    && world.controller().lastStatus().queue.pending == 0;
            },
            300'000));
        world.stopEngine();
        const auto counters = world.salesforce.faultCounters();
        qInfo("faults injected: %lld 503s, %lld locked rows; %d leads when the allocation ran out",
              counters.fail503, counters.lock, during);
        QVERIFY(counters.fail503 > 0 && counters.lock > 0);
        int notOnce = 0;
        for (const auto &lead : world.platform.leads()) {
            if (world.salesforce.writeCountFor(QStringLiteral("Lead"), lead.id) != 1)
                ++notOnce;
        }
        QCOMPARE(notOnce, 0);
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), 2'000);
    }

    void badDataLandsInTheInboxWithSalesforcesErrorAndRetryDeliversIt()
    {
        // A mapping without the "Unknown" company default, so a missing company is an error.
        QFile f(QStringLiteral(":/leadbridge/mapping/default.json"));
        (void)FieldMapping::defaultMapping(); // registers the resource
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray json = f.readAll();
        json.replace(R"(["trim", {"default": "Unknown"}])", R"(["trim"])");
        auto mapping = FieldMapping::fromJson(json, QStringLiteral("strict"));
        QVERIFY(mapping.ok());

        SyncWorld world;
        world.platform.generateLeads(10, 3);
        // Bad data as an import could leave it (seeded: the platform's own checks are bypassed).
        auto broken = *world.platform.lead(QStringLiteral("L-000002"));
        broken.email = QStringLiteral("not-an-email");
        world.platform.seedLead(broken);
        broken = *world.platform.lead(QStringLiteral("L-000005"));
        broken.company.clear();
        world.platform.seedLead(broken);
        QVERIFY(world.start(*mapping).ok());
        auto pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QCOMPARE(pass->toInbox, 2);
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), 8);

        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("admin"));
        QVERIFY(store.ok());
        auto items = (*store)->inbox().list({});
        QCOMPARE(items->size(), 2);
        // Each carries the error Salesforce itself gives for that record.
        for (const auto &item : *items) {
            const QString id = item.recordKey.section(u':', 1);
            const auto lead = *world.platform.lead(id);
            auto direct
                = world.salesforce.createRecord(QStringLiteral("Lead"),
                                                {{QStringLiteral("LastName"), lead.lastName},
                                                 {QStringLiteral("Company"), lead.company},
                                                 {QStringLiteral("Email"), lead.email}});
            QVERIFY(!direct.ok());
            QCOMPARE(item.errorCode, direct.error().code);
        }
        // The data is fixed at the source; the admin retries from the inbox.
        QVERIFY(world.platform
                    .editLead(QStringLiteral("L-000002"),
                              {{QStringLiteral("email"), QStringLiteral("fixed@example.com")}})
                    .ok());
        QVERIFY(world.platform
                    .editLead(QStringLiteral("L-000005"),
                              {{QStringLiteral("company"), QStringLiteral("Fixed Ltd")}})
                    .ok());
        QCOMPARE(*(*store)->inbox().retryAll(QStringLiteral("admin")), 2);
        pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QCOMPARE(pass->toInbox, 0);
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), 10);
        QCOMPARE(
            world.salesforce
                .recordByExternalId(QStringLiteral("Lead"), LeadKey, QStringLiteral("L-000002"))
                ->value(QStringLiteral("Email"))
                .toString(),
            QStringLiteral("fixed@example.com"));
        QCOMPARE(*(*store)->inbox().countOpen(), 0);
    }

    // Issue 14, the lifecycle rows built so far: one row per line, each followed by a reconcile
    // and a second pass that write nothing, and nothing deleted comes back.
    void lifecycleRowsSettleAndNothingComesBack_data()
    {
        QTest::addColumn<QString>("action");
        QTest::newRow("platform delete (poll) -> close_in_salesforce")
            << QStringLiteral("close_in_salesforce");
        QTest::newRow("platform delete (poll) -> delete_in_salesforce")
            << QStringLiteral("delete_in_salesforce");
        QTest::newRow("platform delete (poll) -> ignore") << QStringLiteral("ignore");
    }

    void lifecycleRowsSettleAndNothingComesBack()
    {
        QFETCH(QString, action);
        SyncWorld world;
        world.platform.generateLeads(5, 3);
        world.profile.lifecycle.platformDelete = action;
        QVERIFY(world.start().ok());
        auto initial = world.runOnce();
        QVERIFY(initial && initial->ok);
        const QString key = QStringLiteral("L-000002");
        const auto before
            = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, key);
        QVERIFY(before.has_value());
        const QString sfId = before->value(QStringLiteral("Id")).toString();

        QVERIFY(world.platform.deleteLead(key, QStringLiteral("agent-ui")).ok());
        auto pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QCOMPARE(pass->toInbox, 0);
        const auto check = [&] {
            const auto now = world.salesforce.record(QStringLiteral("Lead"), sfId);
            if (action == QLatin1String("delete_in_salesforce")) {
                QVERIFY(!now.has_value() || now->value(QStringLiteral("IsDeleted")).toBool());
            } else {
                QVERIFY(now.has_value());
                QVERIFY(!now->value(QStringLiteral("IsDeleted")).toBool());
                const bool closed = action == QLatin1String("close_in_salesforce");
                QCOMPARE(now->value(QStringLiteral("Status")).toString(),
                         closed ? QStringLiteral("Closed - Not Converted")
                                : before->value(QStringLiteral("Status")).toString());
                QCOMPARE(
                    now->value(QStringLiteral("Eligible_For_Distribution__c")).toBool(),
                    closed
                        ? false
                        : before->value(QStringLiteral("Eligible_For_Distribution__c")).toBool());
            }
            QVERIFY(world.platform.lead(key)->deleted);
        };
        check();

        // The reconcile and a second pass write nothing anywhere; the lead stays deleted.
        const qsizetype sfBase = world.salesforce.writeLog().entries().size();
        const qsizetype pfBase = world.platform.writeLog().size();
        QSignalSpy reconciled(&world.controller(), &ThreadedSyncController::reconciled);
        world.controller().reconcileNow();
        QVERIFY(QTest::qWaitFor([&] { return reconciled.count() > 0; }, 60'000));
        QVERIFY2(reconciled.first().at(1).toString().isEmpty(),
                 qPrintable(reconciled.first().at(1).toString()));
        QCOMPARE(reconciled.first().at(0).value<ReconcileReport>().enqueued, 0);
        auto second = world.runOnce();
        QVERIFY(second && second->ok);
        QCOMPARE(world.salesforce.writeLog().entries().size(), sfBase);
        QCOMPARE(world.platform.writeLog().size(), pfBase);
        check();
    }

    // A lead deleted in Salesforce is deleted on the platform (a tombstone there), found by the
    // reconcile for now; it is not created again on either side, and a second reconcile and
    // pass write nothing.
    void leadDeletedInSalesforceBecomesAPlatformTombstone()
    {
        SyncWorld world;
        world.platform.generateLeads(5, 3);
        QVERIFY(world.start().ok());
        auto initial = world.runOnce();
        QVERIFY(initial && initial->ok);
        const QString key = QStringLiteral("L-000004");
        const auto sf = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, key);
        QVERIFY(sf.has_value());
        QVERIFY(world.salesforce
                    .deleteRecord(QStringLiteral("Lead"),
                                  sf->value(QStringLiteral("Id")).toString(),
                                  QStringLiteral("SalesRep"))
                    .ok());
        ReconcileReport report;
        const auto reconcile = [&world, &report] {
            QSignalSpy reconciled(&world.controller(), &ThreadedSyncController::reconciled);
            world.controller().reconcileNow();
            if (!QTest::qWaitFor([&] { return reconciled.count() > 0; }, 60'000))
                return -1;
            if (!reconciled.first().at(1).toString().isEmpty())
                return -2;
            report = reconciled.first().at(0).value<ReconcileReport>();
            return report.enqueued;
        };
        QCOMPARE(reconcile(), 1); // the platform delete
        // The report says what it found by kind and what it queued.
        QCOMPARE(report.deleted, 1);
        QCOMPARE(report.missingInSalesforce, 0);
        QCOMPARE(report.missingOnPlatform, 0);
        QCOMPARE(report.differing, 0);
        QCOMPARE(report.queued, QJsonObject({{QStringLiteral("platform.lead.delete"), 1}}));
        auto pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QCOMPARE(pass->toInbox, 0);
        QVERIFY(world.platform.lead(key)->deleted);
        const auto gone = world.salesforce.record(QStringLiteral("Lead"),
                                                  sf->value(QStringLiteral("Id")).toString());
        QVERIFY(!gone.has_value() || gone->value(QStringLiteral("IsDeleted")).toBool());

        const qsizetype sfBase = world.salesforce.writeLog().entries().size();
        const qsizetype pfBase = world.platform.writeLog().size();
        QCOMPARE(reconcile(), 0);
        QCOMPARE(report.deleted, 0);
        QCOMPARE(report.extra, 0);
        auto second = world.runOnce();
        QVERIFY(second && second->ok);
        QCOMPARE(world.salesforce.writeLog().entries().size(), sfBase);
        QCOMPARE(world.platform.writeLog().size(), pfBase);
        QVERIFY(world.platform.lead(key)->deleted);
        QVERIFY(
            !world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, key).has_value()
            || world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, key)
                   ->value(QStringLiteral("IsDeleted"))
                   .toBool());
    }

    void signedWebhooksDriveChangesWithoutPolling()
    {
        SyncWorld world;
        world.enableWebhooks();
        world.platform.generateLeads(20, 5);
        QVERIFY(world.start().ok());
        world.controller().start(); // one initial poll; the next is an hour away
        QVERIFY(QTest::qWaitFor(
            [&] { return world.salesforce.recordCount(QStringLiteral("Lead")) == 20; }, 60'000));
        // Platform users change and create leads: the webhooks carry them to Salesforce.
        QVERIFY(world.platform
                    .editLead(QStringLiteral("L-000003"),
                              {{QStringLiteral("first_name"), QStringLiteral("Hooked")}},
                              QStringLiteral("agent-ui"))
                    .ok());
        sandbox::LeadRecord fresh;
        fresh.id = QStringLiteral("L-900001");
        fresh.firstName = QStringLiteral("New");
        fresh.lastName = QStringLiteral("Webhook");
        fresh.company = QStringLiteral("Hook Ltd");
        fresh.email = QStringLiteral("new.webhook@example.com");
        QVERIFY(world.platform.createLead(fresh, QStringLiteral("agent-ui")).ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto a = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey,
                                                                   QStringLiteral("L-000003"));
                const auto b = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey,
                                                                   QStringLiteral("L-900001"));
                return a
                    && a->value(QStringLiteral("FirstName")).toString() == QLatin1String("Hooked")
                    && b.has_value();
            },
            30'000));
        world.stopEngine();
        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("check"));
        QVERIFY(store.ok());
        QVERIFY(*(*store)->events().count() >= 22); // 20 polled + 2 webhooks (stored before 2xx)
    }

    // With the overlap window (the default) and without it (a pure keyset on
    // (SystemModstamp, Id) from the last record processed).
    void keysetCursorNeverSkipsRecordsSharingASystemModstamp_data()
    {
        QTest::addColumn<int>("overlapS");
        QTest::newRow("overlap 120 s") << 120;
        QTest::newRow("keyset only") << 0;
    }

    void keysetCursorNeverSkipsRecordsSharingASystemModstamp()
    {
        QFETCH(int, overlapS);
        ManualClock sfClock(1'780'000'000'000);
        SyncWorld world(sfClock);
        world.profile.sync.pollOverlapS = overlapS;
        QVERIFY(world.start().ok());
        auto create = [&](int from, int count) {
            for (int i = from; i < from + count; ++i)
                QVERIFY(
                    world.salesforce
                        .createRecord(QStringLiteral("Lead"),
                                      {{QStringLiteral("LastName"), QStringLiteral("Tie%1").arg(i)},
                                       {QStringLiteral("Company"), QStringLiteral("Ties Inc")},
                                       {QStringLiteral("Platform_Lead_Id__c"),
                                        QStringLiteral("T-%1").arg(i, 5, 10, QLatin1Char('0'))}},
                                      QStringLiteral("SalesRep"))
                        .ok());
        };
        create(0, 1'750); // T1
        sfClock.advanceMs(1000);
        create(1'750, 500); // T2: rows 1,751-2,250 straddle the 2,000-row page boundary
        sfClock.advanceMs(1000);
        create(2'250, 250); // T3
        auto pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QCOMPARE(world.platform.leadCount(), 2'500);
        // More records at the watermark's own SystemModstamp: the next pass takes them too.
        create(2'500, 300);
        pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QCOMPARE(world.platform.leadCount(), 2'800);
        QVERIFY(world.platform.lead(QStringLiteral("T-02799")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestSyncEndToEnd)
#include "TestSyncEndToEnd.moc"
