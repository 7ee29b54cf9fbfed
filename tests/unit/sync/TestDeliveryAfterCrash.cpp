// Issue 19: what a Salesforce delivery learns late (its answer arrives after a change was taken
// in, or after a restart) neither loses that change nor brings a deleted lead back:
//  - a Salesforce user's edit read while a bulk job of the lead ran reaches the platform;
//  - a lead deleted on the platform while its first write (bulk, or a write whose answer a
//    crash lost) was on the wire is deleted in Salesforce once the write is known to have
//    landed, in the same process or the one after a restart;
//  - the check before a resend reads the Recycle Bin: a lead a user deleted in Salesforce is
//    not created again by an upsert of its key, and goes to the platform as a deletion;
//  - a user's edit that check reads goes on to the platform (the stream's event of it, read
//    later, is then an echo);
//  - our own write read back (an echo) does not make Salesforce's values newer than a platform
//    edit taken in while that write was on the wire;
//  - a worker woken after its claims' lease ran out sends nothing of the jobs another took;
//  - our own write whose answer a crash lost, read back by a poll (its SystemModstamp after a
//    platform edit taken in while it was on the wire), is an echo: the edit still reaches
//    Salesforce, and Salesforce's older values do not go back to the platform;
//  - a write whose answer told nothing of the record (missing_result) may have landed: the
//    resend reads Salesforce first;
//  - a poll that first tells the Salesforce id of a lead deleted on the platform meanwhile
//    sends the deletion there.
//  - a Salesforce read older than one already taken in (a poll page read before a user's edit
//    that the stream took in first) does not undo the edit;
//  - a poll page in hand when the process lost the poll's lease is not taken in;
//  - the check before a resend that reads back a lost first write does not make Salesforce's
//    values newer than a platform edit made while that write was on the wire.
#include "FakePorts.h"
#include "PolledChanges.h"
#include "SyncStoreFixture.h"
#include "mapping/FieldMapping.h"
#include "store/Duties.h"
#include "sync/Dispatcher.h"
#include "sync/InboundProcessor.h"
#include "sync/JobKinds.h"
#include "sync/OutcomeRecorder.h"
#include "sync/Pollers.h"
#include "sync/SalesforceChangeProcessor.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

const QString kDelete = QStringLiteral("delete_in_salesforce");

QJsonObject platformLead(const QString &id, int version, const QString &email)
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
        {QStringLiteral("value"), 1000},
        {QStringLiteral("agent_id"), QJsonValue::Null},
        {QStringLiteral("eligible"), true},
        {QStringLiteral("updated_at"), QStringLiteral("2026-01-01T00:00:0%1.000Z").arg(version)},
        {QStringLiteral("updated_by"), QStringLiteral("platform")},
        {QStringLiteral("version"), version}};
}

// A Salesforce record as a read returns it (the fake's stored upsert, with the read's extras).
QJsonObject asRead(QJsonObject record, const QString &id, const QString &modstamp)
{
    record.insert(QStringLiteral("Id"), id);
    record.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
    record.insert(QStringLiteral("SystemModstamp"), modstamp);
    return record;
}

} // namespace

