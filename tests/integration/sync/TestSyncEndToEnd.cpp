// Issue 5's behaviour against both sandboxes: convergence, no echoes, API economy, faults,
// bad data through the inbox, and the keyset cursor under ties.
#include "SyncWorld.h"
#include "mapping/FieldMapping.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
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
            || k.contains(QLatin1String("update")))
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
};

QTEST_GUILESS_MAIN(TestSyncEndToEnd)
#include "TestSyncEndToEnd.moc"
