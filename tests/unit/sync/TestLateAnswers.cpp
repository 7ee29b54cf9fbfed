// Issue 19, the soak's duplicated writes and what a failed call leaves unknown:
//  - a Salesforce read older than one the mirror already took (a backstop poll page answered
//    after the stream's read of a newer edit) does not undo that edit in the mirror, so it is
//    neither written back to the platform nor lost there;
//  - the platform's webhook of our own earlier write, arriving after a later write of the lead
//    landed, is stale: it goes neither to Salesforce nor into the mirror;
//  - a Salesforce write that landed but whose call failed in transit (the connection dropped
//    after the commit, a timeout) is checked before the resend like one whose answer a kill
//    lost: written once, and a deletion in Salesforce meanwhile is honoured;
//  - a check before a resend that fails sends nothing: the write waits and is checked again;
//  - a job that takes the place of a sent one whose outcome is unknown checks first too;
//  - a record an upsert created anew after a user deleted the lead in Salesforce (another Id
//    under the key) is deleted again, not taken for an undelete;
//  - a Salesforce edit taken in while a platform write of the lead is on the wire is not undone
//    in the mirror when that write lands (the soak's lost edits);
//  - a reconcile's read older than an edit taken in while it read does not undo the edit;
//  - a lead's newer write waits while another worker holds its older one (a running bulk job,
//    a process frozen mid-call), so the older never lands last.
#include "FakePorts.h"
#include "PolledChanges.h"
#include "SyncStoreFixture.h"
#include "sync/Dispatcher.h"
#include "sync/InboundProcessor.h"
#include "sync/JobKinds.h"
#include "sync/Reconciler.h"
#include "sync/SalesforceChangeProcessor.h"

#include <QJsonDocument>
#include <QTest>

using namespace lb;

namespace {

const QString kDelete = QStringLiteral("delete_in_salesforce");
const QString kLead = QStringLiteral("L-1");

QJsonObject platformLead(int version, int score)
{
    return {{QStringLiteral("id"), kLead},
            {QStringLiteral("first_name"), QStringLiteral("Ada")},
            {QStringLiteral("last_name"), QStringLiteral("Nguyen")},
            {QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("email"), QStringLiteral("ada@x.io")},
            {QStringLiteral("phone"), QJsonValue::Null},
            {QStringLiteral("status"), QStringLiteral("new")},
            {QStringLiteral("source"), QStringLiteral("web")},
            {QStringLiteral("score"), score},
            {QStringLiteral("value"), 1000},
            {QStringLiteral("agent_id"), QJsonValue::Null},
            {QStringLiteral("eligible"), true},
            {QStringLiteral("updated_at"), QStringLiteral("2026-01-01T00:00:01.000Z")},
            {QStringLiteral("updated_by"), QStringLiteral("platform")},
            {QStringLiteral("version"), version}};
}

// A Salesforce record as a read returns it (the fake's stored upsert, with the read's extras).
QJsonObject asRead(QJsonObject record, const QString &modstamp)
{
    record.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
    record.insert(QStringLiteral("SystemModstamp"), modstamp);
    return record;
}

} // namespace

