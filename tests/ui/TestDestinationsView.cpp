// The Destinations view through its real widgets, over the engine's own destination parts (a
// real store, a real HTTP client, a receiver on loopback that checks signatures): add one, send
// it a test event, disable it.
#include "ConsoleFixture.h"
#include "destination/DestinationReceiver.h"
#include "destinations/DestinationsView.h"
#include "engine/DestinationParts.h"
#include "net/HttpClient.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

using namespace lb;

namespace {

// The controller's destination commands carried out by the engine's DestinationParts, on this
// thread (the real controller only adds the hop to the worker's thread).
class PartsController final : public SyncController
{
public:
    PartsController(DestinationParts &parts)
        : m_parts(parts)
    { }

    SyncStatus lastStatus() const override { return m_status; }
    void start() override { }
    void pause() override { }
    void resume() override { }
    void reconcileNow() override { }
    void setQueuePaused(bool) override { }
    void retryInbox(const QList<qint64> &) override { }
    void discardInbox(const QList<qint64> &, const QString &) override { }
    void cancelJob(qint64) override { }
    void fetchLive(const QString &) override { }
    void testConnection(const QString &) override { }
    void forgetPerson(const QString &) override { }

    void saveDestination(const QJsonObject &destination) override
    {
        auto d = DestinationConfig::fromJson(destination, QStringLiteral("$"), QStringLiteral("x"));
        if (!d)
            return emit commandFailed(QStringLiteral("saveDestination"), d.error().message);
        if (auto r = m_parts.save(*d, QStringLiteral("test")); !r)
            return emit commandFailed(QStringLiteral("saveDestination"), r.error().message);
        publish();
    }
    void setDestinationEnabled(const QString &name, bool enabled) override
    {
        if (auto r = m_parts.setEnabled(name, enabled, QStringLiteral("test")); !r)
            return emit commandFailed(QStringLiteral("setDestinationEnabled"), r.error().message);
        publish();
    }
    void testDestination(const QString &name) override
    {
        m_parts.test(name, this, [this, name](bool ok, const QString &message) {
            emit destinationTested(name, ok, message);
        });
    }
    void publish()
    {
        m_status.destinations = m_parts.status();
        emit statusChanged(m_status);
    }

private:
    DestinationParts &m_parts;
    SyncStatus m_status;
};

} // namespace

class TestDestinationsView : public QObject
{
    Q_OBJECT

private slots:
    void addTestAndDisableThroughTheWidgets()
    {
        test::ConsoleFixture fx;
        const QString error = fx.setUp(10);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        sandbox::DestinationReceiver receiver("view-secret");
        QVERIFY(receiver.listen());
        qputenv("LEADBRIDGE_DEST_CRM_SYNC_SECRET", "view-secret");

        QNetworkAccessManager nam;
        HttpClient http(&nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        Profile profile;
        profile.name = QStringLiteral("test");
        // Signatures carry the real time (the receiver refuses one 5 minutes off).
        SystemClock clock;
        auto parts = DestinationParts::build(profile, *fx.store, clock, http, {},
                                             QStringLiteral("w"), RetryPolicy {});
        QVERIFY(parts);
        PartsController controller(*parts);
        ui::ConsoleContext context = fx.context;
        context.controller = &controller;
        ui::DestinationsView view(context);
        view.resize(1100, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        auto *table = view.findChild<QTableWidget *>(QStringLiteral("destinationsTable"));
        auto *name = view.findChild<QLineEdit *>(QStringLiteral("destinationName"));
        auto *url = view.findChild<QLineEdit *>(QStringLiteral("destinationUrl"));
        auto *rule = view.findChild<QLineEdit *>(QStringLiteral("destinationRule"));
        auto *ruleState = view.findChild<QLabel *>(QStringLiteral("ruleState"));
        auto *add = view.findChild<QPushButton *>(QStringLiteral("addDestination"));
        auto *testButton = view.findChild<QPushButton *>(QStringLiteral("testDestination"));
        auto *toggle = view.findChild<QPushButton *>(QStringLiteral("toggleDestination"));
        auto *message = view.findChild<QLabel *>(QStringLiteral("destinationMessage"));
        auto *updated = view.findChild<QCheckBox *>(QStringLiteral("event_lead.updated"));
        QVERIFY(table && name && url && rule && ruleState && add && testButton && toggle && message
                && updated);
        QCOMPARE(table->rowCount(), 0);

        // A bad rule is explained as it is typed, and not sent.
        QTest::keyClicks(name, QStringLiteral("crm-sync"));
        QTest::keyClicks(url, receiver.url());
        QTest::keyClicks(rule, QStringLiteral("score >= high"));
        QVERIFY2(ruleState->text().contains(QStringLiteral("needs a number")),
                 qPrintable(ruleState->text()));
        QTest::mouseClick(add, Qt::LeftButton);
        QVERIFY(message->text().contains(QStringLiteral("When:")));
        QCOMPARE(table->rowCount(), 0);

        rule->clear();
        QTest::keyClicks(rule, QStringLiteral("status in [won, working] and score >= 80"));
        QVERIFY(ruleState->text().startsWith(QStringLiteral("OK")));
        // On the box itself (a check box takes clicks on its box and label, not its whole width).
        QTest::mouseClick(updated, Qt::LeftButton, {}, QPoint(6, updated->height() / 2));
        QVERIFY(updated->isChecked());
        QTest::mouseClick(add, Qt::LeftButton);
        QTRY_COMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("crm-sync"));
        QVERIFY(table->item(0, 2)->text().contains(QStringLiteral("lead.updated")));
        // Stored in the profile's JSON form, whose keys come back sorted: the same rule.
        QCOMPARE(table->item(0, 3)->text(),
                 QStringLiteral("score >= 80 and status in [won, working]"));
        QCOMPARE(table->item(0, 4)->text(), QStringLiteral("healthy"));

        // Send a test event: it arrives signed (the receiver checks) at the receiver.
        table->selectRow(0);
        QVERIFY(testButton->isEnabled());
        QTest::mouseClick(testButton, Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(message->text().contains(QStringLiteral("answered 200")),
                                  qPrintable(message->text()), 15'000);
        QCOMPARE(receiver.arrivals().size(), 1);
        QCOMPARE(receiver.arrivals().first().type, QStringLiteral("leadbridge.test"));
        QCOMPARE(receiver.refused(), 0);

        // Disable it: the view shows it, the fan-out leaves it out.
        QCOMPARE(toggle->text(), QStringLiteral("Disable"));
        QTest::mouseClick(toggle, Qt::LeftButton);
        QTRY_COMPARE(table->item(0, 4)->text(), QStringLiteral("disabled"));
        QCOMPARE(toggle->text(), QStringLiteral("Enable"));
        QVERIFY(!parts->fanout.destinations().first().enabled);
        QVERIFY(
            parts->fanout
                .jobsFor({LeadEvent::Created, QStringLiteral("lead:L-1"), QStringLiteral("e1"), 0,
                          QJsonObject {{QStringLiteral("status"), QStringLiteral("won")},
                                       {QStringLiteral("score"), 90}}})
                .isEmpty());
        // It stays disabled in the store (a restart reads it back).
        DestinationStore stored(fx.store->database(), fx.clock);
        auto effective = stored.effective({});
        QVERIFY(effective.ok());
        QCOMPARE(effective->size(), 1);
        QVERIFY(!effective->first().enabled);
        parts->hub->stop();
        qunsetenv("LEADBRIDGE_DEST_CRM_SYNC_SECRET");
    }
};

QTEST_MAIN(TestDestinationsView)
#include "TestDestinationsView.moc"
