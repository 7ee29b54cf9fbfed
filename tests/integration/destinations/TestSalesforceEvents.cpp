#include "../../unit/sync/FakePorts.h"
#include "DestinationWorld.h"
#include "store/DestinationStore.h"
#include "sync/MirrorObservation.h"
#include "sync/Reconciler.h"
#include "sync/SalesforceChangeProcessor.h"

#include <QDateTime>
#include <QTest>

using namespace lb;
using sandbox::DestinationReceiver;

namespace {

QString modstamp(int minute)
{
    return QDateTime::fromMSecsSinceEpoch(1'800'000'000'000LL + minute * 60'000LL, Qt::UTC)
        .toString(Qt::ISODateWithMs);
}

// Lead `i` of DestinationWorld::lead() as Salesforce holds it.
QJsonObject salesforceLead(int i, const QString &status, int minute, bool converted = false,
                           bool deleted = false)
{
    const QJsonObject p = DestinationWorld::lead(i, 1, {}, 90);
    return {
        {QStringLiteral("Id"), QStringLiteral("00Q5g00000Ab%1EAV").arg(i, 3, 10, QLatin1Char('0'))},
        {QStringLiteral("Platform_Lead_Id__c"), p.value(QStringLiteral("id"))},
        {QStringLiteral("FirstName"), p.value(QStringLiteral("first_name"))},
        {QStringLiteral("LastName"), p.value(QStringLiteral("last_name"))},
        {QStringLiteral("Company"), p.value(QStringLiteral("company"))},
        {QStringLiteral("Email"), p.value(QStringLiteral("email"))},
        {QStringLiteral("Status"), status},
        {QStringLiteral("LeadSource"), QStringLiteral("Web")},
        {QStringLiteral("Lead_Score__c"), 90},
        {QStringLiteral("Estimated_Value__c"), 1000},
        {QStringLiteral("Eligible_For_Distribution__c"), true},
        {QStringLiteral("Assigned_Agent__r"), QJsonValue::Null},
        {QStringLiteral("IsConverted"), converted},
        {QStringLiteral("IsDeleted"), deleted},
        {QStringLiteral("SystemModstamp"), modstamp(minute)}};
}

QJsonObject person(int capacity, int minute)
{
    return {{QStringLiteral("Id"), QStringLiteral("a015g00000AbCdEAAV")},
            {QStringLiteral("Name"), QStringLiteral("Grace Hopper")},
            {QStringLiteral("Email__c"), QStringLiteral("grace@navy.mil")},
            {QStringLiteral("Active__c"), true},
            {QStringLiteral("Eligible__c"), true},
            {QStringLiteral("States__c"), QStringLiteral("TX")},
            {QStringLiteral("Capacity__c"), capacity},
            {QStringLiteral("Platform_Agent_Id__c"), QStringLiteral("A-0042")},
            {QStringLiteral("IsDeleted"), false},
            {QStringLiteral("SystemModstamp"), modstamp(minute)}};
}

QList<SalesforceRecordChange> read(const QList<QJsonObject> &records, const QString &origin)
{
    return SalesforceRecordChange::fromRecords(records, origin);
}

QStringList typesOf(const QList<DestinationReceiver::Arrival> &arrivals, const QString &record)
{
    QStringList types;
    for (const auto &a : arrivals) {
        if (a.recordId == record)
            types.append(a.type);
    }
    return types;
}

// Every job of each lane delivered: nothing pending, nothing in the inbox.
bool lanesDrained(DestinationWorld &w)
{
    QStringList targets;
    for (const DestinationConfig &d : w.fanout.destinations())
        targets.append(d.target());
    auto counts = DestinationStore(w.store->database(), w.clock).laneCounts(targets);
    if (!counts)
        return false;
    for (const LaneCounts &c : std::as_const(*counts)) {
        if (c.pending != 0 || c.failed != 0)
            return false;
    }
    return true;
}

DestinationHub::Options fastHub()
{
    DestinationHub::Options options;
    options.retry.baseMs = 10;
    options.retry.capMs = 50;
    options.idleMs = 20;
    return options;
}

} // namespace

// Issue 18: lead events that start in Salesforce (its change stream, the backstop poll, the
// reconcile) and roster changes reach the destinations that want them, once each.
class TestSalesforceEvents : public QObject
{
    Q_OBJECT

private slots:
    void salesforceChangesReachMatchingDestinationsOnce()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        auto *ops = w.addDestination(QStringLiteral("ops"),
                                     {LeadEvent::StatusChanged, LeadEvent::Converted,
                                      LeadEvent::Deleted, LeadEvent::AgentChanged},
                                     {}, "secret-ops", why);
        QVERIFY2(ops, qPrintable(why));
        // Wants the same lead events, but only for low scores: these leads score 90.
        auto *low
            = w.addDestination(QStringLiteral("low"),
                               {LeadEvent::StatusChanged, LeadEvent::Converted, LeadEvent::Deleted},
                               QStringLiteral("score < 50"), "secret-low", why);
        QVERIFY2(low, qPrintable(why));
        // Wants only new leads: none of Salesforce's changes.
        auto *fresh = w.addDestination(QStringLiteral("fresh"), {LeadEvent::Created}, {},
                                       "secret-new", why);
        QVERIFY2(fresh, qPrintable(why));
        w.startHub(fastHub());

