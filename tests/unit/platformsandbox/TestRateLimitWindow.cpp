#include "platform/RateLimitWindow.h"

#include <QTest>

using namespace lb;
using namespace lb::sandbox;

class TestRateLimitWindow : public QObject
{
    Q_OBJECT

private slots:
    void countsDownAndRefuses()
    {
        ManualClock clock(1'767'225'600'000); // on a window boundary
        RateLimitWindow window(clock, 3, 10);
        for (int i = 0; i < 3; ++i) {
            const auto d = window.take();
            QVERIFY(d.allowed);
            QCOMPARE(d.limit, 3);
            QCOMPARE(d.remaining, 2 - i);
            QCOMPARE(d.resetAt, Q_INT64_C(1'767'225'610));
        }
        clock.advanceMs(2'500);
        const auto refused = window.take();
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.remaining, 0);
        QCOMPARE(refused.retryAfterS, 8); // 7.5 s left, rounded up
        QCOMPARE(window.peek().remaining, 0);

        clock.advanceMs(7'500); // next window
        const auto again = window.take();
        QVERIFY(again.allowed);
        QCOMPARE(again.remaining, 2);
        QCOMPARE(again.resetAt, Q_INT64_C(1'767'225'620));
    }

    void retryAfterIsAtLeastOneSecond()
    {
        ManualClock clock(1'767'225'609'900);
        RateLimitWindow window(clock, 1, 10);
        QVERIFY(window.take().allowed);
        const auto refused = window.take();
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.retryAfterS, 1);
    }

    void peekCountsNothing()
    {
        ManualClock clock;
        RateLimitWindow window(clock, 2, 60);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(window.peek().remaining, 2);
        window.configure(5, 60);
        QCOMPARE(window.take().remaining, 4);
    }
};

QTEST_GUILESS_MAIN(TestRateLimitWindow)
#include "TestRateLimitWindow.moc"