class TestDeliveryAfterCrash : public QObject
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

    void receive(const QJsonObject &lead, const QString &type = QStringLiteral("lead.updated"))
    {
        static int n = 0;
        InboundEvent e;
        e.eventId = QStringLiteral("evt-%1").arg(++n);
        e.source = QStringLiteral("webhook");
        e.type = type;
        e.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), e.eventId},
                                               {QStringLiteral("type"), e.type},
                                               {QStringLiteral("data"), lead}})
                        .toJson(QJsonDocument::Compact);
        QVERIFY(m_store->events().insert(e).ok());
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"), kDelete);
        QVERIFY(processor.processPending(1000).ok());
    }

    void deleteOnPlatform(const QString &id)
    {
        receive({{QStringLiteral("id"), id},
                 {QStringLiteral("deleted"), true},
                 {QStringLiteral("deleted_at"), QStringLiteral("2026-01-03T00:00:00.000Z")},
                 {QStringLiteral("updated_at"), QStringLiteral("2026-01-03T00:00:00.000Z")},
                 {QStringLiteral("updated_by"), QStringLiteral("platform")},
                 {QStringLiteral("version"), 9}},
                QStringLiteral("lead.deleted"));
    }

    // A Salesforce user's change, read by the stream or a poll.
    void readFromSalesforce(const QJsonObject &record)
    {
        SalesforceChangeProcessor changes(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        changes.setPlatformDelete(kDelete);
        QVERIFY(changes.processLeads(polled({record})).ok());
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

    // A worker as a (re)started process builds it: bulk deliveries from more than three due.
    void startWorker(const QString &id)
    {
        Dispatcher::Config config;
        config.workerId = id;
        config.bulkThreshold = 3;
        config.platformDelete = kDelete;
        config.retry = RetryPolicy {1000, 10'000, 3};
        m_dispatcher.reset();
        m_dispatcher = std::make_unique<Dispatcher>(*m_store, m_sf, m_pf, *m_leads, *m_agents,
                                                    *m_sfBudget, *m_pfBudget, *m_sfBreaker,
                                                    *m_pfBreaker, m_clock, config);
        m_dispatcher->setRandomSeed(7);
    }

    // L-1..L-5 on the platform, their bulk job uploaded and held (not answered yet).
    QString fiveLeadsInAHeldBulkJob()
    {
        for (int i = 1; i <= 5; ++i)
            receive(platformLead(QStringLiteral("L-%1").arg(i), 1,
                                 QStringLiteral("lead%1@x.io").arg(i)));
        m_sf.holdBulk = true;
        m_dispatcher->deliverSalesforce([](Dispatcher::Round) {});
        if (m_sf.bulkUploads != 1)
            return {};
        return m_sf.bulkJobs.keys().first();
    }

    QJsonObject bulkRow(const QString &jobId, const QString &key)
    {
        for (const QJsonObject &r : m_sf.bulkJobs.value(jobId)) {
            if (r.value(QStringLiteral("Platform_Lead_Id__c")).toString() == key)
                return r;
        }
        return {};
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

    // The bulk job created L-2; a user edits it in Salesforce and the stream reads the edit
    // before the job's results are collected. Recording the results keeps the edit (it is
    // newer than the job's write), and the edit reaches the platform.
    void salesforceEditReadWhileTheBulkJobRunsReachesThePlatform()
    {
        const QString jobId = fiveLeadsInAHeldBulkJob();
        QVERIFY(!jobId.isEmpty());
        QJsonObject edited
            = asRead(bulkRow(jobId, QStringLiteral("L-2")), QStringLiteral("00Q000000000002AAA"),
                     QStringLiteral("2026-01-02T00:00:00.000+0000"));
        edited.insert(QStringLiteral("Company"), QStringLiteral("Edited in Salesforce"));
        readFromSalesforce(edited);
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 1);

        m_sf.releaseBulk(jobId);
        QVERIFY(
            QTest::qWaitFor([&] { return activeJobs(jobs::SalesforceLeadUpsert) == 0; }, 10'000));
        const auto mirror = *m_store->leads().byPlatformId(QStringLiteral("L-2"));
        QCOMPARE(mirror->salesforceState.value(QStringLiteral("Company")).toString(),
                 QStringLiteral("Edited in Salesforce"));
        QCOMPARE(deliver(false).delivered, 1);
        QCOMPARE(
            m_pf.leads.value(QStringLiteral("L-2")).value(QStringLiteral("company")).toString(),
            QStringLiteral("Edited in Salesforce"));
    }

    // A worker plans L-1's write and is frozen before sending it (here: while it checks
    // Salesforce first); its claim's lease runs out and another worker claims the job. Woken,
    // it sends nothing: the job is no longer its own.
    void workerWokenPastItsClaimSendsNothing()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        // Claimed once before, outcome unknown: the next claim checks Salesforce first.
        QCOMPARE(m_store->outbox().claim(QStringLiteral("dead-worker"), 10, 1'000)->size(), 1);
        m_clock.advanceMs(2'000);
        std::optional<Dispatcher::Round> round;
        m_dispatcher->deliverSalesforce([&](Dispatcher::Round r) { round = r; });
        // Frozen before the check's answer came: the lease (5 minutes) runs out meanwhile.
        m_clock.advanceMs(6 * 60'000);
        QCOMPARE(m_store->outbox().claim(QStringLiteral("next-worker"), 10, 60'000)->size(), 1);
        QVERIFY(QTest::qWaitFor([&] { return round.has_value(); }, 10'000));
        QCOMPARE(m_sf.writes, 0);
        QVERIFY(m_sf.leads.isEmpty());
        QCOMPARE(round->delivered, 0);
    }

    // L-4 is edited on the platform while the bulk job that creates it runs (Salesforce takes
    // the job's rows after the edit). A poll then reads the job's write back: an echo, whose
    // SystemModstamp is the job's, not a Salesforce user's change, so the platform's edit is
    // still written to Salesforce.
    void platformEditDuringTheBulkJobIsWrittenAfterItsEcho()
    {
        const QString jobId = fiveLeadsInAHeldBulkJob();
        QVERIFY(!jobId.isEmpty());
        receive(platformLead(QStringLiteral("L-4"), 2, QStringLiteral("changed@x.io")));
        m_sf.releaseBulk(jobId);
        QVERIFY(QTest::qWaitFor(
            [&] { return m_store->ingestJobs().open(jobs::SalesforceLeadUpsert)->isEmpty(); },
            10'000));
        QJsonObject echo = m_sf.leads.value(QStringLiteral("L-4"));
        echo = asRead(echo, echo.value(QStringLiteral("Id")).toString(),
                      QStringLiteral("2026-01-01T00:01:00.000+0000"));
        readFromSalesforce(echo);
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
        QCOMPARE(deliver(true).delivered, 1);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-4")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("changed@x.io"));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-3 is deleted on the platform while the bulk job that creates it runs: the deletion
    // cannot name a Salesforce id yet. Once the job's results tell it, L-3 is deleted in
    // Salesforce too, whether the same process collects them or, after a restart, the next.
    void platformDeletionDuringTheBulkJobReachesSalesforce_data()
    {
        QTest::addColumn<bool>("restart");
        QTest::newRow("same process") << false;
        QTest::newRow("after a restart") << true;
    }
    void platformDeletionDuringTheBulkJobReachesSalesforce()
    {
        QFETCH(bool, restart);
        const QString jobId = fiveLeadsInAHeldBulkJob();
        QVERIFY(!jobId.isEmpty());
        deleteOnPlatform(QStringLiteral("L-3"));
        QCOMPARE(activeJobs(jobs::SalesforceLeadDelete), 0); // no Salesforce id to delete yet
        if (restart) {
            startWorker(QStringLiteral("worker-after-restart"));
            m_sf.holdBulk = false;
            deliver(true); // collects the job sent before
            QCOMPARE(m_sf.bulkCollects, 1);
        } else {
            m_sf.releaseBulk(jobId);
        }
        QVERIFY(
            QTest::qWaitFor([&] { return activeJobs(jobs::SalesforceLeadDelete) == 1; }, 10'000));
        QVERIFY(m_store->ingestJobs().open(jobs::SalesforceLeadUpsert)->isEmpty());
        QVERIFY(m_sf.leads.contains(QStringLiteral("L-3")));
        deliver(true);
        QVERIFY(!m_sf.leads.contains(QStringLiteral("L-3")));
        QCOMPARE(m_sf.leads.size(), 4);
        QVERIFY(m_store->outbox().active()->isEmpty());
        QCOMPARE(m_sf.bulkUploads, 1); // nothing sent twice
    }

    // A worker sends L-1's first upsert (it lands) and dies before recording it; L-1 is then
    // deleted on the platform. The next worker's check before the resend finds it in
    // Salesforce and deletes it there.
    void platformDeletionAfterALostAnswerReachesSalesforce()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(m_store->outbox().claim(QStringLiteral("dead-worker"), 10, 30'000)->size(), 1);
        const auto record = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QJsonObject landed = (*m_leads->planSalesforceWrite(*record))->fields;
        landed.insert(QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1"));
        m_sf.leads.insert(QStringLiteral("L-1"),
                          asRead(landed, QStringLiteral("00Q000000000001AAA"),
                                 QStringLiteral("2026-01-01T00:00:30.000+0000")));
        deleteOnPlatform(QStringLiteral("L-1"));
        QCOMPARE(activeJobs(jobs::SalesforceLeadDelete), 0);
        m_clock.advanceMs(31'000); // the dead worker's lease ends
        deliver(true); // the check, then the job completes (a tombstone is not written)
        QCOMPARE(activeJobs(jobs::SalesforceLeadUpsert), 0);
        QCOMPARE(activeJobs(jobs::SalesforceLeadDelete), 1);
        deliver(true);
        QVERIFY(m_sf.leads.isEmpty());
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-1's first upsert lands after a platform user edited L-1 (Salesforce stamps it later than
    // the edit), and the worker freezes or dies before recording it. The check before the
    // resend reads the write back: it is LeadBridge's own, so its SystemModstamp does not make
    // Salesforce's values newer than the edit, which, read afterwards, reaches Salesforce.
    void platformEditBeforeALostFirstWriteLandedReachesSalesforce()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(m_store->outbox().claim(QStringLiteral("dead-worker"), 10, 30'000)->size(), 1);
        const auto record = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QJsonObject landed = (*m_leads->planSalesforceWrite(*record))->fields;
        landed.insert(QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1"));
        m_sf.leads.insert(QStringLiteral("L-1"),
                          asRead(landed, QStringLiteral("00Q000000000001AAA"),
                                 QStringLiteral("2026-01-01T00:00:30.000+0000")));
        m_clock.advanceMs(31'000); // the dead worker's lease ends
        const int writes = m_sf.writes;
        deliver(true); // the check finds it landed
        QCOMPARE(m_sf.writes, writes);
        QCOMPARE(activeJobs(jobs::SalesforceLeadUpsert), 0);
        QJsonObject edited = platformLead(QStringLiteral("L-1"), 2, QStringLiteral("a@x.io"));
        edited.insert(QStringLiteral("first_name"), QStringLiteral("P159"));
        receive(edited); // made at 00:00:02, before the write landed at 00:00:30
        deliver(true);
        QCOMPARE(
            m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("FirstName")).toString(),
            QStringLiteral("P159"));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-1's first upsert lands, the worker dies before recording it, and a user deletes L-1 in
    // Salesforce. The check before the resend reads the Recycle Bin: L-1 is not upserted again
    // (that would create it anew), and its deletion goes to the platform.
    void leadDeletedInSalesforceAfterALostAnswerIsNotCreatedAgain()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_pf.leads.insert(QStringLiteral("L-1"),
                          platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(m_store->outbox().claim(QStringLiteral("dead-worker"), 10, 30'000)->size(), 1);
        const auto record = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QJsonObject deleted = (*m_leads->planSalesforceWrite(*record))->fields;
        deleted.insert(QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1"));
        deleted = asRead(deleted, QStringLiteral("00Q000000000001AAA"),
                         QStringLiteral("2026-01-02T00:00:00.000+0000"));
        deleted.insert(QStringLiteral("IsDeleted"), true);
        m_sf.recycleBin.insert(QStringLiteral("L-1"), deleted);
        m_clock.advanceMs(31'000);
        deliver(true);
        QVERIFY(m_sf.leads.isEmpty()); // not created again
        QCOMPARE(m_sf.writes, 0);
        const auto mirror = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY(mirror->isDeleted());
        QCOMPARE(mirror->deletedOn, QStringLiteral("salesforce"));
        deliver(false);
        QVERIFY(m_pf.deleted.contains(QStringLiteral("L-1")));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-1's platform edit lands in Salesforce, the worker dies before recording it, and a user
    // then edits L-1's company in Salesforce. The check before the resend reads that edit: it
    // goes on to the platform, and the stream's event of it, read afterwards, changes nothing.
    void salesforceEditReadBeforeAResendReachesThePlatform()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(deliver(true).delivered, 1);
        receive(platformLead(QStringLiteral("L-1"), 2, QStringLiteral("b@x.io")));
        m_pf.leads.insert(QStringLiteral("L-1"),
                          platformLead(QStringLiteral("L-1"), 2, QStringLiteral("b@x.io")));
        QCOMPARE(m_store->outbox().claim(QStringLiteral("dead-worker"), 10, 30'000)->size(), 1);
        QJsonObject edited = m_sf.leads.value(QStringLiteral("L-1"));
        edited.insert(QStringLiteral("Email"), QStringLiteral("b@x.io"));
        edited.insert(QStringLiteral("Company"), QStringLiteral("Edited in Salesforce"));
        edited = asRead(edited, edited.value(QStringLiteral("Id")).toString(),
                        QStringLiteral("2026-01-02T00:00:00.000+0000"));
        m_sf.leads.insert(QStringLiteral("L-1"), edited);
        m_clock.advanceMs(31'000);
        const int writes = m_sf.writes;
        deliver(true);
        QCOMPARE(m_sf.writes, writes); // it had landed: not sent again
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 1);
        readFromSalesforce(edited); // the stream's event of the edit
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 1);
        deliver(false);
        QCOMPARE(
            m_pf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("company")).toString(),
            QStringLiteral("Edited in Salesforce"));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-4 is edited on the platform while the bulk job that creates it runs, and the worker
    // dies before collecting it. The next one collects the job (L-4 is to be written again:
    // it is planned differently now) and the backstop poll reads the job's row back, with the
    // SystemModstamp of its landing (after the edit). That is our own write, not a Salesforce
    // user's change: the edit still goes to Salesforce and nothing goes back to the platform.
    void platformEditDuringABulkJobCollectedAfterARestartIsWrittenAfterItsEcho()
    {
        const QString jobId = fiveLeadsInAHeldBulkJob();
        QVERIFY(!jobId.isEmpty());
        receive(platformLead(QStringLiteral("L-4"), 2, QStringLiteral("changed@x.io")));
        startWorker(QStringLiteral("worker-after-restart"));
        m_sf.holdBulk = false;
        deliver(true); // collects the job sent before
        QCOMPARE(m_sf.bulkCollects, 1);
        QJsonObject echo = m_sf.leads.value(QStringLiteral("L-4"));
        QCOMPARE(echo.value(QStringLiteral("Email")).toString(), QStringLiteral("lead4@x.io"));
        echo = asRead(echo, echo.value(QStringLiteral("Id")).toString(),
                      QStringLiteral("2026-01-01T00:01:00.000+0000"));
        readFromSalesforce(echo);
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
        m_clock.advanceMs(60'000); // the job to write again is due
        deliver(true);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-4")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("changed@x.io"));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-1's first upsert is on the wire when L-1 is edited on the platform; it lands (with the
    // values from before the edit) and the worker dies before its answer. The backstop poll
    // reads it back with the SystemModstamp of its landing: our own write, so the edit is still
    // written to Salesforce, after the lost write's lease ends and its check.
    void platformEditWhileALostWriteWasOnTheWireIsWrittenAfterItsEcho()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_sf.holdUpserts = true;
        m_dispatcher->deliverSalesforce([](Dispatcher::Round) {});
        QCOMPARE(m_sf.heldUpserts.size(), 1);
        receive(platformLead(QStringLiteral("L-1"), 2, QStringLiteral("b@x.io")));
        m_sf.releaseUpserts(); // lands; its answer is lost with the worker
        startWorker(QStringLiteral("worker-after-restart"));
        QJsonObject echo = m_sf.leads.value(QStringLiteral("L-1"));
        QCOMPARE(echo.value(QStringLiteral("Email")).toString(), QStringLiteral("a@x.io"));
        echo = asRead(echo, echo.value(QStringLiteral("Id")).toString(),
                      QStringLiteral("2026-01-01T00:00:30.000+0000"));
        readFromSalesforce(echo);
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
        // The edit's job waits while the lost one is still the dead worker's (it could still
        // land after a newer write).
        QCOMPARE(deliver(true).delivered, 0);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("a@x.io"));
        m_clock.advanceMs(6 * 60'000); // the dead worker's lease ends
        // The check before the resend (the lost write is superseded), then the edit.
        for (int round = 0; round < 3 && !m_store->outbox().active()->isEmpty(); ++round)
            deliver(true);
        QCOMPARE(m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("Email")).toString(),
                 QStringLiteral("b@x.io"));
        QVERIFY(m_store->outbox().active()->isEmpty());
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
    }

    // L-1's first upsert lands, but the answer tells nothing of it (a bulk job collected after
    // a restart that reports no row for it); a user then edits L-1 in Salesforce. The resend
    // reads Salesforce first, as for a lost answer: the edit is not overwritten, and goes on
    // to the platform.
    void resendAfterAnAnswerThatToldNothingReadsSalesforceFirst()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_pf.leads.insert(QStringLiteral("L-1"),
                          platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        m_sf.failRecord.insert(QStringLiteral("L-1"),
                               OutcomeRecorder::missingResult(QStringLiteral("no row")));
        QCOMPARE(deliver(true).delivered, 0);
        const auto record = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QJsonObject edited = (*m_leads->planSalesforceWrite(*record))->fields;
        edited.insert(QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1"));
        edited.insert(QStringLiteral("Company"), QStringLiteral("Edited in Salesforce"));
        m_sf.leads.insert(QStringLiteral("L-1"),
                          asRead(edited, QStringLiteral("00Q000000000001AAA"),
                                 QStringLiteral("2026-01-02T00:00:00.000+0000")));
        m_clock.advanceMs(60'000); // the retry is due
        deliver(true);
        QCOMPARE(m_sf.writes, 0); // it had landed: not sent again
        QCOMPARE(
            m_sf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("Company")).toString(),
            QStringLiteral("Edited in Salesforce"));
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 1);
        deliver(false);
        QCOMPARE(
            m_pf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("company")).toString(),
            QStringLiteral("Edited in Salesforce"));
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-1's first upsert lands, the worker dies before recording it, and L-1 is deleted on
    // the platform (no Salesforce id to delete yet). The backstop poll reads L-1 in Salesforce
    // before the check before a resend does: the poll tells the id, and the deletion goes.
    void platformDeletionReachesSalesforceWhenAPollFirstTellsTheId()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(m_store->outbox().claim(QStringLiteral("dead-worker"), 10, 30'000)->size(), 1);
        const auto record = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QJsonObject landed = (*m_leads->planSalesforceWrite(*record))->fields;
        landed.insert(QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1"));
        landed = asRead(landed, QStringLiteral("00Q000000000001AAA"),
                        QStringLiteral("2026-01-01T00:00:30.000+0000"));
        m_sf.leads.insert(QStringLiteral("L-1"), landed);
        deleteOnPlatform(QStringLiteral("L-1"));
        QCOMPARE(activeJobs(jobs::SalesforceLeadDelete), 0);
        readFromSalesforce(landed); // the backstop poll
        QCOMPARE(activeJobs(jobs::SalesforceLeadDelete), 1);
        m_clock.advanceMs(31'000); // the dead worker's lease ends
        deliver(true);
        deliver(true);
        QVERIFY(m_sf.leads.isEmpty());
        QVERIFY(m_store->outbox().active()->isEmpty());
    }

    // L-1 is in Salesforce; a poll reads it, and before that page is taken in (a long poll's
    // later page, a Bulk query's results, a page in hand when the process froze) a user edits
    // L-1's first name and the stream takes the edit in and delivers it. The older page, taken
    // in last, neither undoes the edit in the mirror nor sends the old name to the platform.
    void pollPageOlderThanTheStreamsReadDoesNotUndoTheEdit()
    {
        receive(platformLead(QStringLiteral("L-1"), 1, QStringLiteral("a@x.io")));
        QCOMPARE(deliver(true).delivered, 1);
        QJsonObject before = m_sf.leads.value(QStringLiteral("L-1"));
        before = asRead(before, before.value(QStringLiteral("Id")).toString(),
                        QStringLiteral("2026-01-02T00:00:00.000+0000"));
        readFromSalesforce(before); // our own write read back
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
        QJsonObject edited = before;
        edited.insert(QStringLiteral("FirstName"), QStringLiteral("S296"));
        edited.insert(QStringLiteral("SystemModstamp"),
                      QStringLiteral("2026-01-02T00:00:05.000+0000"));
        readFromSalesforce(edited); // the stream
        QCOMPARE(deliver(false).delivered, 1);
        QCOMPARE(
            m_pf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("first_name")).toString(),
            QStringLiteral("S296"));

        readFromSalesforce(before); // the older page
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
        deliver(false);
        QCOMPARE(
            m_pf.leads.value(QStringLiteral("L-1")).value(QStringLiteral("first_name")).toString(),
            QStringLiteral("S296"));
        const auto mirror = *m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QCOMPARE(mirror->salesforceState.value(QStringLiteral("FirstName")).toString(),
                 QStringLiteral("S296"));
    }

    // A process froze with a poll's page in hand and woke after its lease on the poll ran out
    // and another process took the poll over: it takes nothing of that page in (the new
    // holder reads it), neither the records nor the poll's position.
    void pollPageOfAProcessThatLostThePollIsNotTakenIn()
    {
        m_store->leases().fenceAs(QStringLiteral("frozen"));
        QVERIFY(*m_store->leases().take(duty::SalesforcePoll, QStringLiteral("frozen"), 5'000));
        m_sf.rosterReadsPeople = true;
        m_sf.leads.insert(QStringLiteral("L-9"),
                          asRead({{QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-9")},
                                  {QStringLiteral("FirstName"), QStringLiteral("Ada")},
                                  {QStringLiteral("LastName"), QStringLiteral("Nguyen")},
                                  {QStringLiteral("Company"), QStringLiteral("Acme")},
                                  {QStringLiteral("Email"), QStringLiteral("ada@x.io")}},
                                 QStringLiteral("00Q000000000009AAA"),
                                 QStringLiteral("2026-01-02T00:00:00.000+0000")));
        const auto mapping = FieldMapping::defaultMapping();
        QVERIFY(mapping.ok());
        SalesforceChangeProcessor changes(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        SalesforcePoller poller(*m_store, m_sf, changes, mapping->lead, mapping->agent, 0, 1000);
        std::optional<Result<PollStats>> outcome;
        poller.poll([&](Result<PollStats> r) { outcome = r; });
        // Frozen past the lease while the pages are on the way; another process takes over.
        m_clock.advanceMs(6'000);
        QVERIFY(*m_store->leases().take(duty::SalesforcePoll, QStringLiteral("other"), 5'000));
        QVERIFY(QTest::qWaitFor([&] { return outcome.has_value(); }, 10'000));
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().code, QStringLiteral("LEASE_LOST"));
        QVERIFY(!m_store->leads().byPlatformId(QStringLiteral("L-9"))->has_value());
        QCOMPARE(activeJobs(jobs::PlatformLeadPut), 0);
        QVERIFY(!m_store->watermarks()
                     .get(SalesforcePoller::watermarkName(QStringLiteral("People__c")))
                     ->has_value());
    }
};

QTEST_GUILESS_MAIN(TestDeliveryAfterCrash)
#include "TestDeliveryAfterCrash.moc"