        const QString lead1
            = DestinationWorld::lead(1, 1, {}, 0).value(QStringLiteral("id")).toString();
        const QString lead2
            = DestinationWorld::lead(2, 1, {}, 0).value(QStringLiteral("id")).toString();
        QVERIFY(w.storeEvent(DestinationWorld::lead(1, 1, QStringLiteral("new"), 90),
                             QStringLiteral("p1")));
        QVERIFY(w.storeEvent(DestinationWorld::lead(2, 1, QStringLiteral("new"), 90),
                             QStringLiteral("p2")));
        QCOMPARE(w.takeIn(why), 2);

        SalesforceChangeProcessor salesforce(*w.store, *w.leads, *w.agents, QStringLiteral("test"));
        salesforce.setFanout(&w.fanout);
        const QString open = QStringLiteral("Open - Not Contacted");
        // Salesforce's first sight of the leads (they were created on the platform): no status
        // changed yet.
        QVERIFY(salesforce
                    .processLeads(read({salesforceLead(1, open, 1), salesforceLead(2, open, 1)},
                                       QStringLiteral("poll")))
                    .ok());

        // A status change, read by the stream and then again by the backstop poll.
        const QJsonObject working = salesforceLead(1, QStringLiteral("Working - Contacted"), 2);
        QVERIFY(salesforce.processLeads(read({working}, QStringLiteral("stream"))).ok());
        QVERIFY(salesforce.processLeads(read({working}, QStringLiteral("poll"))).ok());
        // Delivered to the platform, whose webhook then brings the change back: an echo.
        {
            MirrorRecord r = **w.store->leads().byPlatformId(lead1);
            auto write = w.leads->planPlatformWrite(r);
            QVERIFY(write.ok() && write->has_value());
            observePlatform(r, (*write)->record, 1'800'000'200'000LL, 2);
            QVERIFY(w.store->leads().put({r}).ok());
            QJsonObject echo = (*write)->record;
            echo.insert(QStringLiteral("updated_at"),
                        QDateTime::fromMSecsSinceEpoch(1'800'000'200'000LL, Qt::UTC)
                            .toString(Qt::ISODateWithMs));
            echo.insert(QStringLiteral("updated_by"), QStringLiteral("salesforce"));
            echo.insert(QStringLiteral("version"), 2);
            QVERIFY(w.storeEvent(echo, QStringLiteral("p1-echo")));
            QCOMPARE(w.takeIn(why), 1);
        }
        // Converted in Salesforce.
        QVERIFY(salesforce
                    .processLeads(
                        read({salesforceLead(1, QStringLiteral("Closed - Converted"), 3, true)},
                             QStringLiteral("stream")))
                    .ok());
        // Deleted in Salesforce, then read deleted again (a replayed event).
        const QJsonObject deleted = salesforceLead(2, open, 4, false, true);
        QVERIFY(salesforce.processLeads(read({deleted}, QStringLiteral("stream"))).ok());
        QVERIFY(salesforce.processLeads(read({deleted}, QStringLiteral("poll"))).ok());
        // The roster: a new People__c record, then its capacity changed, read twice.
        QVERIFY(salesforce.processAgents(read({person(10, 5)}, QStringLiteral("poll"))).ok());
        QVERIFY(salesforce.processAgents(read({person(12, 6)}, QStringLiteral("stream"))).ok());
        QVERIFY(salesforce.processAgents(read({person(12, 6)}, QStringLiteral("poll"))).ok());

