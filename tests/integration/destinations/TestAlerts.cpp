#include "DestinationWorld.h"
#include "sync/AlertMonitor.h"
#include "sync/JobKinds.h"

#include <QTest>

using namespace lb;
using sandbox::DestinationReceiver;

namespace {

AlertConfig alertTo(const QString &name, const QString &format, const DestinationReceiver &r)
{
    AlertConfig a;
    a.name = name;
    a.format = format;
    a.url = QUrl(r.url());
    return a;
}

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT

private slots:
    // A destination's breaker opens (it is down) and closes (it is back): PagerDuty gets one
    // trigger and one resolve with the same dedup key, Slack two messages, however often the
    // breaker tried in between.
    void breakerOpenAndCloseIsOneIncident()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        auto *down = w.addDestination(QStringLiteral("down"), {LeadEvent::Created}, {}, "s", why);
        QVERIFY2(down, qPrintable(why));
        down->setMode(DestinationReceiver::Mode::Fail);
        DestinationReceiver pagerDuty, slack;
        QVERIFY(pagerDuty.listen());
        QVERIFY(slack.listen());
        const QList<AlertConfig> receivers {
            alertTo(QStringLiteral("on-call"), QStringLiteral("pagerduty"), pagerDuty),
            alertTo(QStringLiteral("ops-chat"), QStringLiteral("slack"), slack)};
        AlertMonitor monitor(*w.store, AlertBook(QStringLiteral("test"), receivers), {}, w.clock);

        DestinationHub::Options options;
        options.retry.baseMs = 10;
        options.retry.capMs = 50;
        options.retry.maxAttempts = 1000;
        options.breaker.windowSize = 5;
        options.breaker.openMs = 100;
        options.idleMs = 20;
        w.startHub(options);
        w.hub->addAlertReceiver(receivers.at(0), "routing-key-1");
        w.hub->addAlertReceiver(receivers.at(1), {});
        connect(w.hub.get(), &DestinationHub::breakerChanged, &monitor,
                &AlertMonitor::breakerChanged);