class TestLateAnswers : public QObject
{
    Q_OBJECT

private:
    test::SyncStoreFixture m_fixture;
    std::unique_ptr<Store> &m_store = m_fixture.store;
    test::FakeSalesforce m_sf;
    test::FakePlatform m_pf;
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
        InboundProcessor processor(*m_store, *m_fixture.leads, QStringLiteral("test"), kDelete);
        QVERIFY(processor.processPending(1000).ok());
    }

    // The platform's webhook of what LeadBridge wrote there, stamped `updatedAt`.
    void receiveOurWrite(QJsonObject written, const QString &updatedAt)
    {
        written.insert(QStringLiteral("updated_at"), updatedAt);
        written.insert(QStringLiteral("updated_by"), jobs::PlatformUpdatedBy);
        receive(written);
    }

    // A read of Salesforce (the stream's read-back, a poll page, the check before a resend).
    void readFromSalesforce(const QJsonObject &record)
    {
        SalesforceChangeProcessor changes(*m_store, *m_fixture.leads, *m_fixture.agents,
                                          QStringLiteral("test"));
        QVERIFY(changes.processLeads(polled({record})).ok());
    }

    // A Salesforce user's edit of L-1's score at `modstamp`: the record as Salesforce now holds it.
    QJsonObject editInSalesforce(int score, const QString &modstamp)
    {
        QJsonObject edited = asRead(m_sf.leads.value(kLead), modstamp);
        edited.insert(QStringLiteral("Lead_Score__c"), score);
        m_sf.leads.insert(kLead, edited);
        return edited;
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

    int activeJobs(const QString &kind)
    {
        const auto active = m_store->outbox().active();
        if (!active)
            return -1;
        int n = 0;
        for (const OutboxJob &job : *active)
            n += job.kind == kind ? 1 : 0;
        return n;
    }

    int platformScore() const
    {
        return m_pf.leads.value(kLead).value(QStringLiteral("score")).toInt();
    }
    int salesforceScore() const
    {
        return m_sf.leads.value(kLead).value(QStringLiteral("Lead_Score__c")).toInt();
    }

    // L-1 created on the platform (score 22) and written to Salesforce.
    void leadInBothSystems()
    {
        m_pf.leads.insert(kLead, platformLead(1, 22));
        receive(platformLead(1, 22));
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(m_sf.leadWrites.value(kLead), 1);
    }

    // A worker as a (re)started process builds it.
    void startWorker(const QString &id)
    {
        m_dispatcher.reset();
        Dispatcher::Config config;
        config.workerId = id;
        config.platformDelete = kDelete;
        config.retry = RetryPolicy {1000, 10'000, 5};
        m_dispatcher = std::make_unique<Dispatcher>(*m_store, m_sf, m_pf, *m_fixture.leads,
                                                    *m_fixture.agents, *m_fixture.sfBudget,
                                                    *m_fixture.pfBudget, *m_fixture.sfBreaker,
                                                    *m_fixture.pfBreaker, m_fixture.clock, config);
        m_dispatcher->setRandomSeed(7);
    }

    // L-1's platform edit lands in Salesforce but its call fails in transit; then a user deletes
    // L-1 there (it goes to the Recycle Bin) before the retry.
    void deletedAfterAWriteWhoseCallFailed()
    {
        leadInBothSystems();
        QJsonObject edited = platformLead(2, 40);
        edited.insert(QStringLiteral("updated_at"), QStringLiteral("2026-01-01T00:00:30.000Z"));
        m_pf.leads.insert(kLead, edited);
        receive(edited);
        Error dropped = makeError(QStringLiteral("network"), QStringLiteral("connection reset"));
        dropped.retryable = true;
        m_sf.failNextCallAfterLanding = dropped;
        deliver(true);
        QJsonObject deleted
            = asRead(m_sf.leads.take(kLead), QStringLiteral("2026-01-01T00:00:40.000+0000"));
        deleted.insert(QStringLiteral("IsDeleted"), true);
        m_sf.recycleBin.insert(kLead, deleted);
    }

private slots:
    void init()
    {
        m_dispatcher.reset();
        auto opened = m_fixture.open();
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
        m_sf = {};
        m_pf = {};
        startWorker(QStringLiteral("worker"));
    }

    // The soak's L-001828: a Salesforce user sets the score to 23; the stream reads it and it
    // is written to the platform. The backstop poll's page, read just before the edit but
    // answered after the stream's read, still holds 22: taken in, it made 22 Salesforce's
    // newest value, so 22 was written to the platform again (a second platform write for one
    // edit), the late webhook of the first write then went back to Salesforce (a write that
    // changed nothing), and the platform kept 22 (the edit lost).
    void olderSalesforceReadDoesNotUndoANewerEdit()
    {
        leadInBothSystems();
        const QJsonObject pageReadBeforeTheEdit
            = asRead(m_sf.leads.value(kLead), QStringLiteral("2026-01-01T00:00:10.000+0000"));
        const QJsonObject edited
            = editInSalesforce(23, QStringLiteral("2026-01-01T00:00:20.000+0000"));
        readFromSalesforce(edited); // the stream
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 1);
        QCOMPARE(deliver(false).delivered, 1);
        QCOMPARE(platformScore(), 23);
        const QJsonObject firstWrite = m_pf.leads.value(kLead);

        readFromSalesforce(pageReadBeforeTheEdit); // the backstop poll's late page
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
        const auto mirror = *m_store->leads().byPlatformId(kLead);
        QCOMPARE(mirror->salesforceState.value(QStringLiteral("Lead_Score__c")).toInt(), 23);
        deliver(false);
        QCOMPARE(m_pf.leadWrites.value(kLead), 1); // one platform write for one edit
        QCOMPARE(platformScore(), 23);

        receiveOurWrite(firstWrite, QStringLiteral("2026-01-01T00:00:21.000Z")); // its echo
        QCOMPARE(activeJobs(jobs::SalesforceLeadUpsert), 0);
        deliver(true);
        QCOMPARE(m_sf.leadWrites.value(kLead), 1); // nothing went back to Salesforce
        QCOMPARE(salesforceScore(), 23);
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // Two Salesforce edits of L-1 (23, then 24) are written to the platform as versions 2 and 3.
    // The platform's webhook of version 2 arrives after version 3 landed: the mirror holds 24
    // there, so by content it looked like a platform change back to 23, newer than Salesforce's
    // edit, and went to Salesforce, undoing the user's 24 there. It is our own older write.
    void lateEchoOfAnEarlierWriteIsStale()
    {
        leadInBothSystems();
        readFromSalesforce(editInSalesforce(23, QStringLiteral("2026-01-01T00:00:20.000+0000")));
        QCOMPARE(deliver(false).delivered, 1);
        const QJsonObject version2 = m_pf.leads.value(kLead);
        QCOMPARE(version2.value(QStringLiteral("version")).toInt(), 2);
        // Made in Salesforce before version 2 reached the platform, read after it.
        readFromSalesforce(editInSalesforce(24, QStringLiteral("2026-01-01T00:00:20.500Z")));
        QCOMPARE(deliver(false).delivered, 1);
        const QJsonObject version3 = m_pf.leads.value(kLead);
        QCOMPARE(platformScore(), 24);

        receiveOurWrite(version2, QStringLiteral("2026-01-01T00:00:21.000Z"));
        QCOMPARE(activeJobs(jobs::SalesforceLeadUpsert), 0);
        auto mirror = *m_store->leads().byPlatformId(kLead);
        QCOMPARE(mirror->platformState.value(QStringLiteral("score")).toInt(), 24);
        receiveOurWrite(version3, QStringLiteral("2026-01-01T00:00:22.000Z"));
        QCOMPARE(activeJobs(jobs::SalesforceLeadUpsert), 0);
        deliver(true);
        deliver(false);
        QCOMPARE(m_sf.leadWrites.value(kLead), 1);
        QCOMPARE(salesforceScore(), 24);
        QCOMPARE(m_pf.leadWrites.value(kLead), 2);
        QCOMPARE(platformScore(), 24);
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-1's platform edit lands in Salesforce but the call fails in transit. The retry reads
    // Salesforce first (as after a kill): the write is found there and not sent again.
    void writeThatLandedButWhoseCallFailedIsNotSentAgain_data()
    {
        QTest::addColumn<QString>("code");
        QTest::newRow("connection dropped") << QStringLiteral("network");
        QTest::newRow("timed out") << QStringLiteral("timeout");
    }
    void writeThatLandedButWhoseCallFailedIsNotSentAgain()
    {
        QFETCH(QString, code);
        leadInBothSystems();
        QJsonObject edited = platformLead(2, 40);
        edited.insert(QStringLiteral("updated_at"), QStringLiteral("2026-01-01T00:00:30.000Z"));
        m_pf.leads.insert(kLead, edited);
        receive(edited);
        Error dropped = makeError(code, QStringLiteral("the connection closed before the answer"));
        dropped.retryable = true;
        m_sf.failNextCallAfterLanding = dropped;
        QCOMPARE(deliver(true).delivered, 0);
        QCOMPARE(m_sf.leadWrites.value(kLead), 2);
        QCOMPARE(salesforceScore(), 40);
        m_sf.leads.insert(
            kLead, asRead(m_sf.leads.value(kLead), QStringLiteral("2026-01-01T00:00:31.000+0000")));

        m_fixture.clock.advanceMs(11'000); // the retry is due
        const int queries = m_sf.calls;
        deliver(true);
        QVERIFY(m_sf.calls > queries); // the check
        QCOMPARE(m_sf.leadWrites.value(kLead), 2); // written once for the one edit
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // As above, and a user deletes L-1 in Salesforce before the retry: the check reads the
    // Recycle Bin, so L-1 is not created again by an upsert of its key, and its deletion goes
    // to the platform.
    void deletionAfterAWriteWhoseCallFailedIsHonoured()
    {
        deletedAfterAWriteWhoseCallFailed();

        m_fixture.clock.advanceMs(11'000);
        deliver(true);
        QVERIFY(m_sf.leads.isEmpty()); // not created again
        QCOMPARE(m_sf.leadWrites.value(kLead), 2);
        const auto mirror = *m_store->leads().byPlatformId(kLead);
        QVERIFY(mirror->isDeleted());
        QCOMPARE(mirror->deletedOn, QStringLiteral("salesforce"));
        deliver(false);
        QVERIFY(m_pf.deleted.contains(kLead));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }
    // As above, and the check itself fails (Salesforce unavailable): the resend is not sent
    // blind (an upsert by L-1's key would create anew the lead a user deleted); it waits, and
    // its next try checks again.
    void failedCheckBeforeAResendSendsNothing()
    {
        deletedAfterAWriteWhoseCallFailed();

        Error unavailable = makeError(QStringLiteral("http_503"), QStringLiteral("unavailable"));
        unavailable.retryable = true;
        m_sf.failNextQueryAll = unavailable;
        m_fixture.clock.advanceMs(11'000);
        QCOMPARE(deliver(true).delivered, 0);
        QVERIFY(m_sf.leads.isEmpty()); // not created again
        QCOMPARE(m_sf.leadWrites.value(kLead), 2);
        const auto waiting = *m_store->outbox().active();
        QCOMPARE(waiting.size(), 1);
        QCOMPARE(waiting.first().lastErrorCode, QStringLiteral("check_failed"));

        m_fixture.clock.advanceMs(60'000);
        deliver(true); // checks again: the lead is in the Recycle Bin
        QVERIFY(m_sf.leads.isEmpty());
        QCOMPARE(m_sf.leadWrites.value(kLead), 2);
        const auto mirror = *m_store->leads().byPlatformId(kLead);
        QVERIFY(mirror->isDeleted());
    }

    // L-1's first write lands and its answer is lost with the worker; a user deletes L-1 in
    // Salesforce. Once the dead worker's lease ends, a platform edit's job takes the lost one's
    // place (superseded while pending): it inherits the check before a resend, so the deletion
    // is found and L-1 is not created again by an upsert of its key.
    void jobThatSupersedesALostWriteChecksFirst()
    {
        m_pf.leads.insert(kLead, platformLead(1, 22));
        receive(platformLead(1, 22));
        m_sf.holdUpserts = true;
        m_dispatcher->deliverSalesforce([](Dispatcher::Round) {});
        QCOMPARE(m_sf.heldUpserts.size(), 1);
        m_sf.releaseUpserts(); // lands; its answer is lost with the worker
        startWorker(QStringLiteral("worker-after-restart"));
        QVERIFY(m_sf.leads.contains(kLead));
        QJsonObject deleted
            = asRead(m_sf.leads.take(kLead), QStringLiteral("2026-01-01T00:00:40.000+0000"));
        deleted.insert(QStringLiteral("IsDeleted"), true);
        m_sf.recycleBin.insert(kLead, deleted);

        m_fixture.clock.advanceMs(6 * 60'000); // the dead worker's lease ends
        deliver(false); // a claim gives the lost write back: pending again
        receive(platformLead(2, 30)); // its job supersedes the pending lost write
        QCOMPARE(activeJobs(jobs::SalesforceLeadUpsert), 1);
        deliver(true);
        QVERIFY(!m_sf.leads.contains(kLead)); // not created again
        QCOMPARE(m_sf.leadWrites.value(kLead), 1);
        const auto mirror = *m_store->leads().byPlatformId(kLead);
        QVERIFY(mirror->isDeleted());
        QCOMPARE(mirror->deletedOn, QStringLiteral("salesforce"));
    }

    // The SQLite kill run's L-000574 (seed 2707951489): a resend checked Salesforce, then a user
    // deleted L-1 there, then the resend's upsert of L-1's key created it anew under another Id.
    // The stream took the deletion in; a poll then read the new record and, newer than the
    // tombstone, took it for an undelete: L-1 came back on the platform. An undelete keeps the
    // Id, so the new record is deleted instead and L-1 stays deleted on both sides.
    void recordCreatedAnewAfterADeletionIsDeletedNotRestored()
    {
        leadInBothSystems();
        const QJsonObject before = m_sf.leads.value(kLead);
        const QString deletedId = before.value(QStringLiteral("Id")).toString();
        QVERIFY(!deletedId.isEmpty());
        QJsonObject deleted = asRead(before, QStringLiteral("2026-01-01T00:00:40.000+0000"));
        deleted.insert(QStringLiteral("IsDeleted"), true);
        m_sf.leads.remove(kLead);
        readFromSalesforce(deleted); // the stream
        QCOMPARE(activeJobs(jobs::PlatformLeadDelete), 1);

        const QString newId = QStringLiteral("00Q000000000099AAA");
        QJsonObject recreated = asRead(before, QStringLiteral("2026-01-01T00:00:45.000+0000"));
        recreated.insert(QStringLiteral("Id"), newId);
        m_sf.leads.insert(kLead, recreated);
        readFromSalesforce(recreated); // a poll
        QCOMPARE(activeJobs(jobs::PlatformLeadRestore), 0);
        const auto mirror = *m_store->leads().byPlatformId(kLead);
        QVERIFY(mirror->isDeleted());
        QCOMPARE(mirror->salesforceId, deletedId);
        QCOMPARE(activeJobs(jobs::SalesforceLeadDelete), 1);
        deliver(true);
        QVERIFY(!m_sf.leads.contains(kLead)); // the new record deleted
        deliver(false);
        QVERIFY(m_pf.deleted.contains(kLead));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // The soak's L-001242: two Salesforce edits 0.26 s apart (scores 54, then 55). The first
    // one's platform write was on the wire when the stream took the second in; the landing
    // wrote back the row as planned, with 54 as Salesforce's value, so the second edit's job
    // found nothing to send and the platform kept 54.
    void salesforceEditTakenInWhileAPlatformWriteIsOnTheWireIsKept()
    {
        leadInBothSystems();
        readFromSalesforce(editInSalesforce(54, QStringLiteral("2026-01-01T00:00:20.000+0000")));
        m_pf.holdUpserts = true;
        std::optional<Dispatcher::Round> first;
        m_dispatcher->deliverPlatform([&](Dispatcher::Round r) { first = r; });
        QVERIFY(QTest::qWaitFor([&] { return m_pf.heldUpserts.size() == 1; }, 10'000));
        readFromSalesforce(editInSalesforce(55, QStringLiteral("2026-01-01T00:00:21.000+0000")));
        m_pf.releaseUpserts();
        QVERIFY(QTest::qWaitFor([&] { return first.has_value(); }, 10'000));
        QCOMPARE(platformScore(), 54);
        const auto mirror = *m_store->leads().byPlatformId(kLead);
        QCOMPARE(mirror->salesforceState.value(QStringLiteral("Lead_Score__c")).toInt(), 55);
        deliver(false);
        QCOMPARE(platformScore(), 55);
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // The SIGSTOP run's L-002491: a reconcile listed the platform's leads; a platform user's
    // edit was taken in before the reconcile compared them; the reconcile took its older read
    // for what the platform holds, undoing the edit in the mirror, and the edit's job then sent
    // the older values to Salesforce.
    void reconcileReadOlderThanAnEditDoesNotUndoIt()
    {
        leadInBothSystems();
        Reconciler reconciler(*m_store, m_sf, m_pf, *m_fixture.leads, *m_fixture.agents,
                              m_fixture.clock, QStringLiteral("reconciler"), 2000);
        m_pf.holdListings = true;
        std::optional<Result<ReconcileReport>> report;
        reconciler.run(QStringLiteral("manual"), [&](Result<ReconcileReport> r) { report = r; });
        QVERIFY(QTest::qWaitFor([&] { return !m_pf.heldListings.isEmpty(); }, 10'000));
        QJsonObject edited = platformLead(2, 30);
        m_pf.leads.insert(kLead, edited);
        receive(edited);
        m_pf.releaseListings();
        QVERIFY(QTest::qWaitFor([&] { return report.has_value(); }, 10'000));
        QVERIFY(report->ok());
        const auto mirror = *m_store->leads().byPlatformId(kLead);
        QCOMPARE(mirror->platformState.value(QStringLiteral("score")).toInt(), 30);
        for (int round = 0; round < 3 && activeJobs(jobs::SalesforceLeadUpsert) > 0; ++round)
            deliver(true);
        QCOMPARE(salesforceScore(), 30);
    }

    // The SIGSTOP run's L-002224: one process held L-1's first write in a running bulk job
    // while a platform edit was taken in; another process claimed the edit's job and sent it
    // at once, then the bulk job landed the older values over it. The newer job now waits
    // until the older is finished, on either side.
    void newerWriteWaitsWhileAnotherWorkerHoldsTheOlder_data()
    {
        QTest::addColumn<bool>("salesforce");
        QTest::newRow("to Salesforce") << true;
        QTest::newRow("to the platform") << false;
    }
    void newerWriteWaitsWhileAnotherWorkerHoldsTheOlder()
    {
        QFETCH(bool, salesforce);
        leadInBothSystems();
        const int sfWrites = m_sf.leadWrites.value(kLead);
        if (salesforce)
            receive(platformLead(2, 30));
        else
            readFromSalesforce(editInSalesforce(30, QStringLiteral("2026-01-01T00:00:20.000Z")));
        QCOMPARE(m_store->outbox().claim(QStringLiteral("frozen-worker"), 10, 30'000)->size(), 1);
        if (salesforce)
            receive(platformLead(3, 31));
        else
            readFromSalesforce(editInSalesforce(31, QStringLiteral("2026-01-01T00:00:21.000Z")));
        const QString kind = salesforce ? jobs::SalesforceLeadUpsert : jobs::PlatformLeadPut;
        QCOMPARE(activeJobs(kind), 2);

        QCOMPARE(deliver(salesforce).delivered, 0);
        QCOMPARE(m_sf.leadWrites.value(kLead), sfWrites);
        QCOMPARE(m_pf.leadWrites.value(kLead), 0);

        m_fixture.clock.advanceMs(31'000); // the frozen worker's lease ends
        for (int round = 0; round < 4 && activeJobs(kind) > 0; ++round)
            deliver(salesforce);
        QCOMPARE(activeJobs(kind), 0);
        QCOMPARE(salesforce ? salesforceScore() : platformScore(), 31);
    }
};

QTEST_GUILESS_MAIN(TestLateAnswers)
#include "TestLateAnswers.moc"