        QTRY_COMPARE_WITH_TIMEOUT(ops->arrivals().size(), 5, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(fresh->arrivals().size(), 2, 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(lanesDrained(w), 30'000);
        w.hub->stop();

        // Exactly once each, in each record's order; the others got none of them.
        QCOMPARE(ops->arrivals().size(), 5);
        QCOMPARE(typesOf(ops->arrivals(), lead1),
                 QStringList({LeadEvent::StatusChanged, LeadEvent::Converted}));
        QCOMPARE(typesOf(ops->arrivals(), lead2), QStringList({LeadEvent::Deleted}));
        QCOMPARE(typesOf(ops->arrivals(), QStringLiteral("A-0042")),
                 QStringList({LeadEvent::AgentChanged, LeadEvent::AgentChanged}));
        QSet<QString> ids;
        for (const auto &a : ops->arrivals())
            ids.insert(a.eventId);
        QCOMPARE(ids.size(), 5);
        QVERIFY(low->arrivals().isEmpty());
        QCOMPARE(fresh->arrivals().size(), 2);
        for (const auto &a : fresh->arrivals())
            QCOMPARE(a.type, LeadEvent::Created);

        // The data is the lead as the platform holds it after the change.
        const auto data = [&](int index) {
            return ops->arrivals().at(index).body.value(QStringLiteral("data")).toObject();
        };
        for (int i = 0; i < 5; ++i) {
            const auto &a = ops->arrivals().at(i);
            if (a.type == LeadEvent::StatusChanged)
                QCOMPARE(data(i).value(QStringLiteral("status")).toString(),
                         QStringLiteral("working"));
            else if (a.type == LeadEvent::Converted)
                QCOMPARE(data(i).value(QStringLiteral("status")).toString(), QStringLiteral("won"));
            else if (a.type == LeadEvent::AgentChanged && i == 4)
                QCOMPARE(data(i).value(QStringLiteral("capacity")).toInt(), 12);
        }
    }

    // The reconcile finds what the stream and the poll missed: a status changed and a lead
    // deleted in Salesforce. Each reaches the destination once, and a second reconcile adds
    // nothing.
    void reconcileFindsMissedSalesforceChanges()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        auto *ops
            = w.addDestination(QStringLiteral("ops"),
                               {LeadEvent::StatusChanged, LeadEvent::Converted, LeadEvent::Deleted},
                               {}, "secret-ops", why);
        QVERIFY2(ops, qPrintable(why));
        auto *low = w.addDestination(QStringLiteral("low"),
                                     {LeadEvent::StatusChanged, LeadEvent::Deleted},
                                     QStringLiteral("score < 50"), "secret-low", why);
        QVERIFY2(low, qPrintable(why));

        const QJsonObject p3 = DestinationWorld::lead(3, 1, QStringLiteral("new"), 90);
        const QJsonObject p4 = DestinationWorld::lead(4, 1, QStringLiteral("new"), 90);
        QVERIFY(w.storeEvent(p3, QStringLiteral("p3")));
        QVERIFY(w.storeEvent(p4, QStringLiteral("p4")));
        QCOMPARE(w.takeIn(why), 2);
        SalesforceChangeProcessor salesforce(*w.store, *w.leads, *w.agents, QStringLiteral("test"));
        const QString open = QStringLiteral("Open - Not Contacted");
        QVERIFY(salesforce
                    .processLeads(read({salesforceLead(3, open, 1), salesforceLead(4, open, 1)},
                                       QStringLiteral("poll")))
                    .ok());

        test::FakeSalesforce sf;
        test::FakePlatform pf;
        pf.leads.insert(p3.value(QStringLiteral("id")).toString(), p3);
        pf.leads.insert(p4.value(QStringLiteral("id")).toString(), p4);
        // Lead 4 is gone from Salesforce; lead 3's status changed there, unseen.
        sf.leads.insert(p3.value(QStringLiteral("id")).toString(),
                        salesforceLead(3, QStringLiteral("Closed - Not Converted"), 2));
        Reconciler reconciler(*w.store, sf, pf, *w.leads, *w.agents, w.clock,
                              QStringLiteral("reconciler"), 2000);
        reconciler.setFanout(&w.fanout);
        for (int pass = 0; pass < 2; ++pass) {
            std::optional<Result<ReconcileReport>> report;
            reconciler.run(QStringLiteral("manual"),
                           [&](Result<ReconcileReport> r) { report = r; });
            QTRY_VERIFY(report.has_value());
            QVERIFY2(report->ok(),
                     qPrintable(report->ok() ? QString() : report->error().toString()));
        }

        w.startHub(fastHub());
        QTRY_COMPARE_WITH_TIMEOUT(ops->arrivals().size(), 2, 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(lanesDrained(w), 30'000);
        w.hub->stop();
        QCOMPARE(ops->arrivals().size(), 2);
        QCOMPARE(typesOf(ops->arrivals(), p3.value(QStringLiteral("id")).toString()),
                 QStringList({LeadEvent::StatusChanged}));
        for (const auto &a : ops->arrivals()) {
            if (a.type == LeadEvent::StatusChanged)
                QCOMPARE(a.body.value(QStringLiteral("data"))
                             .toObject()
                             .value(QStringLiteral("status"))
                             .toString(),
                         QStringLiteral("lost"));
        }
        QCOMPARE(typesOf(ops->arrivals(), p4.value(QStringLiteral("id")).toString()),
                 QStringList({LeadEvent::Deleted}));
        QVERIFY(low->arrivals().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSalesforceEvents)
#include "TestSalesforceEvents.moc"