        for (int i = 0; i < 20; ++i)
            QVERIFY(w.storeEvent(DestinationWorld::lead(i, 1, QStringLiteral("new"), 10),
                                 QStringLiteral("e%1").arg(i)));
        QCOMPARE(w.takeIn(why), 20);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.book().isOpen(QStringLiteral("breaker:down")), 30'000);
        const QString key = monitor.book().dedupKey(QStringLiteral("breaker:down"));
        QTRY_COMPARE_WITH_TIMEOUT(pagerDuty.arrivals().size(), 1, 30'000);
        // Let it try (and fail) a few more times while open: still one incident.
        QTRY_VERIFY_WITH_TIMEOUT(down->failedOnPurpose() >= 8, 30'000);
        down->setMode(DestinationReceiver::Mode::Healthy);
        QTRY_COMPARE_WITH_TIMEOUT(down->arrivals().size(), 20, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(pagerDuty.arrivals().size(), 2, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(slack.arrivals().size(), 2, 30'000);
        QVERIFY(!monitor.book().isOpen(QStringLiteral("breaker:down")));

        const QJsonObject trigger = pagerDuty.arrivals().at(0).body;
        const QJsonObject resolve = pagerDuty.arrivals().at(1).body;
        QCOMPARE(trigger.value(QStringLiteral("event_action")).toString(),
                 QStringLiteral("trigger"));
        QCOMPARE(resolve.value(QStringLiteral("event_action")).toString(),
                 QStringLiteral("resolve"));
        QCOMPARE(trigger.value(QStringLiteral("dedup_key")).toString(), key);
        QCOMPARE(resolve.value(QStringLiteral("dedup_key")).toString(), key);
        QCOMPARE(trigger.value(QStringLiteral("routing_key")).toString(),
                 QStringLiteral("routing-key-1"));
        QVERIFY(trigger.value(QStringLiteral("payload"))
                    .toObject()
                    .value(QStringLiteral("summary"))
                    .toString()
                    .contains(QStringLiteral("down")));
        QVERIFY(slack.arrivals()
                    .at(0)
                    .body.value(QStringLiteral("text"))
                    .toString()
                    .contains(QStringLiteral("circuit breaker open for down")));
        QVERIFY(slack.arrivals()
                    .at(1)
                    .body.value(QStringLiteral("text"))
                    .toString()
                    .contains(QStringLiteral("resolved")));
        // The routing key is a secret: it is added as the alert leaves, never stored.
        auto stored = w.store->outbox().active(500);
        QVERIFY(stored.ok());
        auto q = w.store->database().run(
            QStringLiteral("test.alertPayloads"),
            QStringLiteral("SELECT COUNT(*) FROM outbox WHERE kind = ? AND payload LIKE ?"),
            {jobs::AlertNotice, QStringLiteral("%routing-key-1%")});
        QVERIFY(q.ok());
        QVERIFY((*q)->next());
        QCOMPARE((*q)->value(0).toInt(), 0);
        (*q)->finish();
        w.hub->stop();
    }

    // 100 inbox items past the threshold: one alert, not 100; back under it: one resolve.
    void inboxPastThresholdIsOneAlert()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        DestinationReceiver slack;
        QVERIFY(slack.listen());
        const QList<AlertConfig> receivers {
            alertTo(QStringLiteral("ops-chat"), QStringLiteral("slack"), slack)};
        AlertMonitor::Thresholds thresholds;
        thresholds.inboxAbove = 5;
        AlertMonitor monitor(*w.store, AlertBook(QStringLiteral("test"), receivers), thresholds,
                             w.clock);
        w.startHub({});
        w.hub->addAlertReceiver(receivers.first(), {});

        for (int i = 0; i < 105; ++i) {
            NewJob job;
            job.kind = QStringLiteral("sf.lead.upsert");
            job.target = QStringLiteral("salesforce");
            job.recordKey = QStringLiteral("lead:L-%1").arg(i);
            job.idempotencyKey = job.kind + u':' + job.recordKey;
            job.payload = "{}";
            QVERIFY(w.store->outbox()
                        .park(job, QStringLiteral("validation"), QStringLiteral("bad"),
                              QStringLiteral("bad"), QStringLiteral("test"))
                        .ok());
            auto stats = w.store->outbox().stats();
            QVERIFY(stats.ok());
            monitor.inboxOpen(stats->inbox);
        }
        QTRY_COMPARE_WITH_TIMEOUT(slack.arrivals().size(), 1, 30'000);
        QTest::qWait(300); // nothing else is on its way
        QCOMPARE(slack.arrivals().size(), 1);
        QVERIFY(slack.arrivals()
                    .first()
                    .body.value(QStringLiteral("text"))
                    .toString()
                    .contains(QStringLiteral("error inbox")));
        monitor.inboxOpen(3);
        QTRY_COMPARE_WITH_TIMEOUT(slack.arrivals().size(), 2, 30'000);
        QCOMPARE(monitor.enqueueFailures(), 0);
        w.hub->stop();
    }

    void otherConditionsOpenAndResolve()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        AlertConfig pd;
        pd.name = QStringLiteral("pd");
        pd.format = QStringLiteral("pagerduty");
        pd.url = QUrl(QStringLiteral("http://127.0.0.1:9/enqueue"));
        AlertMonitor::Thresholds thresholds;
        thresholds.streamDownMs = 60'000;
        AlertMonitor monitor(*w.store, AlertBook(QStringLiteral("p"), {pd}), thresholds, w.clock);
        const qint64 now = w.clock.nowMs();
        monitor.apiUsage(QStringLiteral("salesforce"), 0.95, 0.9);
        monitor.apiUsage(QStringLiteral("salesforce"), 0.96, 0.9);
        monitor.streamDisconnectedSince(now - 30'000); // not long enough
        monitor.streamDisconnectedSince(now - 120'000);
        monitor.processesGone({QStringLiteral("w2")});
        QCOMPARE(monitor.book().openConditions().size(), 3);
        monitor.apiUsage(QStringLiteral("salesforce"), 0.5, 0.9);
        monitor.streamDisconnectedSince(0);
        monitor.processesGone({});
        QVERIFY(monitor.book().openConditions().isEmpty());
        auto stats = w.store->outbox().stats();
        QVERIFY(stats.ok());
        QCOMPARE(stats->pending, 6); // three triggers and three resolves, in one lane
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "TestAlerts.moc"
