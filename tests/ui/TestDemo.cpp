#include "EngineStop.h"
#include "MainWindow.h"
#include "common/MessageBox.h"
#include "demo/DemoEnvironment.h"
#include "mapping/FieldMapping.h"
#include "store/Store.h"
#include "engine/ThreadedSyncController.h"
#include "engine/adapters/EngineSetupFactory.h"

#include <QLabel>
#include <QPushButton>
#include <QTest>

using namespace lb;

class TestDemo : public QObject
{
    Q_OBJECT

private slots:
    void demoShowsProgressAndRetryDeliversAFixedRecord()
    {
        sandbox::DemoEnvironment::Options options;
        options.leads = 300;
        options.agents = 10;
        options.fail503 = 0; // the GUI flow is what is tested here, not the retries
        sandbox::DemoEnvironment demo(options);
        QVERIFY(demo.start().ok());
        // One lead the platform let through with an address Salesforce refuses.
        sandbox::LeadRecord bad = *demo.platform().lead(QStringLiteral("L-000042"));
        bad.email = QStringLiteral("not-an-email");
        demo.platform().seedLead(bad);

        auto store = Store::open(demo.store(), Clock::system(), QStringLiteral("console"));
        QVERIFY(store.ok());
        ThreadedSyncController engine(consoleEngineSetup(
            demo.profile(), demo.store(), *FieldMapping::defaultMapping(), demo.secrets()));
        ui::ConsoleContext ctx;
        ctx.controller = &engine;
        ctx.store = store->get();
        ctx.storeConfig = demo.store();
        ctx.profile = demo.profile();
        ctx.mapping = *FieldMapping::defaultMapping();
        engine.launch();
        engine.start();
        demo.startTraffic();

        ui::MainWindow window(ctx);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The dashboard shows the engine running and records delivered.
        auto *state = window.findChild<QLabel *>(QStringLiteral("syncState"));
        auto *delivered = window.findChild<QLabel *>(QStringLiteral("delivered"));
        QVERIFY(state && delivered);
        QTRY_VERIFY_WITH_TIMEOUT(engine.lastStatus().delivered >= 299, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(state->text(), QStringLiteral("Running"), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            delivered->text() != QLatin1String("0") && !delivered->text().isEmpty(), 10'000);

        // The refused lead is in the inbox, with Salesforce's error.
        window.showView(QStringLiteral("inbox"));
        auto *count = window.findChild<QLabel *>(QStringLiteral("inboxCount"));
        QVERIFY(count);
        QTRY_VERIFY_WITH_TIMEOUT(count->text().startsWith(QLatin1String("1 ")), 30'000);
        auto items = (*store)->inbox().list({});
        QCOMPARE(items->size(), 1);
        QCOMPARE(items->first().errorCode, QStringLiteral("INVALID_EMAIL_ADDRESS"));

        // Fixed at the source; the admin clicks Retry all and confirms.
        demo.stopTraffic();
        bad.email = QStringLiteral("fixed@demo.example");
        demo.platform().seedLead(bad);
        auto *retryAll = window.findChild<QPushButton *>(QStringLiteral("retryAll"));
        QVERIFY(retryAll);
        QTRY_VERIFY(retryAll->isEnabled());
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        QTest::mouseClick(retryAll, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(demo.salesforce()
                                     .recordByExternalId(QStringLiteral("Lead"),
                                                         QStringLiteral("Platform_Lead_Id__c"),
                                                         QStringLiteral("L-000042"))
                                     .has_value(),
                                 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(count->text().startsWith(QLatin1String("0 ")), 30'000);
        QVERIFY(test::stopEngine(engine));
    }
};

QTEST_MAIN(TestDemo)
#include "TestDemo.moc"
