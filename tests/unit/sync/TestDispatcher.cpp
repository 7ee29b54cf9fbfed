// Delivery: claims, per-record results, retries, breakers, limits, inbox, echoes - with
// in-memory ports so every branch is reachable without a network.
#include "FakePorts.h"
#include "PolledChanges.h"
#include "SyncStoreFixture.h"
#include "mapping/FieldMapping.h"
#include "sync/Dispatcher.h"
#include "sync/InboundProcessor.h"
#include "sync/JobKinds.h"
#include "sync/Pollers.h"
#include "sync/Reconciler.h"
#include "sync/SalesforceChangeProcessor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

QJsonObject platformLead(const QString &id, int version, const QString &email, double value = 1000,
                         const QJsonValue &agent = QJsonValue::Null)
{
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("first_name"), QStringLiteral("Ada")},
        {QStringLiteral("last_name"), QStringLiteral("Nguyen")},
        {QStringLiteral("company"), QStringLiteral("Acme")},
        {QStringLiteral("email"), email},
        {QStringLiteral("phone"), QJsonValue::Null},
        {QStringLiteral("status"), QStringLiteral("new")},
        {QStringLiteral("source"), QStringLiteral("web")},
        {QStringLiteral("score"), 50},
        {QStringLiteral("value"), value},
        {QStringLiteral("agent_id"), agent},
        {QStringLiteral("eligible"), true},
        {QStringLiteral("updated_at"), QStringLiteral("2026-01-01T00:00:0%1.000Z").arg(version)},
        {QStringLiteral("updated_by"), QStringLiteral("platform")},
        {QStringLiteral("version"), version}};
}

} // namespace

class TestDispatcher : public QObject
{
    Q_OBJECT

private:
    test::SyncStoreFixture m_fixture;
    ManualClock &m_clock = m_fixture.clock;
    std::unique_ptr<Store> &m_store = m_fixture.store;
    std::unique_ptr<SyncPlanner> &m_leads = m_fixture.leads;
    std::unique_ptr<SyncPlanner> &m_agents = m_fixture.agents;
    test::FakeSalesforce m_sf;
    test::FakePlatform m_pf;
    std::unique_ptr<ApiBudget> &m_sfBudget = m_fixture.sfBudget;
    std::unique_ptr<ApiBudget> &m_pfBudget = m_fixture.pfBudget;
    std::unique_ptr<CircuitBreaker> &m_sfBreaker = m_fixture.sfBreaker;
    std::unique_ptr<CircuitBreaker> &m_pfBreaker = m_fixture.pfBreaker;
    std::unique_ptr<Dispatcher> m_dispatcher;

