// Issue 14: the lead and roster lifecycle rows that start in Salesforce (SALESFORCE_ORG.md,
// "Lead lifecycle, both ways"), each arriving by the poll and by the change stream, against both
// sandboxes. After every row both sides hold what the table says; then a reconcile queues
// nothing and a second pass (a full poll of both sides) writes nothing anywhere, and nothing
// deleted comes back. The rows the platform starts (a lead deleted, restored or created there)
// arrive by the platform poll and by signed webhooks to the engine's receiver.
#include "SyncWorld.h"
#include "salesforce/LeadLifecycle.h"
#include "salesforce/SandboxOrg.h"
#include "store/Store.h"
#include "sync/SyncStatus.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");

enum class Row {
    Created,
    Deleted,
    Merged,
    Undeleted,
    Converted,
    PersonDeleted,
    PersonInactive,
    PersonUndeleted,
    PlatformOnlyAgent
};
enum class PlatformRow { Deleted, Restored, Created };

QString sfId(SyncWorld &world, const QString &platformId)
{
    const auto r = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, platformId);
    return r ? r->value(QStringLiteral("Id")).toString() : QString();
}

// What a Salesforce user does in the UI (merge, convert, the Recycle Bin): no API client, so
// its change events are nobody's echo.
sandbox::WriteContext uiUser(SyncWorld &world)
{
    return {world.salesforce.org().users().constFirst().userId, QString(), false, false};
}

// LeadBridge's writes to one Salesforce record, as the sandbox logged them.
int syncWritesTo(SyncWorld &world, const QString &id)
{
    int n = 0;
    for (const auto &e : world.salesforce.writeLog().entries()) {
        if (e.recordId == id && e.client == world.profile.salesforce.callOptionsClient)
            ++n;
    }
    return n;
}

// Whether LeadBridge deactivated the agent with DELETE /v1/agents/{id} (not a PUT of active
// false), as the platform's write log has it.
bool deactivatedByDelete(SyncWorld &world, const QString &agentId)
{
    const auto &entries = world.platform.writeLog().entries();
    return std::any_of(entries.cbegin(), entries.cend(), [&](const sandbox::PlatformWriteEntry &e) {
        return e.operation == QLatin1String("agent_delete") && e.id == agentId;
    });
}

// An agent inactive on the platform, deactivated there by LeadBridge's DELETE.
QString deactivated(SyncWorld &world, const QString &agentId)
{
    const auto agent = world.platform.agent(agentId);
    if (!agent || agent->active)
        return agentId + QStringLiteral(" is still active");
    if (!deactivatedByDelete(world, agentId))
        return agentId + QStringLiteral(" was not deactivated by DELETE /v1/agents/{id}");
    return QString();
}

SyncStatus latest(const QSignalSpy &spy)
{
    return spy.isEmpty() ? SyncStatus {} : spy.last().at(0).value<SyncStatus>();
}

// A reconcile that queues nothing, then a pass that writes nothing on either side.
void reconcileAndSecondPassWriteNothing(SyncWorld &world)
{
    const qsizetype sfBase = world.salesforce.writeLog().entries().size();
    const qsizetype pfBase = world.platform.writeLog().size();
    QSignalSpy reconciled(&world.controller(), &ThreadedSyncController::reconciled);
    world.controller().reconcileNow();
    QVERIFY(QTest::qWaitFor([&] { return reconciled.count() > 0; }, 60'000));
    QVERIFY2(reconciled.first().at(1).toString().isEmpty(),
             qPrintable(reconciled.first().at(1).toString()));
    const auto report = reconciled.first().at(0).value<ReconcileReport>();
    QVERIFY2(report.enqueued == 0,
             QJsonDocument(report.queued).toJson(QJsonDocument::Compact).constData());
    auto second = world.runOnce();
    QVERIFY(second && second->ok);
    QCOMPARE(second->toInbox, 0);
    QCOMPARE(world.salesforce.writeLog().entries().size(), sfBase);
    QCOMPARE(world.platform.writeLog().size(), pfBase);
}

// The live Salesforce lead that carries a platform id (deleted ones in the Recycle Bin aside).
std::optional<QJsonObject> liveLead(SyncWorld &world, const QString &platformId)
{
    const auto r = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, platformId);
    if (r && !r->value(QStringLiteral("IsDeleted")).toBool())
        return r;
    return std::nullopt;
}

} // namespace

