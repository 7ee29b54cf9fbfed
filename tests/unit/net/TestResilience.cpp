#include "net/CircuitBreaker.h"
#include "net/RetryPolicy.h"

#include <QRandomGenerator>
#include <QTest>

using namespace lb;

class TestResilience : public QObject
{
    Q_OBJECT

private slots:
    void backoffGrowsExponentiallyWithFullJitter()
    {
        RetryPolicy policy {100, 10'000, 8};
        QCOMPARE(policy.ceilingMs(0), 100);
        QCOMPARE(policy.ceilingMs(1), 200);
        QCOMPARE(policy.ceilingMs(3), 800);
        QCOMPARE(policy.ceilingMs(20), 10'000); // capped
        QCOMPARE(policy.ceilingMs(1000), 10'000);
        QRandomGenerator random(42);
        qint64 minSeen = LLONG_MAX, maxSeen = 0;
        for (int i = 0; i < 2000; ++i) {
            const qint64 b = policy.backoffMs(3, random);
            QVERIFY(b >= 0 && b <= 800);
            minSeen = std::min(minSeen, b);
            maxSeen = std::max(maxSeen, b);
        }
        // Full jitter spreads over the whole range, not just near the ceiling.
        QVERIFY(minSeen < 100);
        QVERIFY(maxSeen > 700);
        QVERIFY(!policy.exhausted(7));
        QVERIFY(policy.exhausted(8));
    }

    void breakerOpensAtHalfFailuresOverTwenty()
    {
        ManualClock clock;
        CircuitBreaker breaker(QStringLiteral("sf"), clock);
        for (int i = 0; i < 9; ++i) {
            QVERIFY(breaker.allowRequest());
            breaker.recordFailure();
            breaker.recordSuccess();
        }
        QCOMPARE(breaker.state(), CircuitBreaker::State::Closed); // 9/18, window not full
        breaker.recordSuccess();
        QCOMPARE(breaker.state(), CircuitBreaker::State::Closed); // 9/19
        breaker.recordFailure(); // 10/20 = 50%
        QCOMPARE(breaker.state(), CircuitBreaker::State::Open);
        QVERIFY(!breaker.allowRequest());
    }

    void breakerStaysClosedBelowThreshold()
    {
        ManualClock clock;
        CircuitBreaker breaker(QStringLiteral("sf"), clock);
        for (int i = 0; i < 100; ++i) {
            (i % 5 == 0 || i % 5 == 1) ? breaker.recordFailure() : breaker.recordSuccess(); // 40%
            QCOMPARE(breaker.state(), CircuitBreaker::State::Closed);
        }
    }

    void halfOpenLetsOneTrialThrough()
    {
        ManualClock clock;
        CircuitBreaker breaker(QStringLiteral("sf"), clock);
        for (int i = 0; i < 20; ++i)
            breaker.recordFailure();
        QCOMPARE(breaker.state(), CircuitBreaker::State::Open);
        clock.advanceMs(59'999);
        QVERIFY(!breaker.allowRequest());
        clock.advanceMs(1);
        QCOMPARE(breaker.state(), CircuitBreaker::State::HalfOpen);
        QVERIFY(breaker.allowRequest());
        QVERIFY(!breaker.allowRequest()); // only one trial at a time
        breaker.recordFailure();
        QCOMPARE(breaker.state(), CircuitBreaker::State::Open);
        clock.advanceMs(60'000);
        QVERIFY(breaker.allowRequest());
        breaker.recordSuccess();
        QCOMPARE(breaker.state(), CircuitBreaker::State::Closed);
        QVERIFY(breaker.allowRequest());
        QCOMPARE(breaker.failureShare(), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestResilience)
#include "TestResilience.moc"
