// The decision half of the engine, against a real store, without any network.
#include "PolledChanges.h"
#include "SyncStoreFixture.h"
#include "mapping/FieldMapping.h"
#include "sync/InboundProcessor.h"
#include "sync/JobKinds.h"
#include "sync/MirrorObservation.h"
#include "sync/PlatformLeadChange.h"
#include "sync/SalesforceChangeProcessor.h"
#include "sync/SyncPlanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

QJsonObject lead(const QString &id, int version, const QString &updatedAt, const QString &email)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("first_name"), QStringLiteral("Ada")},
            {QStringLiteral("last_name"), QStringLiteral("Nguyen")},
            {QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("email"), email},
            {QStringLiteral("phone"), QStringLiteral("415 555 2671")},
            {QStringLiteral("status"), QStringLiteral("new")},
            {QStringLiteral("source"), QStringLiteral("web")},
            {QStringLiteral("score"), 50},
            {QStringLiteral("value"), 1000},
            {QStringLiteral("agent_id"), QJsonValue::Null},
            {QStringLiteral("eligible"), true},
            {QStringLiteral("updated_at"), updatedAt},
            {QStringLiteral("updated_by"), QStringLiteral("platform")},
            {QStringLiteral("version"), version}};
}

InboundEvent webhook(const QString &eventId, const QJsonObject &data)
{
    InboundEvent e;
    e.eventId = eventId;
    e.source = QStringLiteral("webhook");
    e.type = QStringLiteral("lead.updated");
    e.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), eventId},
                                           {QStringLiteral("type"), QStringLiteral("lead.updated")},
                                           {QStringLiteral("data"), data}})
                    .toJson(QJsonDocument::Compact);
    return e;
}

InboundEvent deletedWebhook(const QString &eventId, const QString &id, int version,
                            const QString &at)
{
    InboundEvent e;
    e.eventId = eventId;
    e.source = QStringLiteral("webhook");
    e.type = QStringLiteral("lead.deleted");
    const QJsonObject tombstone {{QStringLiteral("id"), id},
                                 {QStringLiteral("deleted"), true},
                                 {QStringLiteral("deleted_at"), at},
                                 {QStringLiteral("updated_at"), at},
                                 {QStringLiteral("updated_by"), QStringLiteral("platform")},
                                 {QStringLiteral("version"), version}};
    e.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), eventId},
                                           {QStringLiteral("type"), QStringLiteral("lead.deleted")},
                                           {QStringLiteral("data"), tombstone}})
                    .toJson(QJsonDocument::Compact);
    return e;
}

// Why a Result failed (QVERIFY2 evaluates its message whether or not the check passes).
template<typename T> QString whyNot(const Result<T> &r)
{
    return r.ok() ? QString() : r.error().toString();
}

} // namespace

class TestProcessors : public QObject
{
    Q_OBJECT

private:
    test::SyncStoreFixture m_fixture;
    ManualClock &m_clock = m_fixture.clock;
    std::unique_ptr<Store> &m_store = m_fixture.store;
    std::unique_ptr<SyncPlanner> &m_leads = m_fixture.leads;
    std::unique_ptr<SyncPlanner> &m_agents = m_fixture.agents;

