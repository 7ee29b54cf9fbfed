// The dashboard shows what the engine reports and sends it Start, Pause/Resume, Reconcile.
#include "ConsoleFixture.h"
#include "dashboard/DashboardView.h"

#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

using namespace lb;

class TestDashboardView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::DashboardView> m_view;

    QString text(const char *name)
    {
        auto *label = m_view->findChild<QLabel *>(QLatin1String(name));
        return label ? label->text() : QStringLiteral("<no %1>").arg(QLatin1String(name));
    }
    QPushButton *button(const char *name)
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(0, false);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_view = std::make_unique<ui::DashboardView>(m_fx->context);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_fx.reset();
    }

    void showsTheEnginesStatus()
    {
        QCOMPARE(text("syncState"), QStringLiteral("Stopped"));
        m_fx->controller->publish(m_fx->sampleStatus());
        QTRY_COMPARE(text("syncState"), QStringLiteral("Running"));
        QCOMPARE(text("lastToSalesforce"), QStringLiteral("42 s ago"));
        QCOMPARE(text("lastToPlatform"), QStringLiteral("3 min ago"));
        QCOMPARE(text("throughput"), QStringLiteral("37.5 records/s"));
        QCOMPARE(text("lag"), QStringLiteral("1 min"));
        QCOMPARE(text("queueDepth"), QStringLiteral("40 pending (12 due), 4 in flight"));
        QCOMPARE(text("inboxCount"), QStringLiteral("5 open item(s)"));
        QCOMPARE(text("nextReconcile"), QStringLiteral("in 18 min"));
        QCOMPARE(text("delivered"), QLocale().toString(128'440));
        auto *breakers = m_view->findChild<QTableWidget *>(QStringLiteral("breakers"));
        QCOMPARE(breakers->rowCount(), 2);
        QCOMPARE(breakers->item(1, 0)->text(), QStringLiteral("platform.leads"));
        QCOMPARE(breakers->item(1, 1)->text(), QStringLiteral("open"));
        QCOMPARE(breakers->item(1, 2)->text(), QStringLiteral("64%"));
        QCOMPARE(breakers->item(1, 3)->text(), QStringLiteral("in 25 s"));
        // A small status per destination (hub and spoke).
        auto *destinations
            = m_view->findChild<QTableWidget *>(QStringLiteral("destinationsStatus"));
        QVERIFY(destinations);
        QCOMPARE(destinations->rowCount(), 2);
        QCOMPARE(destinations->item(0, 0)->text(), QStringLiteral("analytics"));
        QCOMPARE(destinations->item(0, 1)->text(), QStringLiteral("healthy"));
        QCOMPARE(destinations->item(1, 0)->text(), QStringLiteral("warehouse"));
        QCOMPARE(destinations->item(1, 1)->text(), QStringLiteral("failing"));
        QCOMPARE(destinations->item(1, 2)->text(), QLocale().toString(412));
        QCOMPARE(destinations->item(1, 4)->text(), QStringLiteral("2"));
        // The same report read a minute later says so.
        const SyncStatus old = m_fx->sampleStatus();
        m_fx->clock.advanceMs(60'000);
        m_view->showStatus(old);
        QCOMPARE(text("lastToSalesforce"), QStringLiteral("1 min ago"));
    }

    void startPauseResumeReconcile()
    {
        QVERIFY(button("start")->isEnabled());
        QVERIFY(!button("pause")->isEnabled());
        QTest::mouseClick(button("start"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->commands.last(), QStringLiteral("start"));
        QTRY_COMPARE(text("syncState"), QStringLiteral("Running"));
        QVERIFY(!button("start")->isEnabled());
        QVERIFY(button("pause")->isEnabled());
        QCOMPARE(button("pause")->text(), QStringLiteral("&Pause"));
        QTest::mouseClick(button("pause"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->commands.last(), QStringLiteral("pause"));
        QTRY_COMPARE(text("syncState"), QStringLiteral("Paused"));
        QCOMPARE(button("pause")->text(), QStringLiteral("Res&ume"));
        QTest::mouseClick(button("pause"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->commands.last(), QStringLiteral("resume"));
        QTRY_COMPARE(text("syncState"), QStringLiteral("Running"));
        QTest::mouseClick(button("reconcile"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->commands.last(), QStringLiteral("reconcile"));
    }

    void pausedByLimitsAndErrorsSaySo()
    {
        SyncStatus s = m_fx->sampleStatus();
        s.state = SyncStatus::State::PausedByLimits;
        s.detail = QStringLiteral("Salesforce API usage 91% is over the pause threshold 90%.");
        m_fx->controller->publish(s);
        QTRY_COMPARE(text("syncState"), QStringLiteral("Paused by API limits"));
        QCOMPARE(text("syncDetail"), s.detail);
        s.state = SyncStatus::State::Error;
        s.detail = QStringLiteral("Salesforce refused the credentials (invalid_grant).");
        m_fx->controller->publish(s);
        QTRY_COMPARE(text("syncState"), QStringLiteral("Error"));
        QVERIFY(button("start")->isEnabled());
    }

    void showsTheStreamAndACatchUpAfterAGap()
    {
        SyncStatus s = m_fx->sampleStatus();
        const qint64 now = m_fx->clock.nowMs();
        s.streamState = QStringLiteral("connected");
        s.streamEvents = 7;
        s.lastStreamEvent = now - 5'000;
        s.streamChannels = {{QStringLiteral("/data/LeadChangeEvent"), true, 1042},
                            {QStringLiteral("/data/People__ChangeEvent"), false, -2}};
        m_fx->controller->publish(s);
        QTRY_COMPARE(text("streamState"), QStringLiteral("Connected"));
        QCOMPARE(text("streamChannels"), QStringLiteral("/data/LeadChangeEvent"));
        QCOMPARE(text("streamLastEvent"), QStringLiteral("5 s ago (7 event(s) since start)"));
        QCOMPARE(text("streamReplayIds"),
                 QStringLiteral("/data/LeadChangeEvent 1042, /data/People__ChangeEvent -2"));
        auto *notice = m_view->findChild<QLabel *>(QStringLiteral("streamCatchUp"));
        QVERIFY(!notice->isVisible()); // no gap, no notice

        // The stored replayId had expired: the engine caught up by a poll.
        s.streamCatchUpWhy
            = QStringLiteral("the replayId 1042 of /data/LeadChangeEvent is no longer available");
        s.streamCatchUpAt = now - 70'000;
        m_fx->controller->publish(s);
        QTRY_VERIFY(notice->isVisible());
        QCOMPARE(notice->text(), QStringLiteral("Catching up after a gap: ") + s.streamCatchUpWhy);
        s.streamCaughtUpAt = now - 60'000;
        s.streamChannels[1].subscribed = true;
        m_fx->controller->publish(s);
        QTRY_COMPARE(notice->text(),
                     QStringLiteral("Caught up after a gap 1 min ago: ") + s.streamCatchUpWhy);
        QCOMPARE(text("streamChannels"),
                 QStringLiteral("/data/LeadChangeEvent, /data/People__ChangeEvent"));

        // Another process holds the stream.
        s.streamState = QStringLiteral("standby");
        m_fx->controller->publish(s);
        QTRY_COMPARE(text("streamState"),
                     QStringLiteral("Standing by: another process consumes the stream"));
    }

    void withoutTheEngine()
    {
        m_view.reset();
        m_fx->context.controller = nullptr;
        m_view = std::make_unique<ui::DashboardView>(m_fx->context);
        QCOMPARE(text("syncState"), QStringLiteral("Engine not connected"));
        for (const char *name : {"start", "pause", "reconcile"})
            QVERIFY(!button(name)->isEnabled());
    }
};

QTEST_MAIN(TestDashboardView)
#include "TestDashboardView.moc"
