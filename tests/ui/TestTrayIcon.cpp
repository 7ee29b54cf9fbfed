// Notifications from the engine reach the admin once, and the tooltip tells the state.
#include "ConsoleFixture.h"
#include "tray/TrayIcon.h"

#include <QMenu>
#include <QSignalSpy>
#include <QTest>

using namespace lb;

class TestTrayIcon : public QObject
{
    Q_OBJECT

private slots:
    void notifiesOnceAndFollowsTheState()
    {
        test::ConsoleFixture fx;
        QVERIFY(fx.setUp(0, false).isEmpty());
        ui::TrayIcon tray(fx.controller.get(), QIcon(), fx.clock);
        QSignalSpy shown(&tray, &ui::TrayIcon::notification);
        emit fx.controller->notify(QStringLiteral("breaker_open"),
                                   QStringLiteral("Salesforce is failing"),
                                   QStringLiteral("The circuit breaker opened."));
        QCOMPARE(shown.size(), 1);
        QCOMPARE(tray.lastTitle(), QStringLiteral("Salesforce is failing"));
        // The same again soon: not repeated.
        emit fx.controller->notify(QStringLiteral("breaker_open"),
                                   QStringLiteral("Salesforce is failing"),
                                   QStringLiteral("The circuit breaker opened."));
        QCOMPARE(shown.size(), 1);
        // Something else: shown.
        emit fx.controller->notify(QStringLiteral("inbox_growing"),
                                   QStringLiteral("Error inbox is growing"),
                                   QStringLiteral("120 items wait."));
        QCOMPARE(shown.size(), 2);
        // The first again, later: shown.
        fx.clock.advanceMs(ui::TrayIcon::RepeatAfterMs + 1);
        emit fx.controller->notify(QStringLiteral("breaker_open"),
                                   QStringLiteral("Salesforce is failing"),
                                   QStringLiteral("The circuit breaker opened."));
        QCOMPARE(shown.size(), 3);

        fx.controller->publish(fx.sampleStatus());
        QTRY_VERIFY(tray.toolTip().contains(QLatin1String("Running")));
        QVERIFY(tray.toolTip().contains(QLatin1String("40 in the queue, 5 in the error inbox")));
        const QList<QAction *> actions = tray.menu()->actions();
        QVERIFY(std::any_of(actions.begin(), actions.end(), [](QAction *a) {
            return a->text() == QLatin1String("Pause syncing");
        }));
        for (QAction *a : actions) {
            if (a->text() == QLatin1String("Pause syncing"))
                a->trigger();
        }
        QCOMPARE(fx.controller->commands.last(), QStringLiteral("pause"));
    }
};

QTEST_MAIN(TestTrayIcon)
#include "TestTrayIcon.moc"
