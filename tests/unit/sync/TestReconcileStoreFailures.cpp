// The reconcile when the store refuses a statement of its repair: a busy store (a PostgreSQL
// deadlock or serialization failure beside another process) is rolled back and repaired again
// from the same snapshot, once; any other failure rolls the repair back and still leaves a report
// that says what went wrong (written after the rollback, so it is not undone with the repair).
#include "FakePorts.h"
#include "SyncStoreFixture.h"
#include "sync/Reconciler.h"

#include <QTest>

using namespace lb;

namespace {

QJsonObject platformLead(const QString &id)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("first_name"), QStringLiteral("Ada")},
            {QStringLiteral("last_name"), QStringLiteral("Nguyen")},
            {QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("email"), QString(id.toLower() + QStringLiteral("@x.io"))},
            {QStringLiteral("status"), QStringLiteral("new")},
            {QStringLiteral("updated_at"), QStringLiteral("2026-01-01T00:00:00Z")},
            {QStringLiteral("version"), 1}};
}

} // namespace

class TestReconcileStoreFailures : public QObject
{
    Q_OBJECT

private:
    test::SyncStoreFixture m_fixture;
    test::FakeSalesforce m_sf;
    test::FakePlatform m_pf;

    Result<ReconcileReport> reconcile()
    {
        Reconciler reconciler(*m_fixture.store, m_sf, m_pf, *m_fixture.leads, *m_fixture.agents,
                              m_fixture.clock, QStringLiteral("reconciler"), 2000);
        std::optional<Result<ReconcileReport>> report;
        reconciler.run(QStringLiteral("manual"), [&](Result<ReconcileReport> r) { report = r; });
        if (!QTest::qWaitFor([&] { return report.has_value(); }, 10'000))
            return makeError(QStringLiteral("test"), QStringLiteral("the reconcile never ended"));
        return *report;
    }

private slots:
    void init()
    {
        auto opened = m_fixture.open();
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().toString()));
        m_sf = {};
        m_pf = {};
        // Three leads only on the platform: the repair writes their mirror rows and queues three
        // creations in Salesforce.
        for (const char *id : {"L-2", "L-1", "L-3"})
            m_pf.leads.insert(QString::fromLatin1(id), platformLead(QString::fromLatin1(id)));
    }

    // The n-th statement after the reconcile's first store read fails: from the transaction's
    // BEGIN to the report inside it.
    void failure_data()
    {
        QTest::addColumn<int>("statement");
        QTest::addColumn<QString>("code");
        for (int statement = 2; statement <= 7; ++statement) {
            for (const char *code : {"store_busy", "store_error"})
                QTest::addRow("statement %d, %s", statement, code)
                    << statement << QString::fromLatin1(code);
        }
    }

    void failure()
    {
        QFETCH(int, statement);
        QFETCH(QString, code);
        m_fixture.store->database().failAfterStatements(statement, code);
        auto report = reconcile();
        QVERIFY(!m_fixture.store->database().failurePending());
        auto reports = m_fixture.store->reconciles().recent(10);
        QVERIFY(reports.ok());
        auto jobs = m_fixture.store->outbox().active();
        QVERIFY(jobs.ok());
        auto mirror = m_fixture.store->leads().byKeys(
            {QStringLiteral("L-1"), QStringLiteral("L-2"), QStringLiteral("L-3")});
        QVERIFY(mirror.ok());
        if (code == QLatin1String("store_busy")) {
            // Repaired again from the same snapshot: one report, counted once, each write
            // queued once.
            QVERIFY2(report.ok(), report.ok() ? "" : qPrintable(report.error().toString()));
            QCOMPARE(report->leadsCompared, 3);
            QCOMPARE(report->missingInSalesforce, 3);
            QCOMPARE(report->enqueued, 3);
            QCOMPARE(reports->size(), 1);
            QVERIFY(reports->first().error.isEmpty());
            QCOMPARE(jobs->size(), 3);
            QCOMPARE(mirror->size(), 3);
        } else {
            // Nothing of the repair stays, but its report does, with the reason.
            QVERIFY(!report.ok());
            QCOMPARE(reports->size(), 1);
            QVERIFY2(reports->first().error.contains(QLatin1String("injected failure")),
                     qPrintable(reports->first().error));
            QCOMPARE(reports->first().enqueued, 0);
            QCOMPARE(jobs->size(), 0);
            QCOMPARE(mirror->size(), 0);
            // And the next reconcile repairs everything.
            auto again = reconcile();
            QVERIFY(again.ok());
            QCOMPARE(again->enqueued, 3);
        }
    }
};

QTEST_GUILESS_MAIN(TestReconcileStoreFailures)
#include "TestReconcileStoreFailures.moc"