    void receive(const QJsonObject &lead)
    {
        static int n = 0;
        InboundEvent e;
        e.eventId = QStringLiteral("evt-%1").arg(++n);
        e.source = QStringLiteral("webhook");
        e.type = QStringLiteral("lead.updated");
        e.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), e.eventId},
                                               {QStringLiteral("type"), e.type},
                                               {QStringLiteral("data"), lead}})
                        .toJson(QJsonDocument::Compact);
        QVERIFY(m_store->events().insert(e).ok());
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        QVERIFY(processor.processPending(1000).ok());
    }

    Dispatcher::Round deliver(bool salesforce)
    {
        std::optional<Dispatcher::Round> round;
        if (salesforce)
            m_dispatcher->deliverSalesforce([&](Dispatcher::Round r) { round = r; });
        else
            m_dispatcher->deliverPlatform([&](Dispatcher::Round r) { round = r; });
        if (!QTest::qWaitFor([&] { return round.has_value(); }, 10'000))
            return {};
        return *round;
    }

    // A dispatcher with the tests' retry policy and `config` otherwise (as a restarted worker
    // would build it).
    void useDispatcher(Dispatcher::Config config)
    {
        config.retry = RetryPolicy {1000, 10'000, 3};
        m_dispatcher.reset();
        m_dispatcher = std::make_unique<Dispatcher>(*m_store, m_sf, m_pf, *m_leads, *m_agents,
                                                    *m_sfBudget, *m_pfBudget, *m_sfBreaker,
                                                    *m_pfBreaker, m_clock, config);
        m_dispatcher->setRandomSeed(7);
    }

    // Leads L-1..L-n received, with bulk deliveries from more than three due.
    void receiveForBulk(int n)
    {
        Dispatcher::Config config;
        config.bulkThreshold = 3;
        useDispatcher(config);
        for (int i = 1; i <= n; ++i)
            receive(platformLead(QStringLiteral("L-%1").arg(i), 1,
                                 QStringLiteral("lead%1@x.io").arg(i)));
    }

    OutboxJob onlyJob()
    {
        auto jobs = m_store->outbox().active();
        return jobs && jobs->size() == 1 ? jobs->first() : OutboxJob {};
    }

private slots:
    void init()
    {
        m_dispatcher.reset();
        auto opened = m_fixture.open();
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
        m_sf = {};
        m_pf = {};
        useDispatcher(Dispatcher::Config {});
    }

    void deliversTaggedUpsertAndSkipsTheEcho()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("ada@example.com")));
        const auto round = deliver(true);
        QCOMPARE(round.delivered, 1);
        QCOMPARE(m_sf.calls, 1);
        const QJsonObject written = m_sf.leads.value(QStringLiteral("L-1"));
        QCOMPARE(written.value(QStringLiteral("Last_Updated_By_System__c")).toString(),
                 jobs::SystemTag);
        QCOMPARE(written.value(QStringLiteral("Status")).toString(),
                 QStringLiteral("Open - Not Contacted"));
        QVERIFY(m_store->outbox().active()->isEmpty());
        auto mirror = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QCOMPARE(mirror->syncState, QStringLiteral("synced"));
        QVERIFY(mirror->salesforceId.startsWith(QLatin1String("00Q")));

        // Salesforce polling reads our own write back: an echo, nothing goes to the platform.
        QJsonObject readBack = written;
        readBack.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
        readBack.insert(QStringLiteral("SystemModstamp"),
                        QStringLiteral("2026-01-01T00:01:00.000+0000"));
        SalesforceChangeProcessor changes(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        auto stats = changes.processLeads(polled({readBack}));
        QVERIFY(stats.ok());
        QCOMPARE(stats->echoes, 1);
        QCOMPARE(stats->enqueued, 0);
        // Delivering again finds nothing to do.
        QCOMPARE(deliver(true).claimed, 0);
        QCOMPARE(m_sf.calls, 1);
    }

    void writeThatLandedBeforeACrashIsNotSentAgain()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        // A worker claims the job, sends the write (it lands), and dies before recording it.
        auto lost = m_store->outbox().claim(QStringLiteral("dead-worker"), 10, 30'000);
        QCOMPARE(lost->size(), 1);
        const auto record = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        const auto plan = m_leads->planSalesforceWrite(*record);
        QJsonObject landed = (*plan)->fields;
        landed.insert(QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1"));
        landed.insert(QStringLiteral("Id"), QStringLiteral("00Q000000000000AAA"));
        landed.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
        m_sf.leads.insert(QStringLiteral("L-1"), landed);
        m_clock.advanceMs(31'000);
        const int callsBefore = m_sf.calls;
        const auto round = deliver(true);
        QCOMPARE(round.claimed, 1);
        QCOMPARE(round.unchanged, 1); // Salesforce already had it: completed without a write
        QCOMPARE(round.delivered, 0);
        QCOMPARE(m_sf.calls, callsBefore + 1); // the one query that checked
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // The delivery's outcome is recorded as one unit. A statement of it failing (the store's
    // failure hook, at each statement in turn up to and including the commit) rolls the whole
    // unit back: the mirror keeps no half-recorded state, the job is claimable once its lease
    // ends, and the next round finds the write landed instead of sending it again.
    void failedRecordingLeavesTheJobClaimable()
    {
        int failedAt = 0; // the last statement whose failure kept the job
        for (int statement = 1; statement <= 20; ++statement) {
            init();
            receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
            std::optional<Dispatcher::Round> round;
            m_dispatcher->deliverSalesforce([&](Dispatcher::Round r) { round = r; });
            // The write was planned and sent; the answer (and its recording) comes later.
            m_store->database().failAfterStatements(statement);
            QVERIFY(QTest::qWaitFor([&] { return round.has_value(); }, 10'000));
            m_store->database().failAfterStatements(0);
            QCOMPARE(m_sf.leads.size(), 1);
            const auto mirror = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
            auto active = m_store->outbox().active();
            QVERIFY(active.ok());
            if (active->isEmpty()) {
                // Recorded: the failure struck after the unit (or not at all).
                QCOMPARE(round->delivered, 1);
                QCOMPARE(mirror->syncState, QStringLiteral("synced"));
                break;
            }
            failedAt = statement;
            QCOMPARE(round->delivered, 0);
            QVERIFY(!mirror->existsInSalesforce()); // nothing of the unit was kept
            m_clock.advanceMs(6 * 60'000); // the lease ends
            auto again = m_store->outbox().claim(QStringLiteral("other-worker"), 10, 60'000);
            QVERIFY(again.ok());
            QCOMPARE(again->size(), 1);
            QCOMPARE(again->first().recordKey, QStringLiteral("lead:L-1"));
            // Given back, the next round checks Salesforce and completes it without a write.
            m_clock.advanceMs(2 * 60'000);
            const int upserts = m_sf.calls;
            const auto next = deliver(true);
            QCOMPARE(next.unchanged, 1);
            QCOMPARE(m_sf.calls, upserts + 1); // the query that checked, no second upsert
            QVERIFY(m_store->outbox().active()->isEmpty());
        }
        // At least the commit (the unit's last statement) was among the failures.
        QVERIFY2(failedAt >= 2, qPrintable(QString::number(failedAt)));
    }

    // Unreadable records of a polled page are inbox items of their own, with their raw JSON;
    // the page's good leads are taken in, and the same bad record polled again is not parked
    // twice.
    void pollParksUnreadableRecordsAndTakesInTheRest()
    {
        m_pf.leads.insert(QStringLiteral("L-1"),
                          platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_pf.rejected = {{QByteArrayLiteral("7"),
                          makeError(QStringLiteral("invalid_record"), QStringLiteral("no object"))},
                         {QByteArrayLiteral(R"({"id":"L-2","version":"x"})"),
                          makeError(QStringLiteral("invalid_record"),
                                    QStringLiteral("version must be an integer"))}};
        PlatformPoller poller(*m_store, m_pf, m_clock, 0, QStringLiteral("test"));
        for (int pass = 0; pass < 2; ++pass) {
            std::optional<Result<PollStats>> polled;
            poller.poll([&](Result<PollStats> r) { polled = std::move(r); });
            QVERIFY(QTest::qWaitFor([&] { return polled.has_value(); }, 10'000));
            QVERIFY(polled->ok());
            QCOMPARE((*polled)->records, 3);
            QCOMPARE((*polled)->rejected, pass == 0 ? 2 : 0);
        }
        auto inbox = m_store->inbox().list({});
        QVERIFY(inbox.ok());
        QCOMPARE(inbox->size(), 2);
        QSet<QByteArray> payloads;
        for (const InboxItem &item : *inbox) {
            payloads.insert(item.payload);
            QCOMPARE(item.kind, jobs::PlatformLeadRejected);
            QCOMPARE(item.errorClass, ErrorClass::Validation);
        }
        QCOMPARE(payloads, (QSet<QByteArray> {"7", R"({"id":"L-2","version":"x"})"}));
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        QVERIFY(processor.processPending(100).ok());
        QCOMPARE((*m_store->leads().byPlatformId(QStringLiteral("L-1")))->syncState,
                 QStringLiteral("pending"));
    }

    void lockedRowIsRetriedWithBackoff()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_sf.failRecord.insert(QStringLiteral("L-1"),
                               {false,
                                true,
                                QStringLiteral("UNABLE_TO_LOCK_ROW"),
                                QStringLiteral("unable to obtain exclusive access to this record"),
                                {},
                                false,
                                {}});
        auto round = deliver(true);
        QCOMPARE(round.retried, 1);
        const OutboxJob job = onlyJob();
        QCOMPARE(job.state, JobState::Pending);
        QCOMPARE(job.lastErrorCode, QStringLiteral("UNABLE_TO_LOCK_ROW"));
        QVERIFY(job.nextAttemptAt >= m_clock.nowMs()
                && job.nextAttemptAt <= m_clock.nowMs() + 2000);
        m_clock.advanceMs(2001);
        round = deliver(true);
        QCOMPARE(round.delivered, 1);
        QVERIFY(m_sf.leads.contains(QStringLiteral("L-1")));
    }

    void salesforceRejectionGoesToTheInbox()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_sf.failRecord.insert(QStringLiteral("L-1"),
                               {false,
                                false,
                                QStringLiteral("FIELD_CUSTOM_VALIDATION_EXCEPTION"),
                                QStringLiteral("Score must be set for web leads"),
                                {},
                                false,
                                {}});
        const auto round = deliver(true);
        QCOMPARE(round.toInbox, 1);
        auto inbox = m_store->inbox().list({});
        QCOMPARE(inbox->size(), 1);
        QCOMPARE(inbox->first().errorCode, QStringLiteral("FIELD_CUSTOM_VALIDATION_EXCEPTION"));
        QCOMPARE(inbox->first().errorClass, ErrorClass::Permanent);
        // Retried from the inbox it is rebuilt from the newest data and delivered.
        // The admin fixes the lead on the platform and retries: the platform record is read
        // again, and the fixed data is what goes out.
        QJsonObject fixed = platformLead(QStringLiteral("L-1"), 2, QStringLiteral("fixed@x.io"));
        m_pf.leads.insert(QStringLiteral("L-1"), fixed);
        QCOMPARE(*m_store->inbox().retry({inbox->first().id}, QStringLiteral("admin")), 1);
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("fixed@x.io"));
    }

    void unavailableServiceExhaustsAttemptsThenInbox()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        for (int attempt = 1; attempt <= 3; ++attempt) {
            m_sf.failNextCall
                = makeError(QStringLiteral("SERVER_UNAVAILABLE"), QStringLiteral("503"));
            m_sf.failNextCall->httpStatus = 503;
            m_sf.failNextCall->retryable = true;
            const auto round = deliver(true);
            QCOMPARE(round.claimed, 1);
            m_clock.advanceMs(20'000);
        }
        auto inbox = m_store->inbox().list({});
        QCOMPARE(inbox->size(), 1);
        QCOMPARE(inbox->first().errorClass, ErrorClass::Exhausted);
        QCOMPARE(inbox->first().attempts, 3);
    }

    void spentAllocationPausesWithoutUsingAttempts()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_sf.failNextCall = makeError(QStringLiteral("REQUEST_LIMIT_EXCEEDED"),
                                      QStringLiteral("TotalRequests Limit exceeded."));
        m_sf.failNextCall->httpStatus = 403;
        auto round = deliver(true);
        QVERIFY(round.blocked);
        QVERIFY(m_sfBudget->state().blocked);
        QCOMPARE(onlyJob().attempts, 0); // given back
        // While blocked nothing is claimed or sent.
        round = deliver(true);
        QVERIFY(round.blocked);
        QCOMPARE(round.claimed, 0);
        QCOMPARE(m_sf.calls, 1);
        m_clock.advanceMs(61'000);
        QCOMPARE(deliver(true).delivered, 1);
    }

    void breakerOpensAfterRepeatedFailures()
    {
        for (int i = 0; i < 20; ++i) {
            receive(platformLead(QStringLiteral("L-%1").arg(i), 1, QStringLiteral("a@x.io")));
            m_sf.failNextCall
                = makeError(QStringLiteral("network"), QStringLiteral("connection reset"));
            m_sf.failNextCall->retryable = true;
            deliver(true);
            m_clock.advanceMs(11'000);
        }
        QCOMPARE(m_sfBreaker->state(), CircuitBreaker::State::Open);
        const int callsBefore = m_sf.calls;
        const auto round = deliver(true);
        QVERIFY(round.blocked);
        QCOMPARE(m_sf.calls, callsBefore);
        m_clock.advanceMs(60'000);
        QCOMPARE(deliver(true).delivered > 0, true); // half-open trial succeeds and closes it
        QCOMPARE(m_sfBreaker->state(), CircuitBreaker::State::Closed);
    }

    void highValueAssignmentPublishesAnEvent()
    {
        // Loaded already assigned (initial sync): not a new assignment, no event.
        receive(platformLead(QStringLiteral("L-0"), 1, QStringLiteral("z@x.io"), 90'000,
                             QStringLiteral("A-1")));
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(m_sf.events.size(), 0);
        // A high-value lead gets assigned on the platform: one event, urgent.
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io"), 75'000));
        QCOMPARE(deliver(true).delivered, 1);
        receive(platformLead(QStringLiteral("L-1"), 2, QStringLiteral("a@x.io"), 75'000,
                             QStringLiteral("A-7")));
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(deliver(true).delivered, 1); // the event job
        QCOMPARE(m_sf.events.size(), 1);
        QCOMPARE(m_sf.events.first().first, QStringLiteral("Lead_Assigned__e"));
        QCOMPARE(m_sf.events.first().second.value(QStringLiteral("Agent_Id__c")).toString(),
                 QStringLiteral("A-7"));
        // A later change with the same assignment: no second event. A low-value lead: none.
        receive(platformLead(QStringLiteral("L-1"), 3, QStringLiteral("b@x.io"), 75'000,
                             QStringLiteral("A-7")));
        receive(platformLead(QStringLiteral("L-2"), 1, QStringLiteral("c@x.io"), 10));
        deliver(true);
        receive(platformLead(QStringLiteral("L-2"), 2, QStringLiteral("c@x.io"), 10,
                             QStringLiteral("A-7")));
        deliver(true);
        deliver(true);
        QCOMPARE(m_sf.events.size(), 1);
    }

    void salesforceChangeReachesThePlatformAndItsEchoIsSkipped()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(deliver(true).delivered, 1);
        // A sales rep changes the status in Salesforce.
        QJsonObject changed = m_sf.leads.value(QStringLiteral("L-1"));
        changed.insert(QStringLiteral("Status"), QStringLiteral("Working - Contacted"));
        changed.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
        changed.insert(QStringLiteral("SystemModstamp"),
                       QStringLiteral("2026-01-01T01:00:00.000+0000"));
        SalesforceChangeProcessor changes(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        QCOMPARE(changes.processLeads(polled({changed}))->enqueued, 1);
        QCOMPARE(deliver(false).delivered, 1);
        const QJsonObject onPlatform = m_pf.leads.value(QStringLiteral("L-1"));
        QCOMPARE(onPlatform.value(QStringLiteral("status")).toString(), QStringLiteral("working"));
        QCOMPARE(onPlatform.value(QStringLiteral("updated_by")).toString(),
                 jobs::PlatformUpdatedBy);
        QCOMPARE(onPlatform.value(QStringLiteral("email")).toString(), QStringLiteral("a@x.io"));
        // The platform's webhook for our write comes back: an echo, nothing goes to Salesforce.
        QJsonObject echo = onPlatform;
        echo.insert(QStringLiteral("version"), 2);
        echo.insert(QStringLiteral("updated_at"), QStringLiteral("2026-01-01T01:00:05.000Z"));
        const int calls = m_sf.calls;
        receive(echo);
        QVERIFY(m_store->outbox().active()->isEmpty());
        QCOMPARE(deliver(true).claimed, 0);
        QCOMPARE(m_sf.calls, calls);
    }

    void platformConflictIsReplannedWithTheCurrentRecord()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(deliver(true).delivered, 1);
        QJsonObject changed = m_sf.leads.value(QStringLiteral("L-1"));
        changed.insert(QStringLiteral("Status"), QStringLiteral("Closed - Converted"));
        changed.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
        changed.insert(QStringLiteral("SystemModstamp"),
                       QStringLiteral("2026-01-01T01:00:00.000+0000"));
        SalesforceChangeProcessor changes(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        QCOMPARE(changes.processLeads(polled({changed}))->enqueued, 1);
        // Meanwhile someone assigned an agent on the platform: 412 with the current record.
        QJsonObject current = platformLead(QStringLiteral("L-1"), 3, QStringLiteral("a@x.io"), 1000,
                                           QStringLiteral("A-9"));
        m_pf.failRecord.insert(QStringLiteral("L-1"),
                               {false,
                                false,
                                QStringLiteral("version_conflict"),
                                QStringLiteral("version mismatch"),
                                {},
                                false,
                                current});
        auto round = deliver(false);
        QCOMPARE(round.retried, 1);
        round = deliver(false);
        QCOMPARE(round.delivered, 1);
        const QJsonObject onPlatform = m_pf.leads.value(QStringLiteral("L-1"));
        QCOMPARE(onPlatform.value(QStringLiteral("status")).toString(),
                 QStringLiteral("won")); // Salesforce's
        QCOMPARE(onPlatform.value(QStringLiteral("agent_id")).toString(),
                 QStringLiteral("A-9")); // the platform's
    }

    // One row per way a platform deletion arrives and per profile action.
    void platformDeletionFollowsTheProfile_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<bool>("byPoll");
        QTest::addColumn<QString>("status");
        QTest::addColumn<bool>("eligible");
        QTest::newRow("webhook, close_in_salesforce")
            << QStringLiteral("close_in_salesforce") << false
            << QStringLiteral("Closed - Not Converted") << false;
        QTest::newRow("poll tombstone, close_in_salesforce")
            << QStringLiteral("close_in_salesforce") << true
            << QStringLiteral("Closed - Not Converted") << false;
        QTest::newRow("webhook, ignore") << QStringLiteral("ignore") << false << QString() << true;
        // status and eligible do not apply: the lead is gone from Salesforce.
        QTest::newRow("webhook, delete_in_salesforce")
            << QStringLiteral("delete_in_salesforce") << false << QString() << false;
    }

    void platformDeletionFollowsTheProfile()
    {
        QFETCH(QString, action);
        QFETCH(bool, byPoll);
        QFETCH(QString, status);
        QFETCH(bool, eligible);
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(deliver(true).delivered, 1);
        const QJsonObject before = m_sf.leads.value(QStringLiteral("L-1"));
        QVERIFY(!before.value(QStringLiteral("Id")).toString().isEmpty());

        const QJsonObject tombstone {
            {QStringLiteral("id"), QStringLiteral("L-1")},
            {QStringLiteral("deleted"), true},
            {QStringLiteral("deleted_at"), QStringLiteral("2030-01-01T00:00:00.000Z")},
            {QStringLiteral("updated_at"), QStringLiteral("2030-01-01T00:00:00.000Z")},
            {QStringLiteral("updated_by"), QStringLiteral("platform")},
            {QStringLiteral("version"), 2}};
        if (byPoll) {
            m_pf.tombstones = {tombstone};
            PlatformPoller poller(*m_store, m_pf, m_clock, 0, QStringLiteral("test"));
            std::optional<Result<PollStats>> polled;
            poller.poll([&](Result<PollStats> r) { polled = std::move(r); });
            QVERIFY(QTest::qWaitFor([&] { return polled.has_value(); }, 10'000));
            QVERIFY(polled->ok());
        } else {
            InboundEvent e;
            e.eventId = QStringLiteral("evt-deleted-") + action;
            e.source = QStringLiteral("webhook");
            e.type = QStringLiteral("lead.deleted");
            e.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), e.eventId},
                                                   {QStringLiteral("type"), e.type},
                                                   {QStringLiteral("data"), tombstone}})
                            .toJson(QJsonDocument::Compact);
            QVERIFY(m_store->events().insert(e).ok());
        }
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"), action);
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->deleted, 1);
        QCOMPARE(deliver(true).delivered, action == QLatin1String("ignore") ? 0 : 1);
        if (action == QLatin1String("delete_in_salesforce")) {
            QVERIFY(!m_sf.leads.contains(QStringLiteral("L-1")));
        } else {
            const QJsonObject after = m_sf.leads.value(QStringLiteral("L-1"));
            QCOMPARE(after.value(QStringLiteral("Status")).toString(),
                     status.isEmpty() ? before.value(QStringLiteral("Status")).toString() : status);
            QCOMPARE(after.value(QStringLiteral("Eligible_For_Distribution__c")).toBool(),
                     eligible
                         ? before.value(QStringLiteral("Eligible_For_Distribution__c")).toBool()
                         : false);
        }
        QVERIFY((*m_store->leads().byPlatformId(QStringLiteral("L-1")))->isDeleted());

        // The reconcile and a second pass write nothing: the lead is a tombstone.
        Reconciler reconciler(*m_store, m_sf, m_pf, *m_leads, *m_agents, m_clock,
                              QStringLiteral("reconciler"), 2000);
        std::optional<Result<ReconcileReport>> report;
        reconciler.run(QStringLiteral("manual"), [&](Result<ReconcileReport> r) { report = r; });
        QTRY_VERIFY(report.has_value());
        QVERIFY(report->ok());
        QCOMPARE((*report)->enqueued, 0);
        QCOMPARE(deliver(true).delivered, 0);
        QCOMPARE(deliver(false).delivered, 0);
        QVERIFY(!m_pf.leads.contains(QStringLiteral("L-1")));
    }

    // A lead deleted on the platform while its Salesforce upsert is on the wire: the upsert's
    // answer, recorded after the deletion was taken in, neither brings the lead back in the
    // mirror nor reopens the close the deletion queued (SalesforceState::closedFields()); the
    // close then lands and the lead stays closed on both the mirror and Salesforce.
    void upsertAnsweredAfterACloseDoesNotReopenIt()
    {
        useDispatcher(Dispatcher::Config {});
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(deliver(true).delivered, 1);
        receive(platformLead(QStringLiteral("L-1"), 2, QStringLiteral("b@x.io")));
        m_sf.holdUpserts = true;
        std::optional<Dispatcher::Round> round;
        m_dispatcher->deliverSalesforce([&](Dispatcher::Round r) { round = r; });
        QVERIFY(QTest::qWaitFor([&] { return !m_sf.heldUpserts.isEmpty(); }, 10'000));

        InboundEvent e;
        e.eventId = QStringLiteral("evt-deleted-in-flight");
        e.source = QStringLiteral("webhook");
        e.type = QStringLiteral("lead.deleted");
        e.payload
            = QJsonDocument(
                  QJsonObject {
                      {QStringLiteral("event_id"), e.eventId},
                      {QStringLiteral("type"), e.type},
                      {QStringLiteral("data"),
                       QJsonObject {{QStringLiteral("id"), QStringLiteral("L-1")},
                                    {QStringLiteral("deleted"), true},
                                    {QStringLiteral("deleted_at"),
                                     QStringLiteral("2030-01-01T00:00:00.000Z")},
                                    {QStringLiteral("updated_at"),
                                     QStringLiteral("2030-01-01T00:00:00.000Z")},
                                    {QStringLiteral("updated_by"), QStringLiteral("platform")},
                                    {QStringLiteral("version"), 3}}}})
                  .toJson(QJsonDocument::Compact);
        QVERIFY(m_store->events().insert(e).ok());
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"),
                                   QStringLiteral("close_in_salesforce"));
        auto taken = processor.processPending(100);
        QVERIFY(taken.ok());
        QCOMPARE(taken->deleted, 1);

        m_sf.releaseUpserts();
        QVERIFY(QTest::qWaitFor([&] { return round.has_value(); }, 10'000));
        QCOMPARE(round->delivered, 1);
        const auto closedInMirror = [&]() -> QString {
            auto record = m_store->leads().byPlatformId(QStringLiteral("L-1"));
            if (!record || !record->has_value())
                return QStringLiteral("L-1 is not in the mirror");
            if (!(*record)->isDeleted())
                return QStringLiteral("L-1 is no longer a tombstone in the mirror");
            const QJsonObject sf = (*record)->salesforceState;
            if (sf.value(QStringLiteral("Status")).toString()
                    != QLatin1String("Closed - Not Converted")
                || sf.value(QStringLiteral("Eligible_For_Distribution__c")).toBool(true))
                return QStringLiteral("the mirror holds L-1 open in Salesforce: %1")
                    .arg(sf.value(QStringLiteral("Status")).toString());
            return QString();
        };
        QCOMPARE(closedInMirror(), QString());
        // The upsert landed (its email), then the close.
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("b@x.io"));
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("Status")).toString(),
                 QStringLiteral("Closed - Not Converted"));
        QCOMPARE(closedInMirror(), QString());
        QCOMPARE(deliver(true).delivered, 0);
    }

    // Both ways of reading Salesforce: REST pages below sync.bulk_threshold, one Bulk API 2.0
    // query job above it (here the mirror's 2 leads are above a threshold of 1).
    void reconcileFindsAndRepairsDifferences_data()
    {
        QTest::addColumn<int>("bulkThreshold");
        QTest::newRow("rest") << 2000;
        QTest::newRow("bulk") << 1;
    }

    void reconcileFindsAndRepairsDifferences()
    {
        QFETCH(int, bulkThreshold);
        // In step: L-1 (delivered normally). Drifted: L-2 deleted in Salesforce behind our back
        // (a tombstone, never created again), L-3 never seen (platform only), L-4 only in
        // Salesforce.
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        receive(platformLead(QStringLiteral("L-2"), 1, QStringLiteral("b@x.io")));
        QCOMPARE(deliver(true).delivered, 2);
        for (const char *id : {"L-1", "L-2"}) {
            QJsonObject r = m_sf.leads.value(QString::fromLatin1(id));
            m_pf.leads.insert(QString::fromLatin1(id),
                              platformLead(QString::fromLatin1(id), 1,
                                           r.value(QStringLiteral("Email")).toString()));
            r.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
            m_sf.leads.insert(QString::fromLatin1(id), r);
        }
        m_sf.leads.remove(QStringLiteral("L-2"));
        m_pf.leads.insert(QStringLiteral("L-3"),
                          platformLead(QStringLiteral("L-3"), 1, QStringLiteral("c@x.io")));
        QJsonObject only = m_sf.leads.value(QStringLiteral("L-1"));
        only.insert(QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-4"));
        only.insert(QStringLiteral("Id"), QStringLiteral("00Q000000000000999"));
        m_sf.leads.insert(QStringLiteral("L-4"), only);

        Reconciler reconciler(*m_store, m_sf, m_pf, *m_leads, *m_agents, m_clock,
                              QStringLiteral("reconciler"), bulkThreshold);
        std::optional<Result<ReconcileReport>> report;
        reconciler.run(QStringLiteral("manual"), [&](Result<ReconcileReport> r) { report = r; });
        QTRY_VERIFY(report.has_value());
        QVERIFY2(report->ok(), report->ok() ? "" : qPrintable(report->error().message));
        QCOMPARE(m_sf.bulkQueries, bulkThreshold == 1 ? 1 : 0);
        QCOMPARE((*report)->leadsCompared, 4);
        QCOMPARE((*report)->missingInSalesforce, 1); // L-3
        QCOMPARE((*report)->missingOnPlatform, 1); // L-4
        QCOMPARE((*report)->enqueued, 3); // L-3 to Salesforce, L-4 to and L-2 off the platform
        QVERIFY(!(*report)->samples.isEmpty());
        QCOMPARE(m_store->reconciles().recent(10)->size(), 1);
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(deliver(false).delivered, 2);
        // L-2 was deleted in Salesforce: it stays deleted there, a tombstone in the mirror, and
        // is deleted on the platform.
        QVERIFY(!m_sf.leads.contains(QStringLiteral("L-2")));
        QVERIFY(!m_pf.leads.contains(QStringLiteral("L-2")));
        QVERIFY(m_pf.deleted.contains(QStringLiteral("L-2")));
        QVERIFY(m_sf.leads.contains(QStringLiteral("L-3")));
        QVERIFY(m_pf.leads.contains(QStringLiteral("L-4")));
        auto tombstone = m_store->leads().byPlatformId(QStringLiteral("L-2"));
        QVERIFY(tombstone.ok() && tombstone->has_value());
        QVERIFY((*tombstone)->isDeleted());
        QCOMPARE((*tombstone)->deletedOn, QStringLiteral("salesforce"));
        // A second run finds nothing left to do.
        report.reset();
        for (const char *id : {"L-3"}) {
            QJsonObject r = m_sf.leads.value(QString::fromLatin1(id));
            r.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
            m_sf.leads.insert(QString::fromLatin1(id), r);
        }
        reconciler.run(QStringLiteral("manual"), [&](Result<ReconcileReport> r) { report = r; });
        QTRY_VERIFY(report.has_value());
        QVERIFY(report->ok());
        QCOMPARE((*report)->enqueued, 0);
        QCOMPARE((*report)->differing, 0);
    }

    void rosterGetsPlatformIdsWrittenBackAndAgentsPushed()
    {
        QJsonObject person {
            {QStringLiteral("Id"), QStringLiteral("a01000000000001AAA")},
            {QStringLiteral("Name"), QStringLiteral("Grace Hopper")},
            {QStringLiteral("Email__c"), QStringLiteral("grace@navy.mil")},
            {QStringLiteral("Active__c"), true},
            {QStringLiteral("Eligible__c"), true},
            {QStringLiteral("States__c"), QStringLiteral("TX;CA")},
            {QStringLiteral("Capacity__c"), 10},
            {QStringLiteral("Platform_Agent_Id__c"), QJsonValue::Null},
            {QStringLiteral("SystemModstamp"), QStringLiteral("2026-01-01T00:00:00.000+0000")}};
        SalesforceChangeProcessor changes(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        QVERIFY(changes.processAgents(polled({person})).ok());
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(m_sf.people.value(QStringLiteral("a01000000000001AAA"))
                     .value(QStringLiteral("Platform_Agent_Id__c"))
                     .toString(),
                 QStringLiteral("A-a01000000000001AAA"));
        QCOMPARE(deliver(false).delivered, 1);
        const QJsonObject agent = m_pf.agents.value(QStringLiteral("A-a01000000000001AAA"));
        QCOMPARE(agent.value(QStringLiteral("name")).toString(), QStringLiteral("Grace Hopper"));
        QCOMPARE(agent.value(QStringLiteral("states")).toArray().size(), 2);
    }

    // Bulk API 2.0: more lead upserts due than the threshold go out in one ingest job, the
    // threshold itself and fewer through Composite.
    void bulkOnlyAboveTheThreshold()
    {
        QVERIFY(!Dispatcher::useBulk(2000, 2000));
        QVERIFY(Dispatcher::useBulk(2001, 2000));
        receiveForBulk(3);
        QCOMPARE(deliver(true).delivered, 3);
        QCOMPARE(m_sf.bulkUploads, 0);
        QCOMPARE(m_sf.writes, 3);

        receiveForBulk(8); // L-1..3 known already: five new jobs due
        QCOMPARE(deliver(true).delivered, 5);
        QCOMPARE(m_sf.bulkUploads, 1);
        receive(platformLead(QStringLiteral("L-1"), 2, QStringLiteral("new1@x.io")));
        receive(platformLead(QStringLiteral("L-2"), 2, QStringLiteral("new2@x.io")));
        receive(platformLead(QStringLiteral("L-3"), 2, QStringLiteral("new3@x.io")));
        receive(platformLead(QStringLiteral("L-4"), 2, QStringLiteral("new4@x.io")));
        const auto round = deliver(true);
        QCOMPARE(round.delivered, 4);
        QCOMPARE(m_sf.bulkUploads, 2);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-4")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("new4@x.io"));
        QVERIFY(m_store->outbox().active()->isEmpty());
        QVERIFY(m_store->ingestJobs().open(jobs::SalesforceLeadUpsert)->isEmpty());
        const auto mirror = *m_store->leads().byPlatformId(QStringLiteral("L-8"));
        QCOMPARE(mirror->syncState, QStringLiteral("synced"));
        QVERIFY(mirror->salesforceId.startsWith(QLatin1String("00Q")));
    }

    // Each failed row of an ingest job is handled on its own, as a Composite answer's would be:
    // a transient code is retried, the rest goes to the inbox with Salesforce's error, and an
    // unprocessed row is queued again.
    void bulkFailedRowsAreHandledEachOnItsOwn()
    {
        receiveForBulk(6);
        m_sf.failRecord.insert(QStringLiteral("L-2"),
                               {false,
                                true,
                                QStringLiteral("UNABLE_TO_LOCK_ROW"),
                                QStringLiteral("unable to obtain exclusive access to this record"),
                                {},
                                false,
                                {}});
        m_sf.failRecord.insert(QStringLiteral("L-3"),
                               {false,
                                false,
                                QStringLiteral("FIELD_CUSTOM_VALIDATION_EXCEPTION"),
                                QStringLiteral("Lead Score must be between 0 and 100."),
                                {},
                                false,
                                {}});
        m_sf.unprocessed.insert(QStringLiteral("L-4"));
        const auto round = deliver(true);
        QCOMPARE(m_sf.bulkUploads, 1);
        QCOMPARE(round.delivered, 3);
        QCOMPARE(round.retried, 2);
        QCOMPARE(round.toInbox, 1);
        auto inbox = m_store->inbox().list({});
        QCOMPARE(inbox->size(), 1);
        QCOMPARE(inbox->first().recordKey, QStringLiteral("lead:L-3"));
        QCOMPARE(inbox->first().errorCode, QStringLiteral("FIELD_CUSTOM_VALIDATION_EXCEPTION"));
        QCOMPARE(inbox->first().errorMessage,
                 QStringLiteral("Lead Score must be between 0 and 100."));
        QHash<QString, QString> pending; // record -> last error code
        const auto active = m_store->outbox().active();
        QVERIFY(active.ok());
        for (const OutboxJob &job : *active) {
            QCOMPARE(job.state, JobState::Pending);
            pending.insert(job.recordKey, job.lastErrorCode);
        }
        QCOMPARE(pending,
                 (QHash<QString, QString> {
                     {QStringLiteral("lead:L-2"), QStringLiteral("UNABLE_TO_LOCK_ROW")},
                     {QStringLiteral("lead:L-4"), BulkUnprocessedCode}}));
        QCOMPARE((*m_store->leads().byPlatformId(QStringLiteral("L-3")))->syncState,
                 QStringLiteral("error"));
        // Two left: below the threshold, they go out through Composite and arrive.
        m_clock.advanceMs(20'000);
        QCOMPARE(deliver(true).delivered, 2);
        QCOMPARE(m_sf.bulkUploads, 1);
        QCOMPARE(m_sf.leads.size(), 5);
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // Each poll's counters are stored on the job's row (what an import shows); a cancel asked
    // for there (the Import view's Cancel) aborts the job at its next poll, and the rows it did
    // not reach go to the inbox rather than out again.
    void cancelledBulkJobIsAbortedAndItsRestGoesToTheInbox()
    {
        receiveForBulk(5);
        m_sf.holdBulk = true;
        std::optional<Dispatcher::Round> round;
        m_dispatcher->deliverSalesforce([&](Dispatcher::Round r) { round = r; });
        QCOMPARE(m_sf.bulkUploads, 1);
        const QString jobId = m_sf.bulkJobs.keys().first();
        QVERIFY(m_sf.bulkPoll);
        m_sf.bulkPoll(jobId, QStringLiteral("InProgress"), 2, 0);
        auto progress = m_store->ingestJobs().progressSince(jobs::SalesforceLeadUpsert, 0);
        QVERIFY(progress.ok());
        QCOMPARE(progress->size(), 1);
        QCOMPARE(progress->first().total, qint64(5));
        QCOMPARE(progress->first().processed, qint64(2));
        QCOMPARE(progress->first().salesforceState, QStringLiteral("InProgress"));
        QVERIFY(m_sf.bulkAborted.isEmpty());

        QCOMPARE(*m_store->ingestJobs().requestAbort({jobId}), 1);
        m_sf.bulkPoll(jobId, QStringLiteral("InProgress"), 2, 0);
        QCOMPARE(m_sf.bulkAborted, QStringList {jobId});
        m_sf.bulkPoll(jobId, QStringLiteral("InProgress"), 2, 0); // one abort is enough
        QCOMPARE(m_sf.bulkAborted.size(), 1);
        // Salesforce had processed L-1 and L-2.
        m_sf.unprocessed = {QStringLiteral("L-3"), QStringLiteral("L-4"), QStringLiteral("L-5")};
        m_sf.releaseBulk(jobId);
        QTRY_VERIFY(round.has_value());
        QCOMPARE(round->delivered, 2);
        QCOMPARE(round->toInbox, 3);
        const auto inbox = m_store->inbox().list({});
        QCOMPARE(inbox->size(), 3);
        for (const auto &item : *inbox)
            QCOMPARE(item.errorCode, BulkCancelledCode);
        QVERIFY(m_store->outbox().active()->isEmpty());
        QVERIFY(m_store->ingestJobs().open(jobs::SalesforceLeadUpsert)->isEmpty());
    }

    // A worker dies after its ingest job was uploaded and before the results came: the next
    // one collects that job (stored before the upload) instead of uploading the rows again,
    // and a lead that changed meanwhile is written again with its new values.
    void bulkJobOfADeadWorkerIsCollectedNotSentAgain()
    {
        receiveForBulk(5);
        m_sf.holdBulk = true;
        bool answered = false;
        m_dispatcher->deliverSalesforce([&](Dispatcher::Round) { answered = true; });
        QCOMPARE(m_sf.bulkUploads, 1);
        QCOMPARE(m_store->ingestJobs().open(jobs::SalesforceLeadUpsert)->size(), 1);
        // The jobs stay claimed (a lease ending does not give them out again)...
        m_clock.advanceMs(10 * 60'000);
        QVERIFY(m_store->outbox().claim(QStringLiteral("other"), 100, 60'000)->isEmpty());
        // ... the worker dies; L-1 changes on the platform meanwhile.
        receive(platformLead(QStringLiteral("L-1"), 2, QStringLiteral("changed@x.io")));
        Dispatcher::Config config;
        config.workerId = QStringLiteral("worker-after-restart");
        config.bulkThreshold = 3;
        useDispatcher(config);
        QVERIFY(!answered);
        m_sf.holdBulk = false;
        const auto round = deliver(true);
        QCOMPARE(m_sf.bulkUploads, 1); // nothing uploaded twice
        QCOMPARE(m_sf.bulkCollects, 1);
        QCOMPARE(round.delivered, 4);
        QVERIFY(m_store->ingestJobs().open(jobs::SalesforceLeadUpsert)->isEmpty());
        // L-1's newer job writes its new email (the old one was superseded).
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("changed@x.io"));
        QCOMPARE(m_sf.leads.size(), 5);
        QVERIFY(m_store->outbox().active()->isEmpty());
        QVERIFY(m_store->inbox().list({})->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDispatcher)
#include "TestDispatcher.moc"
