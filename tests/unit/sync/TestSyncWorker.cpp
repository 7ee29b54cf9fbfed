// The worker on its own thread, driven through the ThreadedSyncController, with in-memory ports.
#include "EngineStop.h"
#include "FakePorts.h"
#include "engine/ThreadedSyncController.h"
#include "store/Duties.h"
#include "sync/Pollers.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace lb;

namespace {

QJsonObject lead(int i)
{
    return {
        {QStringLiteral("id"), QStringLiteral("L-%1").arg(i)},
        {QStringLiteral("first_name"), QStringLiteral("First%1").arg(i)},
        {QStringLiteral("last_name"), QStringLiteral("Last%1").arg(i)},
        {QStringLiteral("company"), QStringLiteral("Company %1").arg(i)},
        {QStringLiteral("email"),
         i % 10 == 9 ? QStringLiteral("broken-email") : QStringLiteral("p%1@example.com").arg(i)},
        {QStringLiteral("status"), QStringLiteral("new")},
        {QStringLiteral("source"), QStringLiteral("web")},
        {QStringLiteral("score"), i % 100},
        {QStringLiteral("value"), i * 10},
        {QStringLiteral("agent_id"), QJsonValue::Null},
        {QStringLiteral("eligible"), true},
        {QStringLiteral("updated_at"), QStringLiteral("2026-11-01T00:00:00.000Z")},
        {QStringLiteral("updated_by"), QStringLiteral("platform")},
        {QStringLiteral("version"), 1}};
}

} // namespace

