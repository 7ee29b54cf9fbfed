// Exports through the console, on its worker thread: a CSV whose hostile cells are neutralised
// and a PDF that pdftotext can read.
#include "ConsoleFixture.h"
#include "common/FileDialog.h"
#include "reports/ReportsView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace lb;

class TestReportsView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::ReportsView> m_view;

    QPushButton *button(const char *name)
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }
    void choose(const char *comboName, int data)
    {
        auto *box = m_view->findChild<QComboBox *>(QLatin1String(comboName));
        box->setCurrentIndex(box->findData(data));
    }
    QString exportTo(const QString &name)
    {
        ui::FileDialog::setNextFileName(m_fx->dir.filePath(name));
        QTest::mouseClick(button("reportBrowse"), Qt::LeftButton);
        auto *path = m_view->findChild<QLineEdit *>(QStringLiteral("reportPath"));
        if (!QTest::qWaitFor([&] { return path->text() == m_fx->dir.filePath(name); }))
            return QStringLiteral("the file dialog answer never arrived");
        QSignalSpy exported(m_view.get(), &ui::ReportsView::exported);
        QTest::mouseClick(button("reportExport"), Qt::LeftButton);
        if (!exported.wait(60'000))
            return QStringLiteral("no answer from the export");
        if (!exported.first().at(0).toBool())
            return m_view->findChild<QLabel *>(QStringLiteral("reportResult"))->text();
        return {};
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(1200);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        MirrorRecord evil;
        evil.platformId = QStringLiteral("L-EVIL");
        evil.platformState = {{QStringLiteral("id"), QStringLiteral("L-EVIL")},
                              {QStringLiteral("first_name"), QStringLiteral("=cmd|' /C calc'!A0")},
                              {QStringLiteral("last_name"), QStringLiteral("@SUM(1+1)")},
                              {QStringLiteral("company"), QStringLiteral("+1+1")},
                              {QStringLiteral("email"), QStringLiteral("-2@x.org")}};
        QVERIFY(m_fx->store->leads().put({evil}).ok());
        m_view = std::make_unique<ui::ReportsView>(m_fx->context);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_fx.reset();
    }

    void exportsLeadsAsNeutralisedCsv()
    {
        choose("reportKind", int(ReportKind::Leads));
        choose("reportFormat", int(ReportFormat::Csv));
        const QString error = exportTo(QStringLiteral("leads"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QFile file(m_fx->dir.filePath(QStringLiteral("leads.csv"))); // extension added
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray csv = file.readAll();
        QCOMPARE(csv.count("\r\n"), 1202); // header + 1,200 sample leads + the hostile one
        QVERIFY(csv.contains("L-EVIL,,'=cmd|' /C calc'!A0,'@SUM(1+1),'+1+1,'-2@x.org,"));
        QVERIFY(!csv.contains(",=cmd"));
        QVERIFY(!csv.contains(",@SUM"));
        auto *progress = m_view->findChild<QProgressBar *>(QStringLiteral("reportProgress"));
        QCOMPARE(progress->value(), progress->maximum());
        QVERIFY(m_view->findChild<QLabel *>(QStringLiteral("reportResult"))
                    ->text()
                    .startsWith(QStringLiteral("Wrote %1 rows").arg(QLocale().toString(1201))));
    }

    void exportsAPdfThatPdftotextReads()
    {
        const QString pdftotext = qEnvironmentVariable("LB_PDFTOTEXT");
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed");
        choose("reportKind", int(ReportKind::Errors));
        choose("reportFormat", int(ReportFormat::Pdf));
        const QString error = exportTo(QStringLiteral("errors.pdf"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString pdf = m_fx->dir.filePath(QStringLiteral("errors.pdf"));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        QProcess p;
        p.start(pdftotext, {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 0);
        const QString text = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(text.contains(QLatin1String("LeadBridge: Errors")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("INVALID_EMAIL_ADDRESS")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("Required fields are missing")));
        QVERIFY(text.contains(QLatin1String("2026-03-02 14:29:")));
        QVERIFY2(text.contains(QLatin1String("REQUIRED_FIELD_MISSING")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("5 rows.")));
        QVERIFY(text.contains(QLatin1String("Page 1")));
    }

    void longPdfsSpanPagesWithTheirHeader()
    {
        const QString pdftotext = qEnvironmentVariable("LB_PDFTOTEXT");
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed");
        choose("reportKind", int(ReportKind::Leads));
        choose("reportFormat", int(ReportFormat::Pdf));
        QVERIFY(exportTo(QStringLiteral("leads.pdf")).isEmpty());
        QProcess p;
        p.start(pdftotext, {m_fx->dir.filePath(QStringLiteral("leads.pdf")), QStringLiteral("-")});
        QVERIFY(p.waitForFinished(60'000));
        const QString text = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY(text.contains(QLatin1String("Page 2")));
        QVERIFY(text.count(QLatin1String("Platform ID")) >= 2); // the header on every page
        QVERIFY(text.contains(QLatin1String("L-EVIL")));
    }

    void rangesAreChecked()
    {
        auto *sinceOn = m_view->findChild<QCheckBox *>(QStringLiteral("reportSinceOn"));
        auto *untilOn = m_view->findChild<QCheckBox *>(QStringLiteral("reportUntilOn"));
        auto *since = m_view->findChild<QDateEdit *>(QStringLiteral("reportSince"));
        auto *until = m_view->findChild<QDateEdit *>(QStringLiteral("reportUntil"));
        sinceOn->setChecked(true);
        untilOn->setChecked(true);
        since->setDate(QDate(2026, 3, 5));
        until->setDate(QDate(2026, 3, 1));
        QTest::mouseClick(button("reportExport"), Qt::LeftButton);
        QVERIFY(!m_view->isExporting());
        QVERIFY(m_view->findChild<QLabel *>(QStringLiteral("reportResult"))
                    ->text()
                    .contains(QLatin1String("after the last")));
        // One day, inclusive, in UTC.
        since->setDate(QDate(2026, 3, 2));
        until->setDate(QDate(2026, 3, 2));
        const ReportRequest r = m_view->request();
        QCOMPARE(r.sinceMs, QDateTime(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(r.untilMs, QDateTime(QDate(2026, 3, 3), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch());
    }
};

QTEST_MAIN(TestReportsView)
#include "TestReportsView.moc"
