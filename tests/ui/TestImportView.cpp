// CSV import through the console: the preview flags bad rows with their line numbers, columns
// can be re-matched, a dry run stores nothing, an import delivers through the sync queue.
#include "ConsoleFixture.h"
#include "common/FileDialog.h"
#include "common/MessageBox.h"
#include "import/ImportView.h"
#include "sync/JobKinds.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace lb;

namespace {

const QByteArray Mixed = "Platform ID,First Name,Last Name,E-mail,Shoe size\r\n"
                         "L-9001,Ann,Smith,ann@acme.com,38\r\n" // line 2: fine
                         "L-9002,Bob,Jones,bob@@globex,44\r\n" // line 3: bad email
                         "L-9003,Cy,,cy@x.org,40\r\n" // line 4: no last name
                         "L-9004,Di,\"Lee\"z,di@x.org,39\r\n" // line 5: broken quoting
                         "L-9005,Ed,\"Ng\r\nJr.\",ed@x.org,42\r\n" // lines 6-7: fine
                         "L-9006,Flo,Park,flo@x.org,37\r\n"; // line 8: fine

} // namespace

class TestImportView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::ImportView> m_view;

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_fx->dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(bytes);
        return path;
    }
    QTableWidget *issues()
    {
        return m_view->findChild<QTableWidget *>(QStringLiteral("importIssues"));
    }
    QPushButton *button(const char *name)
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }
    QString issueAt(int line)
    {
        for (int r = 0; r < issues()->rowCount(); ++r) {
            if (issues()->item(r, 0)->data(Qt::DisplayRole).toInt() == line)
                return issues()->item(r, 2)->text();
        }
        return {};
    }
    void choose(const QString &path)
    {
        QSignalSpy checked(m_view.get(), &ui::ImportView::checked);
        ui::FileDialog::setNextFileName(path);
        QTest::mouseClick(button("importBrowse"), Qt::LeftButton);
        QVERIFY(checked.wait(30'000));
    }

    QLabel *status() { return m_view->findChild<QLabel *>(QStringLiteral("importResult")); }
    QProgressBar *bar()
    {
        return m_view->findChild<QProgressBar *>(QStringLiteral("importProgress"));
    }

    // An import above sync.bulk_threshold (2 here, the file has 3 valid rows), delivered, and
    // the engine's part as SalesforceBulkDelivery plays it: the job stored before the upload,
    // then one poll's counters.
    void startBulkImport(const QString &jobId)
    {
        m_view.reset();
        m_fx->context.profile.sync.bulkThreshold = 2;
        m_view = std::make_unique<ui::ImportView>(m_fx->context);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        choose(write(QStringLiteral("mixed.csv"), Mixed));
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("importRun"), Qt::LeftButton);
        QTRY_VERIFY2(status()->text().contains(QLatin1String("Waiting for the engine")),
                     qPrintable(status()->text()));
        QVERIFY(button("importCancel")->isEnabled());

        IngestJob job;
        job.jobId = jobId;
        job.kind = jobs::SalesforceLeadUpsert;
        for (int i = 1; i <= 3; ++i)
            job.items.append({i, QStringLiteral("L-900%1").arg(i), "hash"});
        QVERIFY(m_fx->store->ingestJobs().add(job));
        QTRY_VERIFY2(
            status()->text().contains(
                QStringLiteral("Bulk job %1: 0 of 3 processed, 0 failed (Open)").arg(jobId)),
            qPrintable(status()->text()));
        QCOMPARE(bar()->value(), 0);
        QVERIFY(
            m_fx->store->ingestJobs().recordProgress(jobId, QStringLiteral("InProgress"), 1, 0));
        QTRY_COMPARE(bar()->value(), 33);
        QVERIFY2(
            status()->text().contains(QLatin1String("1 of 3 processed, 0 failed (InProgress)")),
            qPrintable(status()->text()));
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(0, false);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_view = std::make_unique<ui::ImportView>(m_fx->context);
        m_view->resize(1100, 700);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_fx.reset();
        QCOMPARE(ui::MessageBox::pendingAnswers(), 0);
    }

    void previewFlagsBadRowsWithLineNumbers()
    {
        choose(write(QStringLiteral("mixed.csv"), Mixed));
        QCOMPARE(m_view->report().rows, 6);
        QCOMPARE(m_view->report().validRows, 3);
        QVERIFY2(issueAt(3).contains(QLatin1String("invalid email address")),
                 qPrintable(issueAt(3)));
        QVERIFY(issueAt(4).contains(QLatin1String("Required fields are missing: [LastName]")));
        QVERIFY(issueAt(5).contains(QLatin1String("closing quote")));
        QVERIFY(issueAt(2).isEmpty());
        QVERIFY(issueAt(6).isEmpty());
        // The preview: rows by line number, refused ones marked.
        auto *preview = m_view->findChild<QTableWidget *>(QStringLiteral("importPreview"));
        QCOMPARE(preview->rowCount(), 6);
        QCOMPARE(preview->verticalHeaderItem(4)->text(), QStringLiteral("6"));
        QVERIFY(!preview->verticalHeaderItem(1)->icon().isNull());
        QVERIFY(preview->verticalHeaderItem(0)->icon().isNull());
        QCOMPARE(preview->item(4, 2)->text(), QStringLiteral("Ng\nJr."));
        // Columns matched by name; the unknown one is left out.
        auto *shoe = m_view->findChild<QComboBox *>(QStringLiteral("importField4"));
        QCOMPARE(shoe->currentData().toString(), QString());
        auto *email = m_view->findChild<QComboBox *>(QStringLiteral("importField3"));
        QCOMPARE(email->currentData().toString(), QStringLiteral("email"));
        const QString summary
            = m_view->findChild<QLabel *>(QStringLiteral("importSummary"))->text();
        QVERIFY2(summary.contains(QLatin1String("6 row(s), 3 valid, 3 with problems")),
                 qPrintable(summary));
        QVERIFY(summary.contains(QLatin1String("Shoe size")));
        QVERIFY(button("importRun")->isEnabled());
    }

    void rematchingAColumnChecksAgain()
    {
        choose(write(QStringLiteral("mixed.csv"), Mixed));
        auto *email = m_view->findChild<QComboBox *>(QStringLiteral("importField3"));
        QSignalSpy checked(m_view.get(), &ui::ImportView::checked);
        email->setCurrentIndex(0); // not imported
        emit email->activated(0);
        QVERIFY(checked.wait(30'000));
        QCOMPARE(m_view->report().validRows, 4); // the bad email no longer counts
        auto *last = m_view->findChild<QComboBox *>(QStringLiteral("importField2"));
        last->setCurrentIndex(0);
        emit last->activated(0);
        QVERIFY(checked.wait(30'000));
        QVERIFY2(m_view->report().fileError.contains(QLatin1String("last_name")),
                 qPrintable(m_view->report().fileError + m_view->report().columnFields.join(u',')));
        QVERIFY(!button("importRun")->isEnabled());
    }

    void dryRunThenImport()
    {
        choose(write(QStringLiteral("mixed.csv"), Mixed));
        QSignalSpy finished(m_view.get(), &ui::ImportView::finished);
        QTest::mouseClick(button("importDryRun"), Qt::LeftButton);
        QVERIFY(finished.wait(30'000));
        QVERIFY(finished.last().at(1).toString().startsWith(QLatin1String("Dry run: 3 lead(s)")));
        QCOMPARE(*m_fx->store->events().count(), qint64(0));

        ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
        QTest::mouseClick(button("importRun"), Qt::LeftButton);
        QTRY_COMPARE(ui::MessageBox::pendingAnswers(), 0);
        QVERIFY(ui::MessageBox::lastText().contains(QLatin1String("3 row(s) with problems")));
        QCOMPARE(*m_fx->store->events().count(), qint64(0));

        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(button("importRun"), Qt::LeftButton);
        QVERIFY(finished.wait(30'000));
        QVERIFY(finished.last().at(0).toBool());
        QVERIFY2(finished.last().at(1).toString().startsWith(QLatin1String("Delivered 3 lead(s)")),
                 qPrintable(finished.last().at(1).toString()));
        auto events = m_fx->store->events().pending(10);
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 3);
        QCOMPARE(events->first().source, QStringLiteral("import"));
    }

    // The progress bar and status follow the bulk job's counters; the summary comes once the
    // engine recorded the job's results.
    void bulkImportShowsItsJobsCounters()
    {
        const QString id = QStringLiteral("750000000000001AAA");
        startBulkImport(id);
        if (QTest::currentTestFailed())
            return;
        QSignalSpy finished(m_view.get(), &ui::ImportView::finished);
        QVERIFY(m_fx->store->ingestJobs().recordProgress(id, QStringLiteral("JobComplete"), 3, 1));
        QTRY_COMPARE(bar()->value(), 100);
        QVERIFY(finished.isEmpty()); // its results are not recorded yet
        QVERIFY(m_fx->store->ingestJobs().finish(id));
        QVERIFY(finished.wait(30'000));
        QVERIFY(finished.last().at(0).toBool());
        const QString text = finished.last().at(1).toString();
        QVERIFY2(text.contains(QLatin1String("Delivered 3 lead(s)")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("3 of 3 rows processed by Salesforce, 1 failed")),
                 qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("1 failed row(s) are in the inbox")),
                 qPrintable(text));
        QCOMPARE(status()->text(), text);
        QCOMPARE(bar()->value(), 100);
        QVERIFY(!button("importCancel")->isEnabled());
        QVERIFY(button("importRun")->isEnabled());
    }

    // Cancel while the job runs: the engine is asked (through the store) to abort it at
    // Salesforce; the view ends once the aborted job's results are recorded.
    void cancellingABulkImportAbortsItsJob()
    {
        const QString id = QStringLiteral("750000000000002AAA");
        startBulkImport(id);
        if (QTest::currentTestFailed())
            return;
        QSignalSpy finished(m_view.get(), &ui::ImportView::finished);
        QTest::mouseClick(button("importCancel"), Qt::LeftButton);
        QTRY_VERIFY([&] {
            auto asked = m_fx->store->ingestJobs().abortRequested(id);
            return asked && *asked;
        }());
        QTRY_VERIFY2(status()->text().contains(QLatin1String("Cancelling")),
                     qPrintable(status()->text()));
        QVERIFY(m_fx->store->ingestJobs().recordProgress(id, QStringLiteral("Aborted"), 1, 0));
        QVERIFY(m_fx->store->ingestJobs().finish(id));
        QVERIFY(finished.wait(30'000));
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(finished.last().at(1).toString().contains(QLatin1String("Cancelled")),
                 qPrintable(finished.last().at(1).toString()));
        QCOMPARE(bar()->value(), 33);
    }

    void unterminatedQuoteBlocksTheImport()
    {
        choose(
            write(QStringLiteral("broken.csv"),
                  "id,last_name,email\nL-1,Ann,a@x.org\nL-2,\"Smith,b@x.org\nL-3,Lee,c@x.org\n"));
        QVERIFY(m_view->report().fileError.startsWith(QLatin1String("Line 3:")));
        QVERIFY(issueAt(3).contains(QLatin1String("never closed")));
        QVERIFY(!button("importRun")->isEnabled());
        QVERIFY(!button("importDryRun")->isEnabled());
    }

    void unreadableFileSaysSo()
    {
        QSignalSpy finished(m_view.get(), &ui::ImportView::finished);
        ui::FileDialog::setNextFileName(m_fx->dir.filePath(QStringLiteral("missing.csv")));
        QTest::mouseClick(button("importBrowse"), Qt::LeftButton);
        QVERIFY(finished.wait(30'000));
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY(m_view->findChild<QLabel *>(QStringLiteral("importResult"))
                    ->text()
                    .contains(QLatin1String("Cannot read")));
    }
};

QTEST_MAIN(TestImportView)
#include "TestImportView.moc"