class TestSyncWorker : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    EngineSetup setup(test::FakeSalesforce *sf, test::FakePlatform *pf, const QString &db)
    {
        EngineSetup s;
        s.profile.name = QStringLiteral("test");
        s.profile.sync.pollIntervalS = 3600; // only the initial poll
        s.profile.sync.retryBaseMs = 10;
        s.store = StoreConfig::sqlite(m_dir.filePath(db));
        s.mapping = *FieldMapping::defaultMapping();
        s.ports = [sf, pf](const Profile &, Store &, std::function<void(const ApiLimits &)>,
                           std::function<void()>) -> Result<PortSet> {
            struct SfRef final : SalesforcePort
            {
                test::FakeSalesforce *f;
                void upsert(const QString &a, const QString &b, const QList<QJsonObject> &c,
                            QObject *d, std::function<void(Result<QList<WriteOutcome>>)> e) override
                {
                    f->upsert(a, b, c, d, std::move(e));
                }
                void bulkUpsert(const QString &a, const QString &b, const QList<QJsonObject> &c,
                                QObject *d, std::function<Result<void>(const QString &)> e,
                                std::function<void(Result<BulkWriteResult>)> g) override
                {
                    f->bulkUpsert(a, b, c, d, std::move(e), std::move(g));
                }
                void bulkCollect(const QString &a, const QString &b, QObject *c,
                                 std::function<void(Result<BulkWriteResult>)> d) override
                {
                    f->bulkCollect(a, b, c, std::move(d));
                }
                void update(const QString &a, const QList<QJsonObject> &b, QObject *c,
                            std::function<void(Result<QList<WriteOutcome>>)> d) override
                {
                    f->update(a, b, c, std::move(d));
                }
                void remove(const QStringList &a, QObject *b,
                            std::function<void(Result<QList<WriteOutcome>>)> c) override
                {
                    f->remove(a, b, std::move(c));
                }
                void query(const QString &a, QObject *b,
                           std::function<void(Result<RecordPage>)> c) override
                {
                    // The fake answers every query with all leads; roster queries get none.
                    if (a.contains(QLatin1String("People__c")))
                        test::answerLater<Result<RecordPage>>(b, std::move(c), RecordPage {});
                    else
                        f->query(a, b, std::move(c));
                }
                void queryMore(const QString &a, QObject *b,
                               std::function<void(Result<RecordPage>)> c) override
                {
                    f->queryMore(a, b, std::move(c));
                }
                void queryAll(const QString &a, QObject *b,
                              std::function<void(Result<RecordPage>)> c) override
                {
                    query(a, b, std::move(c));
                }
                void bulkQuery(const QString &a, const QString &b, bool c, QObject *d,
                               std::function<Result<void>(const QList<QJsonObject> &)> e,
                               std::function<void(Result<qint64>)> g) override
                {
                    f->bulkQuery(a, b, c, d, std::move(e), std::move(g));
                }
                void publishEvents(const QString &a, const QList<QJsonObject> &b, QObject *c,
                                   std::function<void(Result<QList<WriteOutcome>>)> d) override
                {
                    f->publishEvents(a, b, c, std::move(d));
                }
                void fetchLimits(QObject *a, std::function<void(Result<ApiLimits>)> b) override
                {
                    f->fetchLimits(a, std::move(b));
                }
                void get(const QString &a, const QString &b, const QString &c, const QStringList &d,
                         QObject *e, std::function<void(Result<QJsonObject>)> g) override
                {
                    f->get(a, b, c, d, e, std::move(g));
                }
            };
            struct PfRef final : PlatformPort
            {
                test::FakePlatform *f;
                void listLeads(qint64 a, const QString &b, int c, QObject *d,
                               std::function<void(Result<RecordPage>)> e) override
                {
                    f->listLeads(a, b, c, d, std::move(e));
                }
                void listAgents(const QString &a, int b, QObject *c,
                                std::function<void(Result<RecordPage>)> d) override
                {
                    f->listAgents(a, b, c, std::move(d));
                }
                void upsertLeads(const QList<QJsonObject> &a, QObject *b,
                                 std::function<void(Result<QList<WriteOutcome>>)> c) override
                {
                    f->upsertLeads(a, b, std::move(c));
                }
                void putAgent(const QJsonObject &a, QObject *b,
                              std::function<void(Result<WriteOutcome>)> c) override
                {
                    f->putAgent(a, b, std::move(c));
                }
                void getLead(const QString &a, QObject *b,
                             std::function<void(Result<QJsonObject>)> c) override
                {
                    f->getLead(a, b, std::move(c));
                }
                void deleteLead(const QString &a, QObject *b,
                                std::function<void(Result<void>)> c) override
                {
                    f->deleteLead(a, b, std::move(c));
                }
                void restoreLead(const QJsonObject &a, QObject *b,
                                 std::function<void(Result<WriteOutcome>)> c) override
                {
                    f->restoreLead(a, b, std::move(c));
                }
                void deactivateAgent(const QString &a, QObject *b,
                                     std::function<void(Result<void>)> c) override
                {
                    f->deactivateAgent(a, b, std::move(c));
                }
            };
            PortSet ports;
            auto s = std::make_unique<SfRef>();
            s->f = sf;
            auto p = std::make_unique<PfRef>();
            p->f = pf;
            ports.salesforce = std::move(s);
            ports.platform = std::move(p);
            return ports;
        };
        return s;
    }

