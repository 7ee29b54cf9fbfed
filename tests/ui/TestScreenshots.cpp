// Every view of the console with realistic data, rendered to PNG files in the build folder
// (LB_SCREENSHOT_DIR) for review and the README; and every control named for assistive
// technology.
#include "ConsoleFixture.h"
#include "MainWindow.h"
#include "demo/SampleData.h"
#include "import/ImportView.h"
#include "leads/LeadDetailDialog.h"
#include "leads/LeadsView.h"
#include "profiles/ProfilePicker.h"
#include "setup/SetupWizard.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>

using namespace lb;

namespace {

bool isControl(const QWidget *w)
{
    return qobject_cast<const QAbstractButton *>(w) || qobject_cast<const QLineEdit *>(w)
        || qobject_cast<const QComboBox *>(w) || qobject_cast<const QAbstractItemView *>(w)
        || qobject_cast<const QAbstractSpinBox *>(w) || qobject_cast<const QProgressBar *>(w)
        || qobject_cast<const QPlainTextEdit *>(w) || qobject_cast<const QAbstractSlider *>(w)
        || qobject_cast<const QChartView *>(w);
}

// Parts Qt builds inside a control (a combo box's line edit, a table's header and corner
// button, scroll bars) are named by the control they belong to.
bool isInsideAControl(const QWidget *w, const QWidget *top)
{
    for (const QWidget *p = w->parentWidget(); p && p != top; p = p->parentWidget()) {
        if (p->objectName().startsWith(QLatin1String("qt_")) || qobject_cast<const QComboBox *>(p)
            || qobject_cast<const QAbstractSpinBox *>(p)
            || qobject_cast<const QAbstractItemView *>(p) || qobject_cast<const QLineEdit *>(p)
            || qobject_cast<const QChartView *>(p))
            return true;
    }
    return w->objectName().startsWith(QLatin1String("qt_"));
}

QStringList unnamedControls(const QWidget *top)
{
    QStringList missing;
    for (const QWidget *w : top->findChildren<QWidget *>()) {
        if (!isControl(w) || isInsideAControl(w, top))
            continue;
        if (w->accessibleName().trimmed().isEmpty())
            missing.append(
                QStringLiteral("%1 \"%2\" in %3")
                    .arg(QLatin1String(w->metaObject()->className()), w->objectName(),
                         w->parentWidget() ? w->parentWidget()->objectName() : QString()));
    }
    return missing;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<ui::MainWindow> m_window;
    QDir m_out;

    QString save(QWidget *w, const QString &name)
    {
        const QImage image = w->grab().toImage();
        if (image.isNull() || image.width() < 200 || image.height() < 150)
            return QStringLiteral("%1: nothing rendered").arg(name);
        const QString path = m_out.filePath(name + QStringLiteral(".png"));
        if (!image.save(path))
            return QStringLiteral("%1: cannot write %2").arg(name, path);
        return {};
    }

private slots:
    void initTestCase()
    {
        const QString dir = qEnvironmentVariable(
            "LB_SCREENSHOT_DIR", QDir::current().filePath(QStringLiteral("screenshots")));
        QVERIFY(QDir().mkpath(dir));
        m_out = QDir(dir);
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(2000);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_fx->controller->publish(m_fx->sampleStatus());
        m_window = std::make_unique<ui::MainWindow>(m_fx->context);
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY(m_window->findChild<QWidget *>(QStringLiteral("dashboard")));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_fx.reset();
    }

    void everyView_data()
    {
        QTest::addColumn<QString>("name");
        // (the window is built in initTestCase; the list is the window's own)
        for (const QString &name :
             {QStringLiteral("dashboard"), QStringLiteral("leads"), QStringLiteral("queue"),
              QStringLiteral("inbox"), QStringLiteral("limits"), QStringLiteral("credentials"),
              QStringLiteral("destinations"), QStringLiteral("mapping"), QStringLiteral("reports"),
              QStringLiteral("import"), QStringLiteral("fleet")})
            QTest::newRow(qPrintable(name)) << name;
    }

    void everyView()
    {
        QFETCH(QString, name);
        QVERIFY(m_window->viewNames().contains(name));
        if (name == QLatin1String("import")) {
            // A file with a few bad rows, so the preview has something to show.
            const QString csv = m_fx->dir.filePath(QStringLiteral("trade-show.csv"));
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("First Name,Last Name,Company,E-mail,Phone,Lead Source\r\n"
                    "Ann,Smith,Acme Roofing,ann@acme.example,+1 415 555 0100,web\r\n"
                    "Bob,Jones,Globex,bob@@globex,+1 415 555 0101,partner\r\n"
                    "Cy,,Initech,cy@initech.example,,phone\r\n"
                    "Di,Lee,\"Umbrella, Inc.\",di@umbrella.example,+44 20 7946 0000,list\r\n"
                    "Ed,Ng,Hooli,ed@hooli.example,,referral\r\n");
            f.close();
            auto *import = static_cast<ui::ImportView *>(m_window->view(name));
            QSignalSpy checked(import, &ui::ImportView::checked);
            import->openFile(csv);
            QVERIFY(checked.wait(30'000));
        }
        m_window->showView(name);
        QCOMPARE(m_window->currentView(), name);
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        if (auto *chart = m_window->findChild<QChartView *>(QStringLiteral("usageChart"));
            chart && name == QLatin1String("limits")) {
            // Qt Charts lays out axes and legend a moment after the first show.
            QTRY_VERIFY(chart->chart()->plotArea().left() > 30
                        && chart->chart()->legend()->geometry().height() > 0);
        }
        if (name == QLatin1String("credentials")) {
            auto *state = m_window->findChild<QLabel *>(QStringLiteral("state_platform_api_key"));
            QTRY_COMPARE(state->text(), QStringLiteral("not set")); // the keychain answered
        }
        const QString error = save(m_window.get(), name);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(QFile(m_out.filePath(name + QStringLiteral(".png"))).size() > 10'000);
    }

    void leadDetail()
    {
        m_window->showView(QStringLiteral("leads"));
        auto *leads = static_cast<ui::LeadsView *>(m_window->view(QStringLiteral("leads")));
        const QString pid = QStringLiteral("L-0000007");
        leads->openDetail(pid);
        ui::LeadDetailDialog *detail = leads->detail();
        QVERIFY(detail);
        detail->resize(960, 560);
        QVERIFY(QTest::qWaitForWindowExposed(detail));
        detail->fetchLive();
        const QJsonObject lead = sandbox::SampleData::lead(7, 0);
        QJsonObject platform = lead;
        platform.insert(QStringLiteral("score"), 91);
        const QJsonObject salesforce {
            {QStringLiteral("Platform_Lead_Id__c"), pid},
            {QStringLiteral("FirstName"), lead.value(QStringLiteral("first_name"))},
            {QStringLiteral("LastName"), lead.value(QStringLiteral("last_name"))},
            {QStringLiteral("Company"), lead.value(QStringLiteral("company"))},
            {QStringLiteral("Email"), QStringLiteral("ann@@example")},
            {QStringLiteral("Phone"), lead.value(QStringLiteral("phone"))},
            {QStringLiteral("Status"), QStringLiteral("Working - Contacted")},
            {QStringLiteral("LeadSource"), QStringLiteral("Web")},
            {QStringLiteral("Lead_Score__c"), 91},
            {QStringLiteral("Estimated_Value__c"), lead.value(QStringLiteral("value"))},
            {QStringLiteral("Eligible_For_Distribution__c"),
             lead.value(QStringLiteral("eligible"))},
            {QStringLiteral("Assigned_Agent__r"),
             QJsonObject {{QStringLiteral("Platform_Agent_Id__c"),
                           lead.value(QStringLiteral("agent_id"))}}}};
        emit m_fx->controller->liveFetched(pid, salesforce, platform, QString());
        QTest::qWait(0);
        const QString error = save(detail, QStringLiteral("lead-detail"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QStringList missing = unnamedControls(detail);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u'\n')));
        detail->close();
    }

    // File > Profiles with a few profiles besides the open one.
    void profilePicker()
    {
        const ProfileCatalog catalog;
        QDir(catalog.folder()).removeRecursively();
        for (const char *name : {"production", "staging-sandbox"})
            QVERIFY(catalog.create(QLatin1String(name)).ok());
        m_window->showProfiles();
        auto *picker = m_window->findChild<ui::ProfilePicker *>();
        QVERIFY(picker);
        QVERIFY(QTest::qWaitForWindowExposed(picker));
        const QString error = save(picker, QStringLiteral("profiles"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QStringList missing = unnamedControls(picker);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u'\n')));
        picker->close();
    }

    // The first-run setup's first page, as a new admin sees it.
    void firstRunSetup()
    {
        ui::SetupWizard setup(
            *m_fx->credentials, [](const QUrl &) { return false; }, 60'000,
            m_fx->dir.filePath(QStringLiteral("setup-profiles")));
        setup.show();
        QVERIFY(QTest::qWaitForWindowExposed(&setup));
        const QString error = save(&setup, QStringLiteral("setup"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QStringList missing = unnamedControls(&setup);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u'\n')));
    }

    void everyControlHasAnAccessibleName()
    {
        const QStringList missing = unnamedControls(m_window.get());
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u'\n')));
    }
};

QTEST_MAIN(TestScreenshots)
#include "TestScreenshots.moc"