    qint64 pendingJobs(const QString &kind)
    {
        auto jobs = m_store->outbox().active(10'000);
        return std::count_if(jobs->cbegin(), jobs->cend(), [&](const OutboxJob &j) {
            return j.kind == kind && j.state == JobState::Pending;
        });
    }

private slots:
    void init()
    {
        auto opened = m_fixture.open();
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
    }

    void newLeadBecomesOneSalesforceJob()
    {
        QVERIFY(m_store->events()
                    .insert(webhook(QStringLiteral("e1"),
                                    lead(QStringLiteral("L-1"), 1,
                                         QStringLiteral("2026-11-22T13:05:00.000Z"),
                                         QStringLiteral("ada@example.com"))))
                    .ok());
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 1);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadUpsert), 1);
        auto mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY(mirror.ok() && mirror->has_value());
        QCOMPARE((*mirror)->platformVersion, 1);
        QVERIFY((*mirror)->existsOnPlatform());
        QCOMPARE(m_store->events().pending(10)->size(), 0);
    }

    void platformDeletionLeavesATombstoneNoReplayUndoes()
    {
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        const auto v1 = lead(QStringLiteral("L-1"), 1, QStringLiteral("2026-11-22T13:05:00.000Z"),
                             QStringLiteral("a@x.io"));
        QVERIFY(m_store->events().insert(webhook(QStringLiteral("e1"), v1)).ok());
        QVERIFY(processor.processPending(100).ok());
        QVERIFY(m_store->events()
                    .insert(deletedWebhook(QStringLiteral("e2"), QStringLiteral("L-1"), 2,
                                           QStringLiteral("2026-11-22T13:06:00.000Z")))
                    .ok());
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->deleted, 1);
        auto mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY(mirror.ok() && mirror->has_value());
        QVERIFY((*mirror)->isDeleted());
        QCOMPARE((*mirror)->deletedOn, QStringLiteral("platform"));
        QCOMPARE((*mirror)->deletedAt, qint64(1'795'352'760'000)); // 2026-11-22T13:06:00Z
        QCOMPARE((*mirror)->platformVersion, 2);

        // A replayed webhook, a late poll page of the old version and the tombstone again.
        QVERIFY(m_store->events().insert(webhook(QStringLiteral("e1-replay"), v1)).ok());
        const InboundEvent late = PlatformLeadChange::storedForm(
            v1, QStringLiteral("poll"),
            PlatformLeadChange::pollEventId(v1) + QStringLiteral("-late"), 0);
        QVERIFY(m_store->events().insert(late).ok());
        QVERIFY(m_store->events()
                    .insert(deletedWebhook(QStringLiteral("e2-replay"), QStringLiteral("L-1"), 2,
                                           QStringLiteral("2026-11-22T13:06:00.000Z")))
                    .ok());
        const qint64 jobsBefore = pendingJobs(jobs::SalesforceLeadUpsert);
        stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->deleted, 0);
        QCOMPARE(stats->enqueued, 0);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadUpsert), jobsBefore);
        mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY((*mirror)->isDeleted());

        // Restored on the platform (a new version): the tombstone is gone, the lead syncs again.
        QVERIFY(m_store->events()
                    .insert(webhook(QStringLiteral("e3"),
                                    lead(QStringLiteral("L-1"), 3,
                                         QStringLiteral("2026-11-22T13:07:00.000Z"),
                                         QStringLiteral("c@x.io"))))
                    .ok());
        stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 1);
        mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY(!(*mirror)->isDeleted());
        QVERIFY((*mirror)->deletedOn.isEmpty());
    }

    // A lead closed in Salesforce for its platform deletion, restored on the platform with its
    // old content: Salesforce decides status and eligibility, so the platform gets them back
    // (lost, not eligible) even though the content equals what the mirror kept.
    void restoreAfterACloseTakesSalesforcesStatus()
    {
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        const auto v1 = lead(QStringLiteral("L-1"), 1, QStringLiteral("2026-11-22T13:05:00.000Z"),
                             QStringLiteral("a@x.io"));
        QVERIFY(m_store->events().insert(webhook(QStringLiteral("e1"), v1)).ok());
        QVERIFY(processor.processPending(100).ok());
        // Delivered to Salesforce: the mirror holds what was written there.
        auto mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY(mirror.ok() && mirror->has_value());
        MirrorRecord written = **mirror;
        auto plan = m_leads->planSalesforceWrite(written);
        QVERIFY(plan.ok() && plan->has_value());
        written.salesforceId = QStringLiteral("00Q000000000001AAA");
        observeSalesforce(written, (*plan)->newState, 1'795'352'710'000);
        QVERIFY(m_store->leads().put({written}).ok());

        QVERIFY(m_store->events()
                    .insert(deletedWebhook(QStringLiteral("e2"), QStringLiteral("L-1"), 2,
                                           QStringLiteral("2026-11-22T13:06:00.000Z")))
                    .ok());
        QVERIFY(processor.processPending(100).ok());
        QCOMPARE(pendingJobs(jobs::SalesforceLeadClose), 1);
        mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QCOMPARE((*mirror)->salesforceState.value(QStringLiteral("Status")).toString(),
                 QStringLiteral("Closed - Not Converted"));

        QJsonObject restored = v1;
        restored.insert(QStringLiteral("version"), 3);
        restored.insert(QStringLiteral("updated_at"), QStringLiteral("2026-11-22T13:07:00.000Z"));
        QVERIFY(m_store->events().insert(webhook(QStringLiteral("e3"), restored)).ok());
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->restored, 1);
        QCOMPARE(pendingJobs(jobs::PlatformLeadPut), 1);
        mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY(!(*mirror)->isDeleted());
        auto toPlatform = m_leads->planPlatformWrite(**mirror);
        QVERIFY(toPlatform.ok() && toPlatform->has_value());
        QCOMPARE((*toPlatform)->record.value(QStringLiteral("status")).toString(),
                 QStringLiteral("lost"));
        QCOMPARE((*toPlatform)->record.value(QStringLiteral("eligible")).toBool(), false);
    }

    void leadDeletedInSalesforceIsNotSentBackByAPlatformChange()
    {
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        QVERIFY(m_store->events()
                    .insert(webhook(QStringLiteral("e1"),
                                    lead(QStringLiteral("L-1"), 1,
                                         QStringLiteral("2026-11-22T13:05:00.000Z"),
                                         QStringLiteral("a@x.io"))))
                    .ok());
        QVERIFY(processor.processPending(100).ok());
        auto mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        MirrorRecord record = **mirror;
        observeDeletion(record, QStringLiteral("salesforce"), 1000);
        // Only the side that deleted it can bring it back.
        QVERIFY(!observeRestore(record, QStringLiteral("platform")));
        QVERIFY(m_store->leads().put({record}).ok());
        QVERIFY(m_store->events()
                    .insert(webhook(QStringLiteral("e2"),
                                    lead(QStringLiteral("L-1"), 2,
                                         QStringLiteral("2026-11-22T13:06:00.000Z"),
                                         QStringLiteral("b@x.io"))))
                    .ok());
        const qint64 jobsBefore = pendingJobs(jobs::SalesforceLeadUpsert);
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->tombstoned, 1);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadUpsert), jobsBefore);
        // Salesforce decides whether it exists: the platform's live lead is deleted again, and
        // the inbox says how to bring it back (one item per deletion).
        QCOMPARE(stats->enqueued, 1);
        QCOMPARE(pendingJobs(jobs::PlatformLeadDelete), 1);
        QCOMPARE(*m_store->inbox().countOpen(), 1);
        QVERIFY(m_store->events()
                    .insert(webhook(QStringLiteral("e3"),
                                    lead(QStringLiteral("L-1"), 3,
                                         QStringLiteral("2026-11-22T13:07:00.000Z"),
                                         QStringLiteral("c@x.io"))))
                    .ok());
        stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->tombstoned, 1);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadUpsert), jobsBefore);
        QCOMPARE(*m_store->inbox().countOpen(), 1);
        mirror = m_store->leads().byPlatformId(QStringLiteral("L-1"));
        QCOMPARE((*mirror)->deletedOn, QStringLiteral("salesforce"));
        QCOMPARE((*mirror)->deletedAt, qint64(1000));
        QVERIFY(observeRestore(record, QStringLiteral("salesforce")));
        QVERIFY(!record.isDeleted());
    }

    void duplicatesReorderingAndCoalescing()
    {
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        const auto v1 = lead(QStringLiteral("L-1"), 1, QStringLiteral("2026-11-22T13:05:00.000Z"),
                             QStringLiteral("a@x.io"));
        const auto v2 = lead(QStringLiteral("L-1"), 2, QStringLiteral("2026-11-22T13:06:00.000Z"),
                             QStringLiteral("b@x.io"));
        const auto v3 = lead(QStringLiteral("L-1"), 3, QStringLiteral("2026-11-22T13:07:00.000Z"),
                             QStringLiteral("c@x.io"));
        // Delivered out of order and twice in one batch: only v3 counts.
        for (const auto &[id, data] : {std::pair {"e2", v2}, {"e3", v3}, {"e1", v1}, {"e3b", v3}})
            QVERIFY(m_store->events().insert(webhook(QString::fromLatin1(id), data)).ok());
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 1);
        QCOMPARE((*m_store->leads().byPlatformId(QStringLiteral("L-1")))
                     ->platformState.value(QStringLiteral("email"))
                     .toString(),
                 QStringLiteral("c@x.io"));
        // A late, older delivery is stale.
        QVERIFY(m_store->events().insert(webhook(QStringLiteral("e2-late"), v2)).ok());
        stats = processor.processPending(100);
        QCOMPARE(stats->stale, 1);
        QCOMPARE(stats->enqueued, 0);
        // The same content again with a newer version (e.g. our own write echoed) is an echo.
        auto v4 = v3;
        v4[QStringLiteral("version")] = 4;
        v4[QStringLiteral("updated_at")] = QStringLiteral("2026-11-22T13:08:00.000Z");
        v4[QStringLiteral("updated_by")] = QStringLiteral("salesforce");
        QVERIFY(m_store->events().insert(webhook(QStringLiteral("e4"), v4)).ok());
        stats = processor.processPending(100);
        QCOMPARE(stats->echoes, 1);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadUpsert), 1);
        // A real change while a job is pending: the old job is superseded, one job remains.
        QVERIFY(m_store->events()
                    .insert(webhook(QStringLiteral("e5"),
                                    lead(QStringLiteral("L-1"), 5,
                                         QStringLiteral("2026-11-22T13:09:00.000Z"),
                                         QStringLiteral("d@x.io"))))
                    .ok());
        stats = processor.processPending(100);
        QCOMPARE(stats->enqueued, 1);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadUpsert), 1);
    }

    void invalidLeadGoesToTheInboxWithSalesforcesError()
    {
        QVERIFY(m_store->events()
                    .insert(webhook(QStringLiteral("e1"),
                                    lead(QStringLiteral("L-9"), 1,
                                         QStringLiteral("2026-11-22T13:05:00.000Z"),
                                         QStringLiteral("not-an-email"))))
                    .ok());
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->invalid, 1);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadUpsert), 0);
        auto inbox = m_store->inbox().list({});
        QCOMPARE(inbox->size(), 1);
        QCOMPARE(inbox->first().errorCode, QStringLiteral("INVALID_EMAIL_ADDRESS"));
        QCOMPARE(inbox->first().errorClass, ErrorClass::Validation);
        QCOMPARE((*m_store->leads().byPlatformId(QStringLiteral("L-9")))->syncState,
                 QStringLiteral("error"));
    }

    // Every source copies what it saw into the mirror the same way: state and hash together,
    // and a Salesforce modstamp that never goes back (a refresh or reconcile that read an older
    // copy must not make a newer platform change look newer than Salesforce's).
    void observationsKeepTheNewestSalesforceModstamp()
    {
        MirrorRecord record;
        const QJsonObject newer {{QStringLiteral("LastName"), QStringLiteral("Newer")}};
        const QJsonObject older {{QStringLiteral("LastName"), QStringLiteral("Older")}};
        observeSalesforce(record, newer, 2'000);
        QCOMPARE(record.salesforceModstamp, Q_INT64_C(2'000));
        QCOMPARE(record.salesforceHash, SyncPlanner::hashOf(newer));
        observeSalesforce(record, older, 1'000);
        QCOMPARE(record.salesforceModstamp, Q_INT64_C(2'000));
        QCOMPARE(record.salesforceState, older);
        QCOMPARE(record.salesforceHash, SyncPlanner::hashOf(older));

        observePlatformLead(
            record, newer,
            {{QStringLiteral("updated_at"), QStringLiteral("2026-11-22T13:05:00.000Z")},
             {QStringLiteral("version"), 7}});
        QCOMPARE(record.platformVersion, Q_INT64_C(7));
        QVERIFY(record.platformUpdatedAt > 0);
        QCOMPARE(record.platformHash, SyncPlanner::hashOf(newer));
        QVERIFY(record.existsOnPlatform());
    }

    void unreadableEventsAreRejectedNotLost()
    {
        InboundEvent e;
        e.eventId = QStringLiteral("bad");
        e.source = QStringLiteral("webhook");
        e.type = QStringLiteral("lead.updated");
        e.payload = QByteArrayLiteral("{\"data\": {\"no_id\": true}}");
        QVERIFY(m_store->events().insert(e).ok());
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        auto stats = processor.processPending(100);
        QVERIFY(stats.ok());
        QCOMPARE(stats->rejected, 1);
        QCOMPARE(m_store->events().pending(10)->size(), 0);
    }

    // Polled and imported leads are stored as the lead itself, not in a made-up webhook
    // envelope; the one decoder reads every stored form (and the envelopes earlier versions
    // stored for polls), and a stored event it cannot read is rejected alone.
    void everyStoredFormIsOneChangeAndABadOneStopsNothing()
    {
        const QJsonObject polled
            = lead(QStringLiteral("L-7"), 3, QStringLiteral("2026-11-22T13:00:00.000Z"),
                   QStringLiteral("ada@example.com"));
        const InboundEvent poll = PlatformLeadChange::storedForm(
            polled, QStringLiteral("poll"), PlatformLeadChange::pollEventId(polled), 0);
        const QJsonObject storedPoll = QJsonDocument::fromJson(poll.payload).object();
        QCOMPARE(storedPoll, polled);
        QCOMPARE(poll.type, QStringLiteral("lead.updated"));
        QCOMPARE(poll.occurredAt, qint64(1'795'352'400'000));

        auto change = PlatformLeadChange::fromEvent(poll);
        QVERIFY2(change.ok(), qPrintable(whyNot(change)));
        QCOMPARE(change->lead, polled);
        QCOMPARE(change->origin, QStringLiteral("poll"));
        QCOMPARE(change->version, 3);
        QCOMPARE(change->updatedAt, qint64(1'795'352'400'000));
        QVERIFY(!change->deletion);
        QCOMPARE(change->raw, poll.payload);

        const QJsonObject tombstone {
            {QStringLiteral("id"), QStringLiteral("L-8")},
            {QStringLiteral("deleted"), true},
            {QStringLiteral("deleted_at"), QStringLiteral("2026-11-22T13:06:00.000Z")},
            {QStringLiteral("updated_at"), QStringLiteral("2026-11-22T13:06:00.000Z")},
            {QStringLiteral("version"), 4}};
        const InboundEvent gone = PlatformLeadChange::storedForm(
            tombstone, QStringLiteral("poll"), PlatformLeadChange::pollEventId(tombstone), 0);
        QCOMPARE(gone.type, QStringLiteral("lead.deleted"));
        const auto goneChange = PlatformLeadChange::fromEvent(gone);
        QVERIFY2(goneChange.ok(), qPrintable(whyNot(goneChange)));
        QVERIFY(goneChange->deletion);
        const auto deletedByWebhook = PlatformLeadChange::fromEvent(
            deletedWebhook(QStringLiteral("w-del"), QStringLiteral("L-8"), 4,
                           QStringLiteral("2026-11-22T13:06:00.000Z")));
        QVERIFY2(deletedByWebhook.ok(), qPrintable(whyNot(deletedByWebhook)));
        QVERIFY(deletedByWebhook->deletion);

        // An envelope a poll stored before this version.
        InboundEvent legacy
            = webhook(QStringLiteral("poll:L-9:x:1"),
                      lead(QStringLiteral("L-9"), 1, QStringLiteral("2026-11-22T13:00:00.000Z"),
                           QStringLiteral("bo@example.com")));
        legacy.source = QStringLiteral("poll");
        const auto legacyChange = PlatformLeadChange::fromEvent(legacy);
        QVERIFY2(legacyChange.ok(), qPrintable(whyNot(legacyChange)));
        QCOMPARE(legacyChange->lead.value(QStringLiteral("id")), QJsonValue(QStringLiteral("L-9")));

        for (const QByteArray &bad : {QByteArray("[1,2]"), QByteArray("{not json"),
                                      QByteArray("{}"), QByteArray("\x00\xff")}) {
            InboundEvent e = poll;
            e.payload = bad;
            const auto refused = PlatformLeadChange::fromEvent(e);
            QVERIFY2(!refused.ok(), bad.constData());
            QCOMPARE(refused.error().code, QStringLiteral("event_unreadable"));
        }

        // One batch: a good poll, an unreadable one between, a tombstone after.
        InboundEvent broken = poll;
        broken.eventId = QStringLiteral("poll:broken");
        broken.payload = QByteArrayLiteral("[\"not an object\"]");
        QVERIFY(m_store->events().insert(poll).ok());
        QVERIFY(m_store->events().insert(broken).ok());
        QVERIFY(m_store->events().insert(gone).ok());
        InboundProcessor processor(*m_store, *m_leads, QStringLiteral("test"));
        auto stats = processor.processPending(100);
        QVERIFY2(stats.ok(), qPrintable(whyNot(stats)));
        QCOMPARE(stats->events, 3);
        QCOMPARE(stats->rejected, 1);
        QCOMPARE(stats->enqueued, 1);
        QCOMPARE(stats->deleted, 1);
        QCOMPARE(m_store->events().pending(10)->size(), 0);
        auto seven = m_store->leads().byPlatformId(QStringLiteral("L-7"));
        QVERIFY(seven.ok() && seven->has_value());
        QCOMPARE((*seven)->platformVersion, 3);
    }

    void salesforceChangesBecomePlatformJobsAndEchoesAreSkipped()
    {
        SalesforceChangeProcessor processor(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        QJsonObject sf {
            {QStringLiteral("attributes"),
             QJsonObject {{QStringLiteral("type"), QStringLiteral("Lead")}}},
            {QStringLiteral("Id"), QStringLiteral("00Q5g00000AbCdEEAV")},
            {QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-7")},
            {QStringLiteral("FirstName"), QStringLiteral("Ada")},
            {QStringLiteral("LastName"), QStringLiteral("Nguyen")},
            {QStringLiteral("Company"), QStringLiteral("Acme")},
            {QStringLiteral("Email"), QStringLiteral("ada@example.com")},
            {QStringLiteral("Phone"), QJsonValue::Null},
            {QStringLiteral("Status"), QStringLiteral("Working - Contacted")},
            {QStringLiteral("LeadSource"), QStringLiteral("Web")},
            {QStringLiteral("Lead_Score__c"), 10},
            {QStringLiteral("Estimated_Value__c"), 5},
            {QStringLiteral("Eligible_For_Distribution__c"), false},
            {QStringLiteral("Assigned_Agent__r"), QJsonValue::Null},
            {QStringLiteral("SystemModstamp"), QStringLiteral("2026-11-22T13:05:00.000+0000")}};
        // A lead created in Salesforce (no platform id) gets "L-" + its Id, written back once.
        QJsonObject created = sf;
        created[QStringLiteral("Id")] = QStringLiteral("00Q5g00000AbCdFEAV");
        created[QStringLiteral("Platform_Lead_Id__c")] = QJsonValue::Null;
        auto stats = processor.processLeads(polled({sf, created}));
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 3);
        QCOMPARE(stats->unlinked, 0);
        QCOMPARE(stats->idsAssigned, 1);
        QCOMPARE(pendingJobs(jobs::PlatformLeadPut), 2);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadLink), 1);
        QVERIFY(m_store->leads().byPlatformId(QStringLiteral("L-00Q5g00000AbCdFEAV"))->has_value());
        // Read again before the write-back landed: nothing new. Its echo: nothing either.
        stats = processor.processLeads(polled({created}));
        QCOMPARE(stats->enqueued, 0);
        created[QStringLiteral("Platform_Lead_Id__c")] = QStringLiteral("L-00Q5g00000AbCdFEAV");
        created[QStringLiteral("SystemModstamp")] = QStringLiteral("2026-11-22T13:06:00.000+0000");
        stats = processor.processLeads(polled({created}));
        QCOMPARE(stats->echoes, 1);
        QCOMPARE(stats->enqueued, 0);
        QCOMPARE(pendingJobs(jobs::SalesforceLeadLink), 1);
        // A record whose Id is not 18 characters cannot be named on the platform.
        QJsonObject odd = created;
        odd[QStringLiteral("Id")] = QStringLiteral("00Q5g00000AbCdG");
        odd[QStringLiteral("Platform_Lead_Id__c")] = QJsonValue::Null;
        QCOMPARE(processor.processLeads(polled({odd}))->unlinked, 1);
        // The same record read again (overlap window) is an echo.
        stats = processor.processLeads(polled({sf}));
        QCOMPARE(stats->echoes, 1);
        QCOMPARE(stats->enqueued, 0);
        auto planned
            = m_leads->planPlatformWrite(**m_store->leads().byPlatformId(QStringLiteral("L-7")));
        QVERIFY(planned.ok() && planned->has_value());
        QCOMPARE((*planned)->record.value(QStringLiteral("status")).toString(),
                 QStringLiteral("working"));
        QCOMPARE((*planned)->record.value(QStringLiteral("id")).toString(), QStringLiteral("L-7"));
    }

    // SALESFORCE_ORG.md, "Lead lifecycle": deleted (and merged away), undeleted and converted
    // in Salesforce, as the poll and the stream read them (queryAll: IsDeleted rows too).
    void salesforceDeletionsUndeletesMergesAndConversions()
    {
        SalesforceChangeProcessor processor(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        QJsonObject live {
            {QStringLiteral("Id"), QStringLiteral("00Q5g00000AbCdHEAV")},
            {QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-9")},
            {QStringLiteral("LastName"), QStringLiteral("Nine")},
            {QStringLiteral("Company"), QStringLiteral("Acme")},
            {QStringLiteral("Status"), QStringLiteral("Working - Contacted")},
            {QStringLiteral("IsDeleted"), false},
            {QStringLiteral("SystemModstamp"), QStringLiteral("2026-11-22T13:00:00.000+0000")}};
        QVERIFY(processor.processLeads(polled({live})).ok());
        // As if delivered to the platform.
        MirrorRecord r = **m_store->leads().byPlatformId(QStringLiteral("L-9"));
        auto write = m_leads->planPlatformWrite(r);
        QVERIFY(write.ok() && write->has_value());
        observePlatform(r, (*write)->record, 1, 1);
        QVERIFY(m_store->leads().put({r}).ok());

        QJsonObject merged = live;
        merged[QStringLiteral("IsDeleted")] = true;
        merged[QStringLiteral("MasterRecordId")] = QStringLiteral("00Q5g00000AbCdMEAV");
        merged[QStringLiteral("SystemModstamp")] = QStringLiteral("2026-11-22T13:01:00.000+0000");
        auto stats = processor.processLeads(polled({merged}));
        QVERIFY(stats.ok());
        QCOMPARE(stats->deleted, 1);
        QCOMPARE(pendingJobs(jobs::PlatformLeadDelete), 1);
        QVERIFY((*m_store->leads().byPlatformId(QStringLiteral("L-9")))->isDeleted());
        QCOMPARE((*m_store->leads().byPlatformId(QStringLiteral("L-9")))->mergedInto,
                 QStringLiteral("00Q5g00000AbCdMEAV"));
        const auto audit
            = m_store->audit().forEntity(QStringLiteral("lead"), QStringLiteral("L-9"));
        QVERIFY(audit.ok() && !audit->isEmpty());
        QCOMPARE(audit->first().action, QStringLiteral("merged"));
        QVERIFY(audit->first().detail.contains(QLatin1String("merged into 00Q5g00000AbCdMEAV")));

        // A replayed event and a late page of the lead before its deletion change nothing.
        stats = processor.processLeads(polled({merged}));
        QCOMPARE(stats->enqueued, 0);
        stats = processor.processLeads(polled({live}));
        QCOMPARE(stats->enqueued, 0);
        QVERIFY((*m_store->leads().byPlatformId(QStringLiteral("L-9")))->isDeleted());

        // Undeleted: live again with a newer modstamp, restored on the platform.
        QJsonObject undeleted = live;
        undeleted[QStringLiteral("SystemModstamp")]
            = QStringLiteral("2026-11-22T13:02:00.000+0000");
        stats = processor.processLeads(polled({undeleted}));
        QCOMPARE(stats->restored, 1);
        QCOMPARE(pendingJobs(jobs::PlatformLeadRestore), 1);
        QVERIFY(!(*m_store->leads().byPlatformId(QStringLiteral("L-9")))->isDeleted());
        QVERIFY((*m_store->leads().byPlatformId(QStringLiteral("L-9")))->mergedInto.isEmpty());

        // Converted: the platform gets "won"; nothing is written to Salesforce any more.
        QJsonObject converted = undeleted;
        converted[QStringLiteral("IsConverted")] = true;
        converted[QStringLiteral("Status")] = QStringLiteral("Closed - Converted");
        converted[QStringLiteral("SystemModstamp")]
            = QStringLiteral("2026-11-22T13:03:00.000+0000");
        QVERIFY(processor.processLeads(polled({converted})).ok());
        MirrorRecord c = **m_store->leads().byPlatformId(QStringLiteral("L-9"));
        auto toPlatform = m_leads->planPlatformWrite(c);
        QVERIFY(toPlatform.ok() && toPlatform->has_value());
        QCOMPARE((*toPlatform)->record.value(QStringLiteral("status")).toString(),
                 QStringLiteral("won"));
        QJsonObject edited = c.platformState;
        edited.insert(QStringLiteral("company"), QStringLiteral("Changed on the platform"));
        observePlatform(c, edited, 2, 2);
        auto toSalesforce = m_leads->planSalesforceWrite(c);
        QVERIFY(toSalesforce.ok());
        QVERIFY(!toSalesforce->has_value());
    }

    // A People__c deleted in Salesforce: the agent is deactivated (DELETE, not a PUT) and the
    // mirror keeps a tombstone that neither the deleted record read again nor a late page of the
    // live one undoes; an undelete (newer SystemModstamp) makes it active again.
    void rosterDeletionIsATombstoneUntilUndeleted()
    {
        SalesforceChangeProcessor processor(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        const QString id = QStringLiteral("a015g00000AbCdEAAV");
        const auto person = [&](const char *modstamp, bool deleted) {
            return QJsonObject {{QStringLiteral("Id"), id},
                                {QStringLiteral("Name"), QStringLiteral("Grace Hopper")},
                                {QStringLiteral("Email__c"), QStringLiteral("grace@navy.mil")},
                                {QStringLiteral("Active__c"), true},
                                {QStringLiteral("Eligible__c"), true},
                                {QStringLiteral("States__c"), QStringLiteral("TX")},
                                {QStringLiteral("Capacity__c"), 10},
                                {QStringLiteral("Platform_Agent_Id__c"), QStringLiteral("A-0042")},
                                {QStringLiteral("IsDeleted"), deleted},
                                {QStringLiteral("SystemModstamp"), QString::fromLatin1(modstamp)}};
        };
        QVERIFY(
            processor.processAgents(polled({person("2026-11-22T13:05:00.000+0000", false)})).ok());
        QCOMPARE(pendingJobs(jobs::PlatformAgentPut), 1);
        // As if the PUT landed: the platform holds the agent active.
        auto agent = m_store->agents().bySalesforceId(id);
        MirrorRecord onPlatform = **agent;
        auto planned = m_agents->planPlatformWrite(onPlatform);
        QVERIFY(planned.ok() && planned->has_value());
        onPlatform.platformState = (*planned)->record;
        onPlatform.platformHash = (*planned)->newHash;
        QVERIFY(m_store->agents().put({onPlatform}).ok());

        auto stats
            = processor.processAgents(polled({person("2026-11-22T14:00:00.000+0000", true)}));
        QVERIFY(stats.ok());
        QCOMPARE(pendingJobs(jobs::PlatformAgentDeactivate), 1);
        agent = m_store->agents().bySalesforceId(id);
        QVERIFY((*agent)->isDeleted());
        QCOMPARE((*agent)->deletedOn, QStringLiteral("salesforce"));
        // Read deleted again (a replayed event), or live from before the deletion (a late page).
        stats = processor.processAgents(polled({person("2026-11-22T14:00:00.000+0000", true)}));
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 0);
        stats = processor.processAgents(polled({person("2026-11-22T13:30:00.000+0000", false)}));
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 0);
        agent = m_store->agents().bySalesforceId(id);
        QVERIFY((*agent)->isDeleted());
        // As if the deactivation landed, then undeleted: live with a newer SystemModstamp.
        MirrorRecord inactive = **agent;
        inactive.platformState.insert(QStringLiteral("active"), false);
        inactive.platformHash = SyncPlanner::hashOf(inactive.platformState);
        QVERIFY(m_store->agents().put({inactive}).ok());
        stats = processor.processAgents(polled({person("2026-11-22T15:00:00.000+0000", false)}));
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 1);
        QCOMPARE(pendingJobs(jobs::PlatformAgentPut), 1);
        agent = m_store->agents().bySalesforceId(id);
        QVERIFY(!(*agent)->isDeleted());
        planned = m_agents->planPlatformWrite(**agent);
        QVERIFY(planned.ok() && planned->has_value());
        QCOMPARE((*planned)->record.value(QStringLiteral("active")).toBool(), true);
    }

    void rosterWithoutPlatformIdGetsOneWrittenBack()
    {
        SalesforceChangeProcessor processor(*m_store, *m_leads, *m_agents, QStringLiteral("test"));
        QJsonObject person {
            {QStringLiteral("Id"), QStringLiteral("a015g00000AbCdEAAV")},
            {QStringLiteral("Name"), QStringLiteral("Grace Hopper")},
            {QStringLiteral("Email__c"), QStringLiteral("grace@navy.mil")},
            {QStringLiteral("Active__c"), true},
            {QStringLiteral("Eligible__c"), true},
            {QStringLiteral("States__c"), QStringLiteral("TX;CA")},
            {QStringLiteral("Capacity__c"), 10},
            {QStringLiteral("Platform_Agent_Id__c"), QJsonValue::Null},
            {QStringLiteral("SystemModstamp"), QStringLiteral("2026-11-22T13:05:00.000+0000")}};
        auto stats = processor.processAgents(polled({person}));
        QVERIFY(stats.ok());
        QCOMPARE(stats->idsAssigned, 1);
        QCOMPARE(pendingJobs(jobs::SalesforcePeopleUpdate), 1);
        QCOMPARE(pendingJobs(jobs::PlatformAgentPut), 1);
        auto agent = m_store->agents().bySalesforceId(QStringLiteral("a015g00000AbCdEAAV"));
        QCOMPARE((*agent)->platformId, QStringLiteral("A-a015g00000AbCdEAAV"));
        auto planned = m_agents->planPlatformWrite(**agent);
        QVERIFY(planned.ok() && planned->has_value());
        QCOMPARE((*planned)->record.value(QStringLiteral("states")).toArray().size(), 2);
        QCOMPARE((*planned)->record.value(QStringLiteral("salesforce_id")).toString(),
                 QStringLiteral("a015g00000AbCdEAAV"));
        // After the write-back the record comes back with its id: nothing new to do.
        person[QStringLiteral("Platform_Agent_Id__c")] = QStringLiteral("A-a015g00000AbCdEAAV");
        stats = processor.processAgents(polled({person}));
        QCOMPARE(stats->echoes, 1);
        QCOMPARE(stats->idsAssigned, 0);
    }
};

QTEST_GUILESS_MAIN(TestProcessors)
#include "TestProcessors.moc"