private slots:
    void runOnceDeliversAndReportsInboxItems()
    {
        test::FakeSalesforce sf;
        test::FakePlatform pf;
        for (int i = 0; i < 50; ++i)
            pf.leads.insert(QStringLiteral("L-%1").arg(i), lead(i));
        ThreadedSyncController controller(setup(&sf, &pf, QStringLiteral("once.db")));
        QSignalSpy initialized(&controller, &ThreadedSyncController::initialized);
        QSignalSpy finished(&controller, &ThreadedSyncController::onceFinished);
        controller.launch();
        QTRY_COMPARE(initialized.count(), 1);
        QVERIFY2(initialized.first().at(0).toBool(),
                 qPrintable(initialized.first().at(1).toString()));
        controller.runOnce();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30'000);
        const auto result = finished.first().at(0).value<OnceResult>();
        QVERIFY(result.ok);
        QCOMPARE(result.toInbox, 5); // the five broken emails
        QCOMPARE(result.delivered, 45);
        QCOMPARE(result.stillPending, 0);
        QVERIFY(test::stopEngine(controller));
        QCOMPARE(sf.leads.size(), 45);
        QCOMPARE(sf.calls, 2); // one Composite-sized upsert for 45 leads + the lead poll's query
    }

    void continuousRunShowsStatusAndAnswersCommands()
    {
        test::FakeSalesforce sf;
        test::FakePlatform pf;
        for (int i = 0; i < 5; ++i)
            pf.leads.insert(QStringLiteral("L-%1").arg(i), lead(i));
        ThreadedSyncController controller(setup(&sf, &pf, QStringLiteral("run.db")));
        QSignalSpy status(&controller, &SyncController::statusChanged);
        QSignalSpy tested(&controller, &SyncController::connectionTested);
        QSignalSpy live(&controller, &SyncController::liveFetched);
        controller.launch();
        controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(controller.lastStatus().delivered >= 5, 20'000);
        QCOMPARE(controller.lastStatus().state, SyncStatus::State::Running);
        QVERIFY(controller.lastStatus().lastPlatformToSalesforce > 0);
        QCOMPARE(controller.lastStatus().breakers.size(), 2);
        controller.testConnection(QStringLiteral("platform"));
        QTRY_COMPARE(tested.count(), 1);
        QVERIFY(tested.first().at(1).toBool());
        controller.fetchLive(QStringLiteral("L-1"));
        QTRY_COMPARE(live.count(), 1);
        QCOMPARE(live.first().at(2).toJsonObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("L-1"));
        controller.pause();
        QTRY_COMPARE(controller.lastStatus().state, SyncStatus::State::Paused);
        QVERIFY(test::stopEngine(controller));
    }

    // Polls and the reconcile spend the API budget as deliveries do: while it says pause they
    // wait, and they go on once usage falls.
    void pollsAndTheReconcileWaitWhileTheBudgetSaysPause()
    {
        test::FakeSalesforce sf;
        test::FakePlatform pf;
        pf.leads.insert(QStringLiteral("L-1"), lead(1));
        EngineSetup s = setup(&sf, &pf, QStringLiteral("budget.db"));
        s.profile.sync.pollIntervalS = 1;
        s.profile.sync.limitBackoffS = 3600; // no /limits probe undoes the usage set below
        // The clients' limits observations, played by the test on the worker thread.
        auto observe = std::make_shared<std::function<void(const ApiLimits &)>>();
        s.ports = [inner = s.ports, observe](const Profile &p, Store &store,
                                             std::function<void(const ApiLimits &)> onLimits,
                                             std::function<void()> onEvent) {
            *observe = onLimits;
            return inner(p, store, std::move(onLimits), std::move(onEvent));
        };
        ThreadedSyncController controller(std::move(s));
        auto usage = [&](qint64 used) {
            QMetaObject::invokeMethod(
                controller.worker(),
                [observe, used] {
                    for (const char *system : {"salesforce", "platform"}) {
                        ApiLimits l;
                        l.system = QString::fromLatin1(system);
                        l.used = used;
                        l.max = 100;
                        (*observe)(l);
                    }
                },
                Qt::QueuedConnection);
        };
        QSignalSpy reconciled(&controller, &ThreadedSyncController::reconciled);
        controller.launch();
        controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(controller.lastStatus().delivered >= 1, 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(*pf.listings >= 2, 10'000); // polling every second

        usage(95); // over the 90 % pause threshold
        QTRY_VERIFY(controller.lastStatus().state == SyncStatus::State::PausedByLimits
                    || controller.lastStatus().detail.contains(QLatin1String("API")));
        QTest::qWait(1500); // a poll in flight when the pause came ends
        const int listed = *pf.listings;
        QTest::qWait(3000); // three poll ticks
        QCOMPARE(int(*pf.listings), listed);
        controller.reconcileNow();
        QTRY_COMPARE(reconciled.count(), 1);
        QVERIFY2(reconciled.first().at(1).toString().contains(QLatin1String("waits for API")),
                 qPrintable(reconciled.first().at(1).toString()));

        usage(10);
        QTRY_VERIFY_WITH_TIMEOUT(*pf.listings > listed, 10'000);
        controller.reconcileNow();
        QTRY_COMPARE_WITH_TIMEOUT(reconciled.count(), 2, 20'000);
        QVERIFY2(reconciled.at(1).at(1).toString().isEmpty(),
                 qPrintable(reconciled.at(1).at(1).toString()));
        QVERIFY(test::stopEngine(controller));
    }

    // A reload first gathers the new ports' secrets (the keychain may take its time) while the
    // old engine keeps answering; an unreadable secret leaves an engine that still answers,
    // with why it is not running.
    void commandsAreAnsweredWhileAReloadWaitsForTheKeychain()
    {
        test::FakeSalesforce sf;
        test::FakePlatform pf;
        pf.leads.insert(QStringLiteral("L-1"), lead(1));
        EngineSetup s = setup(&sf, &pf, QStringLiteral("reload.db"));
        // The "keychain": answers the first time at once, then holds each answer until the test
        // lets it go (on the worker thread, as a real answer would come).
        struct Keychain
        {
            int asked = 0; // on the worker thread only
            std::function<void()> held; // written there before `holding` counts it
            std::atomic<int> holding = 0;
        };
        auto keychain = std::make_shared<Keychain>();
        s.preparePorts = [keychain, ports = s.ports](
                             const Profile &profile, QObject *,
                             std::function<void(Result<EngineSetup::PortsBuilder>)> done) {
            if (keychain->asked++ == 0) {
                done(ports);
                return;
            }
            keychain->held = [done, ports, profile] {
                if (profile.name == QLatin1String("locked"))
                    done(makeError(QStringLiteral("keychain_denied"),
                                   QStringLiteral("The keychain refused to unlock.")));
                else
                    done(ports);
            };
            ++keychain->holding;
        };
        ThreadedSyncController controller(std::move(s));
        QSignalSpy initialized(&controller, &ThreadedSyncController::initialized);
        QSignalSpy tested(&controller, &SyncController::connectionTested);
        QSignalSpy live(&controller, &SyncController::liveFetched);
        controller.launch();
        controller.start();
        QTRY_COMPARE(initialized.count(), 1);
        QVERIFY(initialized.first().at(0).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(controller.lastStatus().delivered >= 1, 20'000);

        Profile profile;
        profile.name = QStringLiteral("test");
        profile.sync.pollIntervalS = 3600;
        const FieldMapping mapping = *FieldMapping::defaultMapping();
        controller.reload(profile, mapping);
        controller.testConnection(QStringLiteral("salesforce"));
        controller.fetchLive(QStringLiteral("L-1"));
        QTRY_COMPARE(tested.count(), 1);
        QTRY_COMPARE(live.count(), 1);
        QVERIFY2(tested.first().at(1).toBool(), qPrintable(tested.first().at(2).toString()));
        QCOMPARE(live.first().at(2).toJsonObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("L-1"));
        QCOMPARE(initialized.count(), 1); // the reload still waits for its secrets
        auto release = [&controller, keychain] {
            QMetaObject::invokeMethod(
                controller.worker(), [keychain] { keychain->held(); }, Qt::QueuedConnection);
        };
        QTRY_COMPARE(keychain->holding.load(), 1);
        release();
        QTRY_COMPARE(initialized.count(), 2);
        QVERIFY2(initialized.at(1).at(0).toBool(), qPrintable(initialized.at(1).at(1).toString()));

        // A keychain that refuses: the engine stops with why, and still answers every command.
        profile.name = QStringLiteral("locked");
        controller.reload(profile, mapping);
        QTRY_COMPARE(keychain->holding.load(), 2);
        release();
        QTRY_COMPARE(initialized.count(), 3);
        QVERIFY(!initialized.at(2).at(0).toBool());
        controller.testConnection(QStringLiteral("platform"));
        controller.fetchLive(QStringLiteral("L-1"));
        QTRY_COMPARE(tested.count(), 2);
        QTRY_COMPARE(live.count(), 2);
        QVERIFY(!tested.at(1).at(1).toBool());
        QVERIFY2(tested.at(1).at(2).toString().contains(QLatin1String("refused to unlock")),
                 qPrintable(tested.at(1).at(2).toString()));
        QVERIFY(live.at(1).at(3).toString().contains(QLatin1String("not running")));
        QVERIFY(test::stopEngine(controller));
    }

    // Stopped while its first Salesforce poll is still reading: the poll finishes under its
    // duty's lease and stores where it got to. (Before, shutdown gave the leases up at once and
    // the poll's watermark write was refused: LEASE_LOST, token 0.)
    void stopWhileAPollReadsLetsThePollFinishUnderItsLease()
    {
        test::FakeSalesforce sf;
        test::FakePlatform pf;
        sf.leads.insert(
            QStringLiteral("L-1"),
            {{QStringLiteral("Id"), QStringLiteral("00Q000000000001AAA")},
             {QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1")},
             {QStringLiteral("LastName"), QStringLiteral("Last1")},
             {QStringLiteral("Company"), QStringLiteral("Company 1")},
             {QStringLiteral("SystemModstamp"), QStringLiteral("2026-11-02T00:00:00.000+0000")},
             {QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("Salesforce")},
             {QStringLiteral("IsDeleted"), false}});
        sf.queryDelayMs = 1500;
        EngineSetup s = setup(&sf, &pf, QStringLiteral("stop-mid-poll.db"));
        const StoreConfig storeConfig = s.store;
        ThreadedSyncController controller(std::move(s));
        QSignalSpy initialized(&controller, &ThreadedSyncController::initialized);
        controller.launch();
        QTRY_COMPARE(initialized.count(), 1);
        QVERIFY(initialized.first().at(0).toBool());
        const auto queries = sf.queriesStarted;
        controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(queries->load() >= 1, 20'000); // the lead poll is reading
        QVERIFY(test::stopEngine(controller));

        auto store = Store::open(storeConfig, Clock::system(), QStringLiteral("check"));
        QVERIFY(store.ok());
        auto mark
            = (*store)->watermarks().get(SalesforcePoller::watermarkName(QStringLiteral("Lead")));
        QVERIFY(mark.ok());
        QVERIFY2(mark->has_value(), "the poll in flight at the stop did not store its position");
        QVERIFY((*mark)->endsWith(QLatin1String("|00Q000000000001AAA")));
        // And the duties were given up after it, not left to run out.
        auto holder = (*store)->leases().holder(duty::SalesforcePoll);
        QVERIFY(holder.ok());
        QCOMPARE(*holder, QString());
    }

    // A round kicked while `--once` still checks the logins (webhook events reaching a freshly
    // started engine) finds nothing due; it must not end the pass before the pass's own poll.
    void aRoundBeforeTheOncePollDoesNotEndThePass()
    {
        test::FakeSalesforce sf;
        test::FakePlatform pf;
        for (int i = 0; i < 8; ++i)
            pf.leads.insert(QStringLiteral("L-%1").arg(i), lead(i));
        sf.limitsDelayMs = 500; // the login check is still under way when the round runs
        ThreadedSyncController controller(setup(&sf, &pf, QStringLiteral("once-early.db")));
        QSignalSpy initialized(&controller, &ThreadedSyncController::initialized);
        QSignalSpy finished(&controller, &ThreadedSyncController::onceFinished);
        controller.launch();
        QTRY_COMPARE(initialized.count(), 1);
        QVERIFY(initialized.first().at(0).toBool());
        controller.runOnce();
        controller.setQueuePaused(false); // kicks a delivery round at once
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30'000);
        const auto result = finished.first().at(0).value<OnceResult>();
        QVERIFY(result.ok);
        QCOMPARE(result.delivered, 8);
        QCOMPARE(result.stillPending, 0);
        QVERIFY(test::stopEngine(controller));
        QCOMPARE(sf.leads.size(), 8);
    }
};

QTEST_GUILESS_MAIN(TestSyncWorker)
#include "TestSyncWorker.moc"
