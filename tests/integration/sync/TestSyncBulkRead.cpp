// Issue 15's reads: the initial load and the reconcile read Salesforce's leads through one
// Bulk API 2.0 queryAll job above sync.bulk_threshold, with the API calls counted at the sandbox.
#include "SyncWorld.h"
#include "store/ReconcileStore.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");

qint64 total(const QHash<QString, qint64> &byKind)
{
    qint64 n = 0;
    for (qint64 v : byKind)
        n += v;
    return n;
}

QHash<QString, qint64> since(const QHash<QString, qint64> &before,
                             const QHash<QString, qint64> &after)
{
    QHash<QString, qint64> used;
    for (auto it = after.begin(); it != after.end(); ++it) {
        if (it.value() != before.value(it.key()))
            used.insert(it.key(), it.value() - before.value(it.key()));
    }
    return used;
}

QByteArray show(const QHash<QString, qint64> &calls)
{
    QJsonObject o;
    for (auto it = calls.begin(); it != calls.end(); ++it)
        o.insert(it.key(), it.value());
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString salesforceId(SyncWorld &world, const QString &key)
{
    const auto r = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, key);
    return r ? r->value(QStringLiteral("Id")).toString() : QString();
}

} // namespace

class TestSyncBulkRead : public QObject
{
    Q_OBJECT

private slots:
    // A first sync against an org that already holds many leads: the first REST page says how
    // many there are, the rest comes through one queryAll job, and every lead reaches the
    // platform with Salesforce's values (typed as REST gives them: the score a number).
    void initialLoadOfManyLeadsReadsThroughOneQueryJob()
    {
        const int leads = 20'000;
        SyncWorld world;
        QByteArray csv = "LastName,Company,Email,Lead_Score__c," + LeadKey.toUtf8() + "\n";
        for (int i = 1; i <= leads; ++i)
            csv += QStringLiteral("Turing %1,Bletchley,alan%1@example.com,%2,L-%3\n")
                       .arg(i)
                       .arg(i % 101)
                       .arg(i, 6, 10, QLatin1Char('0'))
                       .toUtf8();
        auto seeded = world.salesforce.seedCsv(QStringLiteral("Lead"), csv);
        QVERIFY2(seeded.ok(), seeded ? "" : qPrintable(seeded.error().toString()));
        QCOMPARE(*seeded, leads);
        QVERIFY2(world.start().ok(), "engine start");

        const auto before = world.salesforce.apiCallsByKind();
        auto once = world.runOnce();
        QVERIFY(once.has_value());
        QVERIFY2(once->ok, qPrintable(once->error.toString()));
        QCOMPARE(once->toInbox, 0);
        const auto used = since(before, world.salesforce.apiCallsByKind());
        qInfo("initial load of %d Salesforce leads: Salesforce API calls %lld %s", leads,
              total(used), show(used).constData());
        // REST: the roster and the leads' first page; the rest in one query job.
        QVERIFY2(used.value(QStringLiteral("query")) <= 2, show(used).constData());
        QVERIFY2(used.value(QStringLiteral("bulk")) >= 3, show(used).constData());
        QVERIFY2(total(used) <= 10, show(used).constData());
        QCOMPARE(world.platform.leadCount(), leads);
        for (int i = 1; i <= leads; i += 997) {
            const auto lead
                = world.platform.lead(QStringLiteral("L-%1").arg(i, 6, 10, QLatin1Char('0')));
            QVERIFY(lead.has_value());
            QCOMPARE(lead->lastName, QStringLiteral("Turing %1").arg(i));
            QCOMPARE(lead->score, i % 101);
        }
    }

