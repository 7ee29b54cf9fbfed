#include "AsyncResult.h"
#include "SandboxHarness.h"
#include "salesforce/RetryingUpsert.h"

#include <QEventLoop>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

namespace {

const QString kKey = u"Platform_Lead_Id__c"_s;
constexpr int kRecords = 5'000;

QList<QJsonObject> leads(const QString &lastName)
{
    QList<QJsonObject> out;
    out.reserve(kRecords);
    for (int i = 0; i < kRecords; ++i)
        out.append({{kKey, u"F-%1"_s.arg(i, 5, 10, QLatin1Char('0'))},
                    {u"LastName"_s, lastName},
                    {u"Company"_s, u"Faulty Co"_s},
                    {u"Lead_Score__c"_s, i % 101}});
    return out;
}

} // namespace

// The acceptance test: with 20% of REST calls answered 503 and 5% of written records
// failing with UNABLE_TO_LOCK_ROW, a 5,000-record upsert through the client's retry path
// ends with every record present exactly once (and a second run updates, never duplicates).
class TestSandboxFaultyUpsert : public QObject
{
    Q_OBJECT

    SandboxHarness m_h;
    QRandomGenerator m_random {2026};

    RetryingUpsert::Report upsert(const QList<QJsonObject> &records, int batchesPerCall)
    {
        RetryingUpsert::Options options;
        options.policy = RetryPolicy {5, 200, 12};
        options.batchesPerCall = batchesPerCall;
        RetryingUpsert upserter(m_h.client(), u"Lead"_s, kKey, options);
        upserter.setRandom(&m_random);
        std::optional<RetryingUpsert::Report> report;
        QEventLoop loop; // quit by the callback: no polling latency in the figures
        QTimer::singleShot(240'000, &loop, &QEventLoop::quit);
        upserter.start(records, this, [&](const RetryingUpsert::Report &r) {
            report = r;
            loop.quit();
        });
        loop.exec();
        return report.value_or(RetryingUpsert::Report {});
    }

    // What a client sees: one query over every page, with faults off.
    QHash<QString, int> keysInOrg(const QString &lastName)
    {
        QHash<QString, int> seen;
        AsyncResult<qint64> r;
        m_h.client().queryEach(
            u"SELECT Id, Platform_Lead_Id__c, LastName FROM Lead"_s, false, this,
            [&](const QueryPage &page) {
                for (const QJsonObject &rec : page.records) {
                    if (rec.value(u"LastName"_s).toString() == lastName)
                        ++seen[rec.value(kKey).toString()];
                    else
                        ++seen[u"stale:"_s + rec.value(kKey).toString()];
                }
                return true;
            },
            r.callback());
        if (!r.wait(60'000) || !r.get().ok())
            return {};
        return seen;
    }

private slots:
    void everyRecordExactlyOnce_data()
    {
        QTest::addColumn<int>("batchesPerCall");
        QTest::newRow("Composite, 5 Collections per call") << 5;
        QTest::newRow("Collections, 200 per call") << 1;
    }

    void everyRecordExactlyOnce()
    {
        QFETCH(int, batchesPerCall);
        const Result<void> started = m_h.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        m_h.connect(AuthFlow::JwtBearer);
        sandbox::FaultConfig faults;
        faults.fail503 = 0.20;
        faults.lockRate = 0.05;
        faults.seed = 424242;

        for (const QString &run : {u"First"_s, u"Second"_s}) {
            ++faults.seed; // the second run meets other faults than the first
            m_h.sandbox().setFaults(faults);
            const qint64 allocationBefore = m_h.sandbox().apiUsed();
            const auto countersBefore = m_h.sandbox().faultCounters();
            const RetryingUpsert::Report report = upsert(leads(run), batchesPerCall);
            const auto counters = m_h.sandbox().faultCounters();
            const qint64 allocationUsed = m_h.sandbox().apiUsed() - allocationBefore;
            m_h.sandbox().setFaults({});

            QCOMPARE(report.records.size(), kRecords);
            QCOMPARE(report.failed, 0);
            QCOMPARE(report.succeeded, kRecords);
            // The faults really happened, and the retry path absorbed them.
            QVERIFY(counters.fail503 - countersBefore.fail503 > 0);
            QVERIFY(counters.lock - countersBefore.lock > 0);
            QVERIFY(report.failedCalls > 0);
            QVERIFY(report.resentRecords > 0);
            // A 503 is not counted against the allocation; every other call is, once.
            QCOMPARE(allocationUsed, qint64(report.apiCalls - report.failedCalls));
            int created = 0;
            for (const RetryingUpsert::RecordOutcome &o : report.records)
                created += o.created ? 1 : 0;
            // A record re-sent after a lost answer may come back "updated", never twice
            // "created"; the second run creates nothing.
            if (run == "Second"_L1)
                QCOMPARE(created, 0);
            else
                QVERIFY(created > 0 && created <= kRecords);

            // Every record present exactly once: through the API and in the org's own data.
            const QHash<QString, int> seen = keysInOrg(run);
            QCOMPARE(seen.size(), kRecords);
            for (auto it = seen.begin(); it != seen.end(); ++it) {
                QVERIFY2(!it.key().startsWith(u"stale:"_s), qPrintable(it.key()));
                QCOMPARE(it.value(), 1);
            }
            QCOMPARE(m_h.sandbox().recordCount(u"Lead"_s), kRecords);
            for (int i = 0; i < kRecords; i += 97) {
                const QString key = u"F-%1"_s.arg(i, 5, 10, QLatin1Char('0'));
                QVERIFY(m_h.sandbox().recordByExternalId(u"Lead"_s, kKey, key).has_value());
            }

            const double seconds = qMax<qint64>(1, report.elapsedMs) / 1000.0;
            qInfo().noquote() << u"%1 run, %2 batch(es) per call: %3 records in %4 ms "
                                 u"(%5 records/s), %6 API calls sent (%7 failed as a whole, %8 "
                                 u"counted by the org), %9 record re-sends; faults: %10 x 503, "
                                 u"%11 row locks"_s.arg(run)
                                     .arg(batchesPerCall)
                                     .arg(kRecords)
                                     .arg(report.elapsedMs)
                                     .arg(kRecords / seconds, 0, 'f', 0)
                                     .arg(report.apiCalls)
                                     .arg(report.failedCalls)
                                     .arg(allocationUsed)
                                     .arg(report.resentRecords)
                                     .arg(counters.fail503 - countersBefore.fail503)
                                     .arg(counters.lock - countersBefore.lock);
        }
    }
};

QTEST_GUILESS_MAIN(TestSandboxFaultyUpsert)
#include "TestSandboxFaultyUpsert.moc"