class TestSyncLifecycle : public QObject
{
    Q_OBJECT

private slots:
    void salesforceLifecycleRows_data()
    {
        QTest::addColumn<int>("rowNumber");
        QTest::addColumn<QString>("changes");
        const struct
        {
            const char *name;
            Row row;
        } rows[] = {{"lead created in Salesforce", Row::Created},
                    {"lead deleted in Salesforce", Row::Deleted},
                    {"lead merged away in Salesforce", Row::Merged},
                    {"lead undeleted in Salesforce", Row::Undeleted},
                    {"lead converted", Row::Converted},
                    {"People__c deleted", Row::PersonDeleted},
                    {"People__c Active__c false", Row::PersonInactive},
                    {"People__c undeleted", Row::PersonUndeleted}};
        for (const auto &r : rows) {
            for (const char *changes : {"poll", "stream"})
                QTest::addRow("%s (%s)", r.name, changes)
                    << int(r.row) << QString::fromLatin1(changes);
        }
        // No change in Salesforce to arrive: the reconcile finds it.
        QTest::addRow("agent only on the platform (reconcile)")
            << int(Row::PlatformOnlyAgent) << QStringLiteral("poll");
    }

    void salesforceLifecycleRows()
    {
        QFETCH(int, rowNumber);
        const Row row = Row(rowNumber);
        QFETCH(QString, changes);
        const bool stream = changes == QLatin1String("stream");
        SyncWorld world;
        world.platform.generateLeads(6, 3);
        world.platform.generateAgents(3);
        QString personId; // People__c of A-0001
        for (int i = 1; i <= 3; ++i) {
            auto id = world.salesforce.createRecord(QStringLiteral("People__c"), person(i, true),
                                                    QStringLiteral("Admin"));
            QVERIFY(id.ok());
            if (i == 1)
                personId = *id;
        }
        world.profile.salesforce.changes = changes;
        world.profile.sync.backstopPollMin = 600; // the stream rows arrive on the stream alone
        QVERIFY(world.start().ok());
        std::unique_ptr<QSignalSpy> status;
        if (stream) {
            status
                = std::make_unique<QSignalSpy>(&world.controller(), &SyncController::statusChanged);
            world.controller().start();
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return world.salesforce.recordCount(QStringLiteral("Lead")) == 6
                        && latest(*status).streamState == QLatin1String("connected");
                },
                60'000));
        } else {
            auto initial = world.runOnce();
            QVERIFY(initial && initial->ok);
        }
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), 6);
        sandbox::LeadLifecycle lifecycle(world.salesforce.org());

        // The row's change in Salesforce, and what both sides hold once it is taken in (an
        // empty answer; otherwise what is not there yet).
        QString created; // the Salesforce Id of the lead created there
        std::function<QString()> expected;
        // Takes the change in: the poll's pass, or the stream while the engine runs.
        const auto settle = [&]() -> bool {
            if (stream)
                return QTest::qWaitFor([&] { return expected().isEmpty(); }, 30'000);
            auto pass = world.runOnce();
            return pass && pass->ok && pass->toInbox == 0;
        };
        const auto gone = [&](const QString &key) -> QString {
            const auto lead = world.platform.lead(key);
            return lead && lead->deleted ? QString() : key + QStringLiteral(" is not deleted");
        };
        switch (row) {
        case Row::Created: {
            auto id = world.salesforce.createRecord(
                QStringLiteral("Lead"),
                {{QStringLiteral("LastName"), QStringLiteral("Rep-made")},
                 {QStringLiteral("Company"), QStringLiteral("Walk-in Ltd")},
                 {QStringLiteral("Email"), QStringLiteral("walk.in@example.com")},
                 {QStringLiteral("Status"), QStringLiteral("Open - Not Contacted")}},
                QStringLiteral("SalesRep"));
            QVERIFY(id.ok());
            created = *id;
            QCOMPARE(created.size(), 18);
            expected = [&world, &created]() -> QString {
                const QString key = QStringLiteral("L-") + created;
                const auto lead = world.platform.lead(key);
                if (!lead || lead->deleted || lead->lastName != QLatin1String("Rep-made"))
                    return key + QStringLiteral(" is not on the platform");
                if (world.salesforce.record(QStringLiteral("Lead"), created)
                        ->value(LeadKey)
                        .toString()
                    != key)
                    return QStringLiteral("the platform id is not written back");
                return QString();
            };
            break;
        }
        case Row::Deleted:
            QVERIFY(world.salesforce
                        .deleteRecord(QStringLiteral("Lead"),
                                      sfId(world, QStringLiteral("L-000002")),
                                      QStringLiteral("SalesRep"))
                        .ok());
            expected = [=] { return gone(QStringLiteral("L-000002")); };
            break;
        case Row::Merged:
            QVERIFY(lifecycle
                        .merge(sfId(world, QStringLiteral("L-000003")),
                               {sfId(world, QStringLiteral("L-000004"))},
                               {{QStringLiteral("Company"), QStringLiteral("Merged Holdings")}},
                               uiUser(world))
                        .ok());
            expected = [&world, gone]() -> QString {
                if (const QString g = gone(QStringLiteral("L-000004")); !g.isEmpty())
                    return g;
                const auto master = world.platform.lead(QStringLiteral("L-000003"));
                return master && !master->deleted
                        && master->company == QLatin1String("Merged Holdings")
                    ? QString()
                    : QStringLiteral("the master's merge is not on the platform");
            };
            break;
        case Row::Undeleted: {
            const QString id = sfId(world, QStringLiteral("L-000005"));
            QVERIFY(world.salesforce
                        .deleteRecord(QStringLiteral("Lead"), id, QStringLiteral("SalesRep"))
                        .ok());
            expected = [=] { return gone(QStringLiteral("L-000005")); };
            QVERIFY(settle());
            QCOMPARE(expected(), QString());
            const auto results = lifecycle.undelete(QStringLiteral("Lead"), {id}, uiUser(world));
            QVERIFY(results.size() == 1 && results.first().success);
            expected = [&world]() -> QString {
                const auto lead = world.platform.lead(QStringLiteral("L-000005"));
                return lead && !lead->deleted ? QString()
                                              : QStringLiteral("L-000005 is not restored");
            };
            break;
        }
        case Row::Converted:
            QVERIFY(
                lifecycle.convert(sfId(world, QStringLiteral("L-000006")), {}, uiUser(world)).ok());
            expected = [&world]() -> QString {
                const auto lead = world.platform.lead(QStringLiteral("L-000006"));
                return lead && lead->status == QLatin1String("won")
                    ? QString()
                    : QStringLiteral("L-000006 is not won on the platform");
            };
            break;
        case Row::PersonDeleted:
        case Row::PersonInactive:
        case Row::PersonUndeleted:
            QVERIFY(!personId.isEmpty());
            if (row != Row::PersonInactive)
                QVERIFY(world.salesforce
                            .deleteRecord(QStringLiteral("People__c"), personId,
                                          QStringLiteral("SalesRep"))
                            .ok());
            else
                QVERIFY(world.salesforce
                            .updateRecord(QStringLiteral("People__c"), personId,
                                          {{QStringLiteral("Active__c"), false}},
                                          QStringLiteral("SalesRep"))
                            .ok());
            expected = [&world] { return deactivated(world, QStringLiteral("A-0001")); };
            if (row == Row::PersonUndeleted) {
                QVERIFY(settle());
                QCOMPARE(expected(), QString());
                // Back from the Recycle Bin: the agent is active again, its data Salesforce's.
                const auto results
                    = lifecycle.undelete(QStringLiteral("People__c"), {personId}, uiUser(world));
                QVERIFY(results.size() == 1 && results.first().success);
                expected = [&world]() -> QString {
                    const auto agent = world.platform.agent(QStringLiteral("A-0001"));
                    return agent && agent->active && agent->name == QLatin1String("Agent 1")
                        ? QString()
                        : QStringLiteral("A-0001 is not active again");
                };
            }
            break;
        case Row::PlatformOnlyAgent: {
            // An agent someone added on the platform alone: no People__c names it.
            sandbox::AgentRecord stray;
            stray.id = QStringLiteral("A-0099");
            stray.name = QStringLiteral("Platform Only");
            stray.email = QStringLiteral("stray@example.com");
            stray.active = true;
            world.platform.seedAgent(stray);
            QSignalSpy reconciled(&world.controller(), &ThreadedSyncController::reconciled);
            world.controller().reconcileNow();
            QVERIFY(QTest::qWaitFor([&] { return reconciled.count() > 0; }, 60'000));
            const auto report = reconciled.first().at(0).value<ReconcileReport>();
            QCOMPARE(report.extra, 1);
            QCOMPARE(report.enqueued, 1);
            QCOMPARE(report.queued.value(QStringLiteral("platform.agent.deactivate")).toInt(), 1);
            expected = [&world] { return deactivated(world, QStringLiteral("A-0099")); };
            break;
        }
        }
        QVERIFY(settle());
        QCOMPARE(expected(), QString());
        if (row == Row::Created)
            QCOMPARE(syncWritesTo(world, created), 1); // the id written back, once

        // A restart that polls both sides: what the stream took in is an echo to the poll.
        world.stopEngine();
        world.profile.salesforce.changes = QStringLiteral("poll");
        QVERIFY(world.restartEngine().ok());
        if (row == Row::Converted) {
            // A platform change to the converted lead is not sent to Salesforce, and is not
            // an inbox item.
            const QString id = sfId(world, QStringLiteral("L-000006"));
            const int before = syncWritesTo(world, id);
            QVERIFY(world.platform
                        .editLead(QStringLiteral("L-000006"),
                                  {{QStringLiteral("first_name"), QStringLiteral("After")}},
                                  QStringLiteral("agent-ui"))
                        .ok());
            auto pass = world.runOnce();
            QVERIFY(pass && pass->ok);
            QCOMPARE(pass->toInbox, 0);
            QCOMPARE(syncWritesTo(world, id), before);
        }
        auto first = world.runOnce();
        QVERIFY(first && first->ok);
        QCOMPARE(first->toInbox, 0);
        QCOMPARE(expected(), QString());

        // The reconcile queues nothing and a second pass writes nothing anywhere.
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
        QCOMPARE(second->toInbox, 0);
        QCOMPARE(world.salesforce.writeLog().entries().size(), sfBase);
        QCOMPARE(world.platform.writeLog().size(), pfBase);
        QCOMPARE(expected(), QString());
        world.stopEngine();

        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("check"));
        QVERIFY(store.ok());
        QCOMPARE(*(*store)->inbox().countOpen(), 0);
        if (row == Row::Merged) {
            // The audit log says which lead the loser was merged into.
            auto audited
                = (*store)->audit().forEntity(QStringLiteral("lead"), QStringLiteral("L-000004"));
            QVERIFY(audited.ok());
            const QString master = sfId(world, QStringLiteral("L-000003"));
            QVERIFY(std::any_of(audited->cbegin(), audited->cend(), [&](const AuditEntry &e) {
                return e.action == QLatin1String("merged")
                    && e.detail.contains(QStringLiteral("merged into ") + master);
            }));
        }
        if (row == Row::Converted) {
            auto audited
                = (*store)->audit().forEntity(QStringLiteral("lead"), QStringLiteral("L-000006"));
            QVERIFY(audited.ok());
            QVERIFY(std::any_of(audited->cbegin(), audited->cend(), [](const AuditEntry &e) {
                return e.action == QLatin1String("not_sent_converted");
            }));
        }
    }
    void platformLifecycleRows_data()
    {
        QTest::addColumn<int>("rowNumber");
        QTest::addColumn<QString>("action"); // lifecycle.platform_delete
        QTest::addColumn<QString>("arrival");
        const struct
        {
            const char *name;
            PlatformRow row;
            const char *action;
        } rows[] = {{"lead deleted on the platform, close_in_salesforce", PlatformRow::Deleted,
                     "close_in_salesforce"},
                    {"lead deleted on the platform, delete_in_salesforce", PlatformRow::Deleted,
                     "delete_in_salesforce"},
                    {"lead deleted on the platform, ignore", PlatformRow::Deleted, "ignore"},
                    {"lead restored on the platform, close_in_salesforce", PlatformRow::Restored,
                     "close_in_salesforce"},
                    {"lead created on the platform", PlatformRow::Created, "close_in_salesforce"}};
        for (const auto &r : rows) {
            for (const char *arrival : {"poll", "webhook"})
                QTest::addRow("%s (%s)", r.name, arrival)
                    << int(r.row) << QString::fromLatin1(r.action) << QString::fromLatin1(arrival);
        }
    }

    void platformLifecycleRows()
    {
        QFETCH(int, rowNumber);
        const PlatformRow row = PlatformRow(rowNumber);
        QFETCH(QString, action);
        QFETCH(QString, arrival);
        const bool webhook = arrival == QLatin1String("webhook");
        SyncWorld world;
        world.platform.generateLeads(4, 5);
        world.profile.lifecycle.platformDelete = action;
        if (webhook)
            world.enableWebhooks();
        QVERIFY(world.start().ok());
        auto initial = world.runOnce();
        QVERIFY(initial && initial->ok);
        if (webhook) {
            // The engine runs; its next polls are an hour away, so what follows arrives by
            // webhook alone.
            world.controller().start();
        }
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), 4);
        const QString key = QStringLiteral("L-000002");
        const auto before = liveLead(world, key);
        QVERIFY(before.has_value());
        const QString sfBefore = before->value(QStringLiteral("Id")).toString();

        std::function<QString()> expected;
        // By webhook: the platform's delivery answered 2xx (the engine stored the event) and
        // both sides hold what the table says.
        quint64 deliveredBefore = 0;
        const auto settle = [&]() -> bool {
            if (webhook)
                return QTest::qWaitFor(
                    [&] {
                        return world.platform.stats().webhooks.delivered > deliveredBefore
                            && expected().isEmpty();
                    },
                    30'000);
            auto pass = world.runOnce();
            return pass && pass->ok && pass->toInbox == 0;
        };
        // What Salesforce holds of a lead deleted on the platform, per lifecycle.platform_delete.
        const auto salesforceAfterDelete = [&]() -> QString {
            const auto now = world.salesforce.record(QStringLiteral("Lead"), sfBefore);
            if (action == QLatin1String("delete_in_salesforce"))
                return !now || now->value(QStringLiteral("IsDeleted")).toBool()
                    ? QString()
                    : QStringLiteral("the Salesforce lead is not deleted");
            if (!now || now->value(QStringLiteral("IsDeleted")).toBool())
                return QStringLiteral("the Salesforce lead is gone");
            const bool close = action == QLatin1String("close_in_salesforce");
            const QString status = now->value(QStringLiteral("Status")).toString();
            const bool eligible
                = now->value(QStringLiteral("Eligible_For_Distribution__c")).toBool();
            if (close ? (status != QLatin1String("Closed - Not Converted") || eligible)
                      : (status != before->value(QStringLiteral("Status")).toString()
                         || eligible
                             != before->value(QStringLiteral("Eligible_For_Distribution__c"))
                                    .toBool()))
                return QStringLiteral("Salesforce holds %1 / eligible %2")
                    .arg(status)
                    .arg(eligible);
            return QString();
        };
        const auto deletedOnBoth = [&]() -> QString {
            const auto lead = world.platform.lead(key);
            if (!lead || !lead->deleted)
                return key + QStringLiteral(" is not a tombstone on the platform");
            return salesforceAfterDelete();
        };
        sandbox::LeadRecord restoredContent;
        switch (row) {
        case PlatformRow::Deleted:
            deliveredBefore = world.platform.stats().webhooks.delivered;
            QVERIFY(world.platform.deleteLead(key, QStringLiteral("agent-ui")).ok());
            expected = deletedOnBoth;
            break;
        case PlatformRow::Restored: {
            restoredContent = *world.platform.lead(key);
            deliveredBefore = world.platform.stats().webhooks.delivered;
            QVERIFY(world.platform.deleteLead(key, QStringLiteral("agent-ui")).ok());
            expected = deletedOnBoth;
            QVERIFY2(settle(), qPrintable(expected()));
            QCOMPARE(expected(), QString());
            deliveredBefore = world.platform.stats().webhooks.delivered;
            QVERIFY(world.platform.restoreLead(restoredContent, QStringLiteral("agent-ui")).ok());
            // Back on both sides, and both sides agree: Salesforce decides status and
            // eligibility (a closed lead stays closed until someone reopens it there).
            expected = [&]() -> QString {
                const auto lead = world.platform.lead(key);
                if (!lead || lead->deleted)
                    return key + QStringLiteral(" is not restored on the platform");
                const auto sf = liveLead(world, key);
                if (!sf)
                    return key + QStringLiteral(" is not back in Salesforce");
                if (sf->value(QStringLiteral("LastName")).toString() != lead->lastName)
                    return QStringLiteral("Salesforce does not hold the restored content");
                const QString status = sf->value(QStringLiteral("Status")).toString();
                const QString platformStatus = status == QLatin1String("Closed - Not Converted")
                    ? QStringLiteral("lost")
                    : status == QLatin1String("Open - Not Contacted") ? QStringLiteral("new")
                                                                      : QStringLiteral("?");
                if (lead->status != platformStatus)
                    return QStringLiteral("the platform's status %1 is not Salesforce's %2")
                        .arg(lead->status, status);
                if (lead->eligible
                    != sf->value(QStringLiteral("Eligible_For_Distribution__c")).toBool())
                    return QStringLiteral("the platform's eligibility is not Salesforce's");
                return QString();
            };
            break;
        }
        case PlatformRow::Created: {
            sandbox::LeadRecord fresh;
            fresh.id = QStringLiteral("L-900001");
            fresh.firstName = QStringLiteral("Walk");
            fresh.lastName = QStringLiteral("In");
            fresh.company = QStringLiteral("Platform Made Ltd");
            fresh.email = QStringLiteral("walk.in@example.com");
            deliveredBefore = world.platform.stats().webhooks.delivered;
            QVERIFY(world.platform.createLead(fresh, QStringLiteral("agent-ui")).ok());
            expected = [&]() -> QString {
                const auto sf = liveLead(world, QStringLiteral("L-900001"));
                if (!sf
                    || sf->value(QStringLiteral("Company")).toString()
                        != QLatin1String("Platform Made Ltd"))
                    return QStringLiteral("L-900001 is not in Salesforce");
                return QString();
            };
            break;
        }
        }
        QVERIFY2(settle(), qPrintable(expected()));
        QCOMPARE(expected(), QString());

        // A restart that polls both sides, a reconcile that queues nothing and a second pass
        // that writes nothing; nothing deleted comes back.
        world.stopEngine();
        QVERIFY(world.restartEngine().ok());
        auto first = world.runOnce();
        QVERIFY(first && first->ok);
        QCOMPARE(first->toInbox, 0);
        QCOMPARE(expected(), QString());
        reconcileAndSecondPassWriteNothing(world);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(expected(), QString());
        world.stopEngine();
        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("check"));
        QVERIFY(store.ok());
        QCOMPARE(*(*store)->inbox().countOpen(), 0);
    }

    // lifecycle.platform_delete = delete_in_salesforce, then the lead restored on the platform:
    // Salesforce decides whether a lead exists and its REST API has no undelete, so the
    // platform's lead goes back to a tombstone, with an audit entry and one inbox item (not one
    // per pass) saying to undelete it from Salesforce's Recycle Bin. Once a Salesforce user does,
    // the lead is back on both sides and the item is resolved.
    void restoreOfALeadDeletedInSalesforce_data()
    {
        QTest::addColumn<QString>("arrival");
        QTest::newRow("poll") << QStringLiteral("poll");
        QTest::newRow("webhook") << QStringLiteral("webhook");
    }

    void restoreOfALeadDeletedInSalesforce()
    {
        QFETCH(QString, arrival);
        const bool webhook = arrival == QLatin1String("webhook");
        SyncWorld world;
        world.platform.generateLeads(4, 5);
        world.profile.lifecycle.platformDelete = QStringLiteral("delete_in_salesforce");
        if (webhook)
            world.enableWebhooks();
        QVERIFY(world.start().ok());
        auto initial = world.runOnce();
        QVERIFY(initial && initial->ok);
        if (webhook)
            world.controller().start();
        const QString key = QStringLiteral("L-000002");
        const auto before = liveLead(world, key);
        QVERIFY(before.has_value());
        const QString sfBefore = before->value(QStringLiteral("Id")).toString();
        const sandbox::LeadRecord content = *world.platform.lead(key);

        std::function<QString()> expected;
        quint64 deliveredBefore = 0;
        const auto settle = [&]() -> bool {
            if (webhook)
                return QTest::qWaitFor(
                    [&] {
                        return world.platform.stats().webhooks.delivered > deliveredBefore
                            && expected().isEmpty();
                    },
                    30'000);
            auto pass = world.runOnce();
            return pass && pass->ok;
        };
        const auto deletedOnBoth = [&]() -> QString {
            const auto lead = world.platform.lead(key);
            if (!lead || !lead->deleted)
                return key + QStringLiteral(" is not a tombstone on the platform");
            const auto sf = world.salesforce.record(QStringLiteral("Lead"), sfBefore);
            if (sf && !sf->value(QStringLiteral("IsDeleted")).toBool())
                return QStringLiteral("the Salesforce lead is not deleted");
            if (liveLead(world, key))
                return QStringLiteral("a live Salesforce lead carries ") + key;
            return QString();
        };
        deliveredBefore = world.platform.stats().webhooks.delivered;
        QVERIFY(world.platform.deleteLead(key, QStringLiteral("agent-ui")).ok());
        expected = deletedOnBoth;
        QVERIFY2(settle(), qPrintable(expected()));
        QCOMPARE(expected(), QString());

        // Restored on the platform: Salesforce's deletion stands.
        deliveredBefore = world.platform.stats().webhooks.delivered;
        QVERIFY(world.platform.restoreLead(content, QStringLiteral("agent-ui")).ok());
        QVERIFY2(settle(), qPrintable(expected()));
        if (!webhook) // the deletion is sent in the pass after the one that read the restore
            QVERIFY(settle());
        QCOMPARE(expected(), QString());

        // A restart that polls both sides, a reconcile that queues nothing and a second pass
        // that writes nothing: still a tombstone on both sides, still one inbox item.
        world.stopEngine();
        QVERIFY(world.restartEngine().ok());
        auto first = world.runOnce();
        QVERIFY(first && first->ok);
        QCOMPARE(expected(), QString());
        reconcileAndSecondPassWriteNothing(world);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(expected(), QString());
        world.stopEngine();
        {
            auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                     QStringLiteral("check"));
            QVERIFY(store.ok());
            auto items = (*store)->inbox().list({});
            QVERIFY(items.ok());
            QCOMPARE(items->size(), 1);
            const InboxItem &item = items->first();
            QCOMPARE(item.state, InboxState::Open);
            QCOMPARE(item.recordKey, QStringLiteral("lead:") + key);
            QCOMPARE(item.errorCode, QStringLiteral("deleted_in_salesforce"));
            QVERIFY2(item.errorMessage.contains(QStringLiteral("Recycle Bin")),
                     qPrintable(item.errorMessage));
            auto audited = (*store)->audit().forEntity(QStringLiteral("lead"), key);
            QVERIFY(audited.ok());
            QVERIFY(std::any_of(audited->cbegin(), audited->cend(), [](const AuditEntry &e) {
                return e.action == QLatin1String("restore_refused")
                    && e.detail.contains(QStringLiteral("Recycle Bin"));
            }));
        }

        // A Salesforce user undeletes it: back on the platform, and the item is resolved.
        QVERIFY(world.restartEngine().ok());
        sandbox::LeadLifecycle lifecycle(world.salesforce.org());
        const auto results = lifecycle.undelete(QStringLiteral("Lead"), {sfBefore}, uiUser(world));
        QVERIFY(results.size() == 1 && results.first().success);
        expected = [&]() -> QString {
            const auto lead = world.platform.lead(key);
            if (!lead || lead->deleted)
                return key + QStringLiteral(" is not restored on the platform");
            const auto sf = liveLead(world, key);
            if (!sf || sf->value(QStringLiteral("Id")).toString() != sfBefore)
                return QStringLiteral("the undeleted Salesforce lead does not carry ") + key;
            if (lead->lastName != sf->value(QStringLiteral("LastName")).toString())
                return QStringLiteral("the platform does not hold Salesforce's content");
            return QString();
        };
        auto pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QCOMPARE(pass->toInbox, 0);
        QCOMPARE(expected(), QString());
        reconcileAndSecondPassWriteNothing(world);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(expected(), QString());
        world.stopEngine();
        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("check"));
        QVERIFY(store.ok());
        QCOMPARE(*(*store)->inbox().countOpen(), 0);
        // The restore on the platform created no other Salesforce lead, live or deleted.
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead"), true), 4);
    }
};

QTEST_GUILESS_MAIN(TestSyncLifecycle)
#include "TestSyncLifecycle.moc"
