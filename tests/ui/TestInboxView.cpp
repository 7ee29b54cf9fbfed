// The error inbox against the fake engine: Retry sends the right ids and the list follows the
// engine's answer; discarding asks for a reason and a confirmation; counts update live.
#include "ConsoleFixture.h"
#include "common/MessageBox.h"
#include "common/TextPrompt.h"
#include "inbox/InboxView.h"
#include "store/models/InboxTableModel.h"

#include <QComboBox>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace lb;

class TestInboxView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::InboxView> m_view;

    QTableView *table() { return m_view->findChild<QTableView *>(QStringLiteral("inboxTable")); }
    QPushButton *button(const char *name)
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }
    void selectRows(const QList<int> &rows)
    {
        QItemSelection selection;
        for (int r : rows)
            selection.select(table()->model()->index(r, 0),
                             table()->model()->index(r, InboxTableModel::ColumnCount - 1));
        table()->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    }
    QList<qint64> idsOfRows(const QList<int> &rows)
    {
        QList<qint64> ids;
        for (int r : rows)
            ids.append(table()->model()->index(r, 0).data(InboxTableModel::IdRole).toLongLong());
        return ids;
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(300);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_view = std::make_unique<ui::InboxView>(m_fx->context);
        m_view->resize(1000, 600);
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

    void showsOpenItemsAndTheirPayload()
    {
        QCOMPARE(table()->model()->rowCount(), 5);
        QCOMPARE(m_view->findChild<QLabel *>(QStringLiteral("inboxCount"))->text(),
                 QStringLiteral("5 open item(s)"));
        selectRows({0});
        const QString payload
            = m_view->findChild<QPlainTextEdit *>(QStringLiteral("payload"))->toPlainText();
        QVERIFY2(payload.contains(QLatin1String("Payload:")), qPrintable(payload));
        QVERIFY(payload.contains(QLatin1String("\"platform_id\"")));
        QVERIFY(payload.contains(QLatin1String("Error (")));
    }

    void retrySendsTheSelectedIdsAndTheListFollows()
    {
        selectRows({1, 3});
        const QList<qint64> ids = idsOfRows({1, 3});
        QVERIFY(button("retry")->isEnabled());
        QTest::mouseClick(button("retry"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->retried.size(), 1);
        QCOMPARE(m_fx->controller->retried.first(), ids);
        // The engine answers with inboxChanged; retried items leave the "open" list.
        QTRY_COMPARE(table()->model()->rowCount(), 3);
        auto *model = m_view->model();
        for (qint64 id : ids)
            QCOMPARE(model->rowOf(id), -1);
        QTRY_COMPARE(m_view->findChild<QLabel *>(QStringLiteral("inboxCount"))->text(),
                     QStringLiteral("3 open item(s)"));
        // They show under "Retried".
        auto *state = m_view->findChild<QComboBox *>(QStringLiteral("inboxState"));
        state->setCurrentIndex(state->findData(InboxState::Retried));
        emit state->activated(state->currentIndex());
        QCOMPARE(table()->model()->rowCount(), 2);
        QVERIFY(!button("retry")->isEnabled()
                || table()->selectionModel()->selectedRows().isEmpty());
    }

    void retryOneWithTheKeyboard()
    {
        selectRows({0});
        const QList<qint64> ids = idsOfRows({0});
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(m_fx->controller->retried, QList<QList<qint64>> {ids});
        QTRY_COMPARE(table()->model()->rowCount(), 4);
    }

    void retryAllAsksFirst()
    {
        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(button("retryAll"), Qt::LeftButton);
        QTest::qWait(0);
        QVERIFY(m_fx->controller->retried.isEmpty());
        QVERIFY(ui::MessageBox::lastText().contains(QLatin1String("all 5 open items")));
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("retryAll"), Qt::LeftButton);
        QTRY_COMPARE(m_fx->controller->retried.size(), 1);
        QVERIFY(m_fx->controller->retried.first().isEmpty()); // empty = every open item
        QTRY_COMPARE(table()->model()->rowCount(), 0);
        QVERIFY(!button("retryAll")->isEnabled());
    }

    void discardNeedsAReasonAndAConfirmation()
    {
        selectRows({0, 2});
        const QList<qint64> ids = idsOfRows({0, 2});
        // No reason: nothing happens.
        ui::TextPrompt::setNextText(QString());
        QTest::mouseClick(button("discard"), Qt::LeftButton);
        QTest::qWait(0);
        QVERIFY(m_fx->controller->discarded.isEmpty());
        // A reason, then "no" at the confirmation: nothing happens.
        ui::TextPrompt::setNextText(QStringLiteral("duplicate leads"));
        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(button("discard"), Qt::LeftButton);
        QTRY_COMPARE(ui::MessageBox::pendingAnswers(), 0);
        QTest::qWait(0);
        QVERIFY(m_fx->controller->discarded.isEmpty());
        // A reason and "yes".
        ui::TextPrompt::setNextText(QStringLiteral("duplicate leads"));
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("discard"), Qt::LeftButton);
        QTRY_COMPARE(m_fx->controller->discarded.size(), 1);
        QCOMPARE(m_fx->controller->discarded.first().first, ids);
        QCOMPARE(m_fx->controller->discarded.first().second, QStringLiteral("duplicate leads"));
        QVERIFY(ui::MessageBox::lastText().contains(QLatin1String("Discard 2 item(s)?")));
        QTRY_COMPARE(table()->model()->rowCount(), 3);
        auto item = m_fx->store->inbox().get(ids.first());
        QVERIFY(item.ok());
        QCOMPARE(item->state, InboxState::Discarded);
        QCOMPARE(item->resolution, QStringLiteral("duplicate leads"));
    }

    void countsFollowNewFailures()
    {
        QSignalSpy counts(m_view.get(), &ui::InboxView::openCountChanged);
        NewJob job {QStringLiteral("late"),
                    QStringLiteral("sf.lead.upsert"),
                    JobTarget::Salesforce,
                    QStringLiteral("lead:L-0000999"),
                    QByteArrayLiteral("{\"platform_id\":\"L-0000999\"}"),
                    0,
                    0,
                    false};
        QVERIFY(m_fx->store->outbox()
                    .park(job, ErrorClass::Validation, QStringLiteral("REQUIRED_FIELD_MISSING"),
                          QStringLiteral("Required fields are missing: [LastName]"),
                          QStringLiteral("engine"))
                    .ok());
        emit m_fx->controller->inboxChanged();
        QTRY_COMPARE(table()->model()->rowCount(), 6);
        QTRY_COMPARE(counts.last().first().toLongLong(), qint64(6));
    }

    void textFilter()
    {
        auto *filter = m_view->findChild<QLineEdit *>(QStringLiteral("inboxFilter"));
        filter->setText(QStringLiteral("INVALID_EMAIL"));
        QTest::keyClick(filter, Qt::Key_Return);
        QCOMPARE(table()->model()->rowCount(), 1);
        filter->clear();
        QCOMPARE(table()->model()->rowCount(), 5);
    }

    void commandsNeedTheEngine()
    {
        m_view.reset();
        m_fx->context.controller = nullptr;
        m_view = std::make_unique<ui::InboxView>(m_fx->context);
        m_view->show();
        selectRows({0});
        QVERIFY(!button("retry")->isEnabled());
        QVERIFY(!button("discard")->isEnabled());
        QVERIFY(!button("retryAll")->isEnabled());
        QVERIFY(button("retry")->toolTip().contains(QLatin1String("not connected")));
    }
};

QTEST_MAIN(TestInboxView)
#include "TestInboxView.moc"