    // The figure: a reconcile of 100,000 leads (LB_BULK_READ_LEADS sets another size)
    // costs at most 10 Salesforce API calls and finds exactly the 100 differences planted in
    // it: 25 leads only on the platform, 25 only in Salesforce, 25 deleted (13 in Salesforce,
    // 12 on the platform) and 25 differing (13 changed in Salesforce, 12 on the platform).
    void reconcileOfManyLeadsReadsThroughOneQueryJob()
    {
        const int leads = qEnvironmentVariableIsSet("LB_BULK_READ_LEADS")
            ? qEnvironmentVariableIntValue("LB_BULK_READ_LEADS")
            : 100'000;
        QVERIFY(leads >= 1000);
        SyncWorld world;
        for (int i = 1; i <= 200; ++i)
            QVERIFY(world.salesforce
                        .createRecord(QStringLiteral("People__c"), person(i, true),
                                      QStringLiteral("Admin"))
                        .ok());
        world.platform.generateAgents(200);
        world.platform.generateLeads(leads);
        QVERIFY2(world.start().ok(), "engine start");

        // Both sides in step: the platform's leads go out in one ingest job.
        QElapsedTimer took;
        took.start();
        auto first = world.runOnce();
        QVERIFY(first.has_value());
        QVERIFY2(first->ok, qPrintable(first->error.toString()));
        QCOMPARE(first->toInbox, 0);
        QCOMPARE(first->stillPending, 0);
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), leads);
        qInfo("initial load of %d leads: %.1f s", leads, took.elapsed() / 1000.0);

        // The differences, made on each side without LeadBridge.
        for (int i = 1; i <= 25; ++i) {
            sandbox::LeadRecord lead;
            lead.id = QStringLiteral("L-P%1").arg(i, 4, 10, QLatin1Char('0'));
            lead.lastName = QStringLiteral("Only on the platform %1").arg(i);
            lead.company = QStringLiteral("Platform Co");
            QVERIFY(world.platform.createLead(lead).ok());
            QVERIFY(world.salesforce
                        .createRecord(
                            QStringLiteral("Lead"),
                            {{QStringLiteral("LastName"), QStringLiteral("Only in SF %1").arg(i)},
                             {QStringLiteral("Company"), QStringLiteral("Salesforce Co")},
                             {LeadKey, QStringLiteral("L-S%1").arg(i, 4, 10, QLatin1Char('0'))}},
                            QStringLiteral("Admin"))
                        .ok());
        }
        const auto key
            = [&](int n) { return QStringLiteral("L-%1").arg(n, 6, 10, QLatin1Char('0')); };
        const int step = leads / 60;
        for (int i = 0; i < 13; ++i) {
            QVERIFY(world.salesforce
                        .deleteRecord(QStringLiteral("Lead"),
                                      salesforceId(world, key(1 + i * step)),
                                      QStringLiteral("Admin"))
                        .ok());
            QVERIFY(
                world.salesforce
                    .updateRecord(QStringLiteral("Lead"), salesforceId(world, key(2 + i * step)),
                                  {{QStringLiteral("Company"), QStringLiteral("Changed in SF")}},
                                  QStringLiteral("Admin"))
                    .ok());
        }
        for (int i = 0; i < 12; ++i) {
            QVERIFY(world.platform.deleteLead(key(3 + i * step)).ok());
            QVERIFY(
                world.platform
                    .editLead(key(4 + i * step),
                              {{QStringLiteral("company"), QStringLiteral("Changed on platform")}})
                    .ok());
        }

        const auto before = world.salesforce.apiCallsByKind();
        took.restart();
        QSignalSpy reconciled(&world.controller(), &ThreadedSyncController::reconciled);
        world.controller().reconcileNow();
        QVERIFY(QTest::qWaitFor([&] { return reconciled.count() > 0; }, 600'000));
        QVERIFY2(reconciled.first().at(1).toString().isEmpty(),
                 qPrintable(reconciled.first().at(1).toString()));
        const auto report = reconciled.first().at(0).value<ReconcileReport>();
        const auto used = since(before, world.salesforce.apiCallsByKind());
        qInfo("reconcile of %d leads: %.1f s, Salesforce API calls: %lld %s; report %s", leads,
              took.elapsed() / 1000.0, total(used), show(used).constData(),
              QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact).constData());

        QVERIFY2(total(used) <= 10, show(used).constData());
        QVERIFY2(used.value(QStringLiteral("bulk")) >= 3, show(used).constData());
        QCOMPARE(report.leadsCompared, leads + 50);
        QCOMPARE(report.missingInSalesforce, 25);
        QCOMPARE(report.missingOnPlatform, 25);
        QCOMPARE(report.deleted, 25);
        QCOMPARE(report.differing, 25);
        QCOMPARE(report.extra, 0);
    }
};

QTEST_GUILESS_MAIN(TestSyncBulkRead)
#include "TestSyncBulkRead.moc"
