// API limit gauges coloured by threshold and the 24-hour chart from the store's history.
#include "ConsoleFixture.h"
#include "limits/LimitGauge.h"
#include "limits/LimitsView.h"
#include "limits/UsageChart.h"

#include <QProgressBar>
#include <QTest>

using namespace lb;

class TestLimitsView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::LimitsView> m_view;

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(10);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_view = std::make_unique<ui::LimitsView>(m_fx->context);
        m_view->resize(1000, 600);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_fx.reset();
    }

    void levels_data()
    {
        QTest::addColumn<double>("share");
        QTest::addColumn<int>("level");
        QTest::newRow("unknown") << -1.0 << int(ui::LimitGauge::Level::Unknown);
        QTest::newRow("low") << 0.2 << int(ui::LimitGauge::Level::Normal);
        QTest::newRow("warning") << 0.75 << int(ui::LimitGauge::Level::Warning);
        QTest::newRow("at pause") << 0.9 << int(ui::LimitGauge::Level::Critical);
        QTest::newRow("over") << 1.2 << int(ui::LimitGauge::Level::Critical);
    }

    void levels()
    {
        QFETCH(double, share);
        QFETCH(int, level);
        QCOMPARE(int(ui::LimitGauge::levelFor(share, 0.7, 0.9)), level);
    }

    void gaugesStartFromTheLastRecordedUsage()
    {
        // The sample's last observation: 13,200 of 15,000 Salesforce requests (88%).
        ui::LimitGauge *sf = m_view->gauge(QStringLiteral("sfApiGauge"));
        QVERIFY(sf);
        QCOMPARE(sf->level(), ui::LimitGauge::Level::Warning);
        QVERIFY2(sf->bar()->text().contains(QLatin1String("88%")), qPrintable(sf->bar()->text()));
        QCOMPARE(m_view->gauge(QStringLiteral("sfBulkGauge"))->level(),
                 ui::LimitGauge::Level::Normal);
    }

    void gaugesFollowObservations()
    {
        ApiLimits sf;
        sf.system = QStringLiteral("salesforce");
        sf.used = 14'000;
        sf.max = 15'000;
        sf.counters.insert(QStringLiteral("DailyBulkApiBatches"), {14'500, 15'000});
        emit m_fx->controller->limitsObserved(sf);
        ui::LimitGauge *api = m_view->gauge(QStringLiteral("sfApiGauge"));
        QCOMPARE(api->level(), ui::LimitGauge::Level::Critical);
        QCOMPARE(api->bar()->palette().color(QPalette::Highlight), QColor(200, 40, 40));
        QCOMPARE(m_view->gauge(QStringLiteral("sfBulkGauge"))->level(),
                 ui::LimitGauge::Level::Critical);
        ApiLimits platform;
        platform.system = QStringLiteral("platform");
        platform.used = 60;
        platform.max = 600;
        platform.resetAt = m_fx->clock.nowMs() / 1000 + 30;
        emit m_fx->controller->limitsObserved(platform);
        ui::LimitGauge *rate = m_view->gauge(QStringLiteral("platformGauge"));
        QCOMPARE(rate->level(), ui::LimitGauge::Level::Normal);
        QVERIFY(rate->bar()->text().contains(QLatin1String("60 of 600")));
    }

    void chartShowsTheLastDay()
    {
        auto *chart = m_view->findChild<ui::UsageChart *>(QStringLiteral("usageChart"));
        QVERIFY(chart);
        // A sample every 10 minutes for 24 h, for three allowances.
        QCOMPARE(chart->pointCount(), 3 * 145);
        QCOMPARE(chart->chart()->series().size(), 4); // + the pause threshold
    }
};

QTEST_MAIN(TestLimitsView)
#include "TestLimitsView.moc"
