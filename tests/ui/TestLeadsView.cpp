// The leads view over a seeded mirror: filters, sorting, persistence, live refresh and a
// lead's detail with live values from the (fake) engine.
#include "ConsoleFixture.h"
#include "common/MessageBox.h"
#include "demo/SampleData.h"
#include "leads/DifferenceDelegate.h"
#include "leads/LeadDetailDialog.h"
#include "leads/LeadsView.h"
#include "store/models/InboxTableModel.h"
#include "store/models/LeadHistoryModel.h"
#include "store/models/LeadsTableModel.h"
#include "store/models/RecordComparisonModel.h"
#include "sync/InboundProcessor.h"
#include "sync/MirrorObservation.h"

#include <QComboBox>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace lb;

class TestLeadsView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::LeadsView> m_view;

    QTableView *table() { return m_view->findChild<QTableView *>(QStringLiteral("leadsTable")); }
    QLineEdit *text() { return m_view->findChild<QLineEdit *>(QStringLiteral("filterText")); }
    QString count() { return m_view->findChild<QLabel *>(QStringLiteral("leadsCount"))->text(); }
    void makeView()
    {
        m_view = std::make_unique<ui::LeadsView>(m_fx->context);
        m_view->resize(1100, 600);
        m_view->show();
        m_view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_view.get()));
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(500);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        makeView();
    }

    void cleanup()
    {
        m_view.reset();
        m_fx.reset();
    }

    void opensWithEveryLeadNewestFirst()
    {
        QCOMPARE(table()->model()->rowCount(), 500);
        QCOMPARE(count(), QStringLiteral("500 lead(s)"));
        // Newest update first: the sample's last lead was updated last.
        QCOMPARE(m_view->model()->platformIdAt(0), QStringLiteral("L-0000500"));
        QCOMPARE(table()->verticalHeader()->sectionResizeMode(0), QHeaderView::Fixed);
    }

    void filtersAsYouTypeFromThreeCharacters()
    {
        QTest::keyClicks(text(), QStringLiteral("Ok"));
        auto *delay = m_view->findChild<QTimer *>(QStringLiteral("searchDelay"));
        QVERIFY(delay && delay->isActive());
        QTRY_VERIFY(!delay->isActive()); // the pause after typing is over...
        QCOMPARE(table()->model()->rowCount(), 500); // ...and two letters wait for Enter
        QTest::keyClicks(text(), QStringLiteral("afor"));
        QTRY_VERIFY(table()->model()->rowCount() < 500);
        const int rows = table()->model()->rowCount();
        QVERIFY(rows > 0);
        for (int r = 0; r < rows; ++r)
            QVERIFY(table()
                        ->model()
                        ->index(r, LeadsTableModel::Name)
                        .data()
                        .toString()
                        .contains(QLatin1String("Okafor")));
        QCOMPARE(count(), QStringLiteral("%1 lead(s)").arg(rows));
        // Short text on Enter.
        text()->setText(QStringLiteral("L-0000042"));
        QTest::keyClick(text(), Qt::Key_Return);
        QCOMPARE(table()->model()->rowCount(), 1);
    }

    void filtersByStatusAndSyncState()
    {
        auto *status = m_view->findChild<QComboBox *>(QStringLiteral("filterStatus"));
        auto *sync = m_view->findChild<QComboBox *>(QStringLiteral("filterSyncState"));
        sync->setCurrentIndex(sync->findData(QStringLiteral("error")));
        emit sync->activated(sync->currentIndex());
        const int errors = table()->model()->rowCount();
        QCOMPARE(errors, 10); // every 50th lead in the sample fails
        for (int r = 0; r < errors; ++r)
            QCOMPARE(table()->model()->index(r, LeadsTableModel::SyncState).data().toString(),
                     QStringLiteral("error"));
        status->setCurrentIndex(status->findData(QStringLiteral("won")));
        emit status->activated(status->currentIndex());
        QVERIFY(table()->model()->rowCount() < errors);
    }

    void sortsByIndexedColumnsOnly()
    {
        QHeaderView *header = table()->horizontalHeader();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(LeadsTableModel::Name) + 5, 5));
        QCOMPARE(m_view->model()->sortColumn(), int(LeadsTableModel::Name));
        const QString first = table()->model()->index(0, LeadsTableModel::Name).data().toString();
        const QString last = table()->model()->index(499, LeadsTableModel::Name).data().toString();
        QVERIFY2(first.section(u' ', -1) <= last.section(u' ', -1),
                 qPrintable(first + u'|' + last));
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(LeadsTableModel::Email) + 5, 5));
        QCOMPARE(m_view->model()->sortColumn(), int(LeadsTableModel::Name));
        QCOMPARE(header->sortIndicatorSection(), int(LeadsTableModel::Name));
    }

    void remembersTheFilter()
    {
        text()->setText(QStringLiteral("garcia"));
        QTest::keyClick(text(), Qt::Key_Return);
        const int rows = table()->model()->rowCount();
        m_view.reset();
        makeView();
        QCOMPARE(text()->text(), QStringLiteral("garcia"));
        QCOMPARE(table()->model()->rowCount(), rows);
    }

    void followsTheEngine()
    {
        QVERIFY(sandbox::SampleData::insertLeads(*m_fx->store, 501, 25, m_fx->clock.nowMs() + 1000)
                    .ok());
        emit m_fx->controller->queueChanged();
        QTRY_COMPARE_WITH_TIMEOUT(table()->model()->rowCount(), 525, 10'000);
        QCOMPARE(count(), QStringLiteral("525 lead(s)"));
    }

    void detailComparesLiveValuesAndShowsHistory()
    {
        // Lead 7 failed in the sample: it has history.
        const QString pid = QStringLiteral("L-0000007");
        m_view->openDetail(pid);
        ui::LeadDetailDialog *detail = m_view->detail();
        QVERIFY(detail);
        QTRY_VERIFY(detail->isVisible());
        auto *history = detail->findChild<QTableView *>(QStringLiteral("history"));
        QVERIFY(history->model()->rowCount() >= 3);
        QCOMPARE(history->model()->index(0, LeadHistoryModel::Event).data().toString(),
                 QStringLiteral("moved_to_inbox"));
        auto *comparison = detail->findChild<QTableView *>(QStringLiteral("comparison"));
        QVERIFY(qobject_cast<ui::DifferenceDelegate *>(comparison->itemDelegate()));
        auto *fetch = detail->findChild<QPushButton *>(QStringLiteral("fetchLive"));
        QVERIFY(fetch->isEnabled());
        QTest::mouseClick(fetch, Qt::LeftButton);
        QCOMPARE(m_fx->controller->fetched, QStringList {pid});
        QVERIFY(!fetch->isEnabled());

        // The engine answers: Salesforce has another last name.
        const QJsonObject lead = sandbox::SampleData::lead(7, 0);
        QJsonObject platform = lead;
        const QJsonObject salesforce {
            {QStringLiteral("Platform_Lead_Id__c"), pid},
            {QStringLiteral("FirstName"), lead.value(QStringLiteral("first_name"))},
            {QStringLiteral("LastName"), QStringLiteral("Renamed-In-Salesforce")},
            {QStringLiteral("Company"), lead.value(QStringLiteral("company"))}};
        emit m_fx->controller->liveFetched(pid, salesforce, platform, QString());
        QTRY_VERIFY(fetch->isEnabled());
        auto *model = static_cast<RecordComparisonModel *>(comparison->model());
        QVERIFY(model->differingRows() > 0);
        int lastName = -1;
        for (int r = 0; r < model->rowCount(); ++r) {
            if (model->index(r, 0).data().toString().endsWith(QLatin1String("(last_name)")))
                lastName = r;
        }
        QVERIFY(model->cellDiffers(lastName, RecordComparisonModel::Salesforce));
        QVERIFY(!model->cellDiffers(lastName, RecordComparisonModel::Platform));
        QVERIFY(detail->findChild<QLabel *>(QStringLiteral("liveState"))
                    ->text()
                    .contains(QLatin1String("differ")));
        // An answer for another lead changes nothing here.
        emit m_fx->controller->liveFetched(QStringLiteral("L-0000008"), {}, {},
                                           QStringLiteral("boom"));
        QVERIFY(model->differingRows() > 0);
    }

    // Erasure (issue 19): the detail's "Forget this person…" asks first (what goes, that it
    // cannot be undone), then asks the engine, shows its answer and the lead is gone.
    void forgetsAPersonOnlyAfterConfirmation()
    {
        const QString pid = QStringLiteral("L-0000007");
        auto record = m_fx->store->leads().byPlatformId(pid);
        QVERIFY(record.ok() && record->has_value());
        const QString email = (*record)->platformState.value(QStringLiteral("email")).toString();
        QVERIFY(!email.isEmpty());
        m_view->openDetail(pid);
        ui::LeadDetailDialog *detail = m_view->detail();
        QVERIFY(detail);
        QTRY_VERIFY(detail->isVisible());
        auto *forget = detail->findChild<QPushButton *>(QStringLiteral("forgetPerson"));
        QVERIFY(forget);
        QVERIFY(forget->isEnabled());

        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(forget, Qt::LeftButton);
        QVERIFY(ui::MessageBox::lastText().contains(QLatin1String("cannot be undone")));
        QVERIFY(ui::MessageBox::lastText().contains(email));
        QVERIFY(ui::MessageBox::lastText().contains(QLatin1String("Salesforce and the platform")));
        QCoreApplication::processEvents();
        QVERIFY(m_fx->controller->forgottenEmails.isEmpty());

        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        ui::MessageBox::setNextAnswer(QMessageBox::Ok); // the box with the engine's answer
        QTest::mouseClick(forget, Qt::LeftButton);
        QTRY_COMPARE(m_fx->controller->forgottenEmails, QStringList {email});
        QTRY_VERIFY(ui::MessageBox::lastText().startsWith(QLatin1String("erasure of 1 person")));
        QVERIFY(!ui::MessageBox::lastText().contains(email));
        auto gone = m_fx->store->leads().byPlatformId(pid);
        QVERIFY(gone.ok());
        QVERIFY(!gone->has_value());
        // The detail now shows what the mirror holds: nothing, and nothing more to forget.
        QTRY_VERIFY(!forget->isEnabled());
    }

    // SALESFORCE_ORG.md, "Lead lifecycle": the list and the detail say which leads were
    // deleted (and where), merged into which lead, or converted; a platform change to a
    // converted lead is audited, and nothing of it reaches the inbox.
    void showsTheLifecycleState()
    {
        const QString deleted = QStringLiteral("L-0000003");
        const QString converted = QStringLiteral("L-0000004");
        const QString merged = QStringLiteral("L-0000005");
        const QString master = QStringLiteral("00Q000000000001AAA");
        const auto change
            = [this](const QString &pid, const std::function<void(MirrorRecord &)> &f) {
                  auto r = m_fx->store->leads().byPlatformId(pid);
                  QVERIFY(r && r->has_value());
                  MirrorRecord record = **r;
                  f(record);
                  QVERIFY(m_fx->store->leads().put({record}).ok());
              };
        change(deleted, [](MirrorRecord &r) { observeDeletion(r, QStringLiteral("platform"), 1); });
        change(converted, [](MirrorRecord &r) {
            r.salesforceState.insert(QStringLiteral("IsConverted"), true);
        });
        change(merged, [&](MirrorRecord &r) {
            observeDeletion(r, QStringLiteral("salesforce"), 1);
            r.mergedInto = master;
        });
        if (QTest::currentTestFailed())
            return;

        // A platform user edits the converted lead: audited, not sent, not an inbox item.
        auto record = m_fx->store->leads().byPlatformId(converted);
        QVERIFY(record && record->has_value());
        QJsonObject lead = (*record)->platformState;
        lead.insert(QStringLiteral("first_name"), QStringLiteral("Edited-After-Conversion"));
        lead.insert(QStringLiteral("updated_at"), QStringLiteral("2030-01-01T00:00:00Z"));
        lead.insert(QStringLiteral("version"), (*record)->platformVersion + 1);
        InboundEvent event;
        event.eventId = QStringLiteral("evt_converted_edit");
        event.source = QStringLiteral("webhook");
        event.type = QStringLiteral("lead.updated");
        event.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), event.eventId},
                                                   {QStringLiteral("type"), event.type},
                                                   {QStringLiteral("data"), lead}})
                            .toJson(QJsonDocument::Compact);
        QVERIFY(*m_fx->store->events().insert(event));
        const qint64 inboxBefore = *m_fx->store->inbox().countOpen();
        SyncPlanner planner(m_fx->context.mapping.lead);
        InboundProcessor inbound(*m_fx->store, planner, QStringLiteral("test"));
        auto stats = inbound.processPending(10);
        QVERIFY(stats.ok());
        QCOMPARE(stats->enqueued, 0);
        QCOMPARE(*m_fx->store->inbox().countOpen(), inboxBefore);
        InboxTableModel inbox(*m_fx->store);
        for (int r = 0; r < inbox.rowCount(); ++r)
            QVERIFY(!inbox.index(r, InboxTableModel::Record).data().toString().contains(converted));
        emit m_fx->controller->queueChanged();

        const auto lifecycleOf = [this](const QString &pid) {
            for (int r = 0; r < m_view->model()->rowCount(); ++r) {
                if (m_view->model()->platformIdAt(r) == pid)
                    return m_view->model()->index(r, LeadsTableModel::Lifecycle).data().toString();
            }
            return QStringLiteral("(no row)");
        };
        QTRY_COMPARE(lifecycleOf(deleted), QStringLiteral("Deleted on the platform"));
        QCOMPARE(lifecycleOf(converted), QStringLiteral("Converted"));
        QCOMPARE(lifecycleOf(merged), QStringLiteral("Merged into ") + master);
        QCOMPARE(lifecycleOf(QStringLiteral("L-0000006")), QString());
        // Beside the status, not at the far right.
        const QHeaderView *header = table()->horizontalHeader();
        QCOMPARE(header->visualIndex(LeadsTableModel::Lifecycle),
                 header->visualIndex(LeadsTableModel::Status) + 1);

        const auto title = [this](const QString &pid) {
            m_view->openDetail(pid);
            return m_view->detail()->findChild<QLabel *>(QStringLiteral("leadTitle"))->text();
        };
        QVERIFY(title(deleted).endsWith(QLatin1String("(Deleted on the platform)")));
        QVERIFY(title(converted).endsWith(QLatin1String("(Converted)")));
        QVERIFY(title(merged).endsWith(QStringLiteral("(Merged into ") + master + u')'));
        // The detail's history has the change that was not sent.
        m_view->openDetail(converted);
        auto *history = m_view->detail()->findChild<QTableView *>(QStringLiteral("history"));
        bool audited = false;
        for (int r = 0; r < history->model()->rowCount(); ++r)
            audited = audited
                || history->model()->index(r, LeadHistoryModel::Event).data().toString()
                    == QLatin1String("not_sent_converted");
        QVERIFY(audited);
    }

    void activatingARowOpensItsDetail()
    {
        table()->setCurrentIndex(table()->model()->index(2, 0));
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Return);
        QTRY_VERIFY(m_view->detail() && m_view->detail()->isVisible());
        QCOMPARE(m_view->detail()->platformId(), m_view->model()->platformIdAt(2));
    }
};

QTEST_MAIN(TestLeadsView)
#include "TestLeadsView.moc"
