#include "net/TokenBucket.h"
#include "sync/ApiBudget.h"

#include <QTest>

using namespace lb;

class TestApiBudget : public QObject
{
    Q_OBJECT

private slots:
    void bucketRefillsOverTime()
    {
        TokenBucket bucket(5, 10, 0); // 5 burst, 10/s
        for (int i = 0; i < 5; ++i)
            QVERIFY(bucket.tryTake(1, 0));
        QVERIFY(!bucket.tryTake(1, 0));
        QCOMPARE(bucket.msUntil(1, 0), 100);
        QVERIFY(!bucket.tryTake(1, 99));
        QVERIFY(bucket.tryTake(1, 100));
        QVERIFY(bucket.available(10'000) <= 5.0); // never above capacity
        bucket.drain(10'000);
        QVERIFY(!bucket.tryTake(1, 10'000));
    }

    void pausesNonUrgentWorkAtTheThreshold()
    {
        ManualClock clock;
        ApiBudget budget(QStringLiteral("salesforce"), clock, 0.9, 1000, 1000);
        ApiLimits limits;
        limits.system = QStringLiteral("salesforce");
        limits.max = 15'000;
        limits.used = 13'499;
        budget.observe(limits);
        QVERIFY(!budget.state().paused);
        QVERIFY(budget.tryAcquire(false));
        limits.used = 13'500; // 90 %
        budget.observe(limits);
        QVERIFY(budget.state().paused);
        QVERIFY(!budget.state().blocked);
        QVERIFY(budget.state().reason.contains(QLatin1String("13500 of 15000")));
        QVERIFY(!budget.tryAcquire(false));
        QVERIFY(budget.tryAcquire(true)); // urgent work keeps flowing
        limits.used = 12'000; // rolling window moved on
        budget.observe(limits);
        QVERIFY(!budget.state().paused);
        QVERIFY(budget.tryAcquire(false));
    }

    // The platform's rate-limit window: paused at the threshold, and no longer once the window
    // has reset, even before a new answer says so (nothing would call to hear it).
    void pauseEndsWhenTheWindowResets()
    {
        ManualClock clock(1'000'000);
        ApiBudget budget(QStringLiteral("platform"), clock, 0.9, 1000, 1000);
        ApiLimits limits;
        limits.system = QStringLiteral("platform");
        limits.max = 600;
        limits.used = 590;
        limits.resetAt = 1'060; // epoch seconds: 60 s from now
        budget.observe(limits);
        QVERIFY(budget.state().paused);
        QVERIFY(!budget.tryAcquire(false));
        QCOMPARE(budget.state().resumeAt, 1'060'000);
        clock.advanceMs(59'000);
        QVERIFY(budget.state().paused);
        clock.advanceMs(1'000);
        QVERIFY(!budget.state().paused);
        QVERIFY(budget.tryAcquire(false));
    }

    void throttlingAnswerBlocksEverythingUntilRetryAfter()
    {
        ManualClock clock;
        ApiBudget budget(QStringLiteral("platform"), clock, 0.9, 1000, 1000);
        budget.throttled(30'000, QStringLiteral("429 rate_limited"));
        QVERIFY(budget.state().blocked);
        QVERIFY(!budget.tryAcquire(true));
        QCOMPARE(budget.waitMs(true), 30'000);
        clock.advanceMs(30'000);
        QVERIFY(!budget.state().paused);
        QVERIFY(budget.tryAcquire(false));
    }

    void bucketSpacesCalls()
    {
        ManualClock clock;
        ApiBudget budget(QStringLiteral("salesforce"), clock, 0.9, 2, 2); // 2 calls/s
        QVERIFY(budget.tryAcquire(false));
        QVERIFY(budget.tryAcquire(false));
        QVERIFY(!budget.tryAcquire(false));
        QCOMPARE(budget.waitMs(false), 500);
        clock.advanceMs(500);
        QVERIFY(budget.tryAcquire(false));
    }
};

QTEST_GUILESS_MAIN(TestApiBudget)
#include "TestApiBudget.moc"
