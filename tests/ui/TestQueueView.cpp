// The sync queue: pending and in-flight jobs, cancel after confirmation, pause deliveries.
#include "ConsoleFixture.h"
#include "common/MessageBox.h"
#include "queue/QueueView.h"
#include "store/models/QueueTableModel.h"

#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace lb;

class TestQueueView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::QueueView> m_view;

    QTableView *table() { return m_view->findChild<QTableView *>(QStringLiteral("queueTable")); }
    QPushButton *button(const char *name)
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }
    int rowWhere(bool cancellable)
    {
        for (int r = 0; r < table()->model()->rowCount(); ++r) {
            if (table()->model()->index(r, 0).data(QueueTableModel::CancellableRole).toBool()
                == cancellable)
                return r;
        }
        return -1;
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(50);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_view = std::make_unique<ui::QueueView>(m_fx->context);
        m_view->resize(1000, 500);
        m_view->show();
        m_view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_fx.reset();
        QCOMPARE(ui::MessageBox::pendingAnswers(), 0);
    }

    void showsPendingAndInFlightJobs()
    {
        QCOMPARE(table()->model()->rowCount(), 40);
        const int inFlight = rowWhere(false);
        QVERIFY(inFlight >= 0);
        QCOMPARE(table()->model()->index(inFlight, QueueTableModel::State).data().toString(),
                 QStringLiteral("in flight"));
        const QString summary = m_view->findChild<QLabel *>(QStringLiteral("queueSummary"))->text();
        QVERIFY2(summary.contains(QLatin1String("in flight")), qPrintable(summary));
        // A job backing off shows its error and next attempt.
        bool backingOff = false;
        for (int r = 0; r < table()->model()->rowCount(); ++r)
            backingOff = backingOff
                || table()
                       ->model()
                       ->index(r, QueueTableModel::LastError)
                       .data()
                       .toString()
                       .startsWith(QLatin1String("REQUEST_LIMIT_EXCEEDED"));
        QVERIFY(backingOff);
    }

    void cancelsAPendingJobAfterConfirmation()
    {
        const int row = rowWhere(true);
        table()->selectRow(row);
        const qint64 id
            = table()->model()->index(row, 0).data(QueueTableModel::IdRole).toLongLong();
        QVERIFY(button("cancelJob")->isEnabled());
        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(button("cancelJob"), Qt::LeftButton);
        QTest::qWait(0);
        QVERIFY(m_fx->controller->cancelled.isEmpty());
        QVERIFY(ui::MessageBox::lastText().contains(QStringLiteral("Cancel job %1").arg(id)));
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Delete);
        QTRY_COMPARE(m_fx->controller->cancelled, QList<qint64> {id});
        QTRY_COMPARE(table()->model()->rowCount(), 39);
        QCOMPARE(m_view->model()->rowOf(id), -1);
    }

    void inFlightJobsCannotBeCancelled()
    {
        table()->selectRow(rowWhere(false));
        QVERIFY(!button("cancelJob")->isEnabled());
        QVERIFY(button("cancelJob")->toolTip().contains(QLatin1String("in flight")));
    }

    void pausesAndResumesDeliveries()
    {
        QTest::mouseClick(button("pauseQueue"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->commands.last(), QStringLiteral("queue paused"));
        QTest::mouseClick(button("pauseQueue"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->commands.last(), QStringLiteral("queue resumed"));
    }
};

QTEST_MAIN(TestQueueView)
#include "TestQueueView.moc"
