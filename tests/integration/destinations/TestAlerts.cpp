#include "DestinationWorld.h"
#include "store/DestinationStore.h"
#include "store/ProcessStore.h"
#include "sync/AlertMonitor.h"
#include "sync/JobKinds.h"

#include <QJsonDocument>
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

// The PagerDuty alerts queued so far, oldest first: (event_action, dedup_key).
QList<QPair<QString, QString>> pagerDutyQueued(DestinationWorld &w)
{
    QList<QPair<QString, QString>> out;
    auto jobs = w.store->outbox().active(1000);
    if (!jobs)
        return out;
    for (const OutboxJob &j : std::as_const(*jobs)) {
        if (j.kind != jobs::AlertNotice)
            continue;
        const QJsonObject body = QJsonDocument::fromJson(j.payload).object();
        out.append({body.value(QStringLiteral("event_action")).toString(),
                    body.value(QStringLiteral("dedup_key")).toString()});
    }
    return out;
}

AlertConfig pagerDutyNowhere()
{
    AlertConfig pd;
    pd.name = QStringLiteral("pd");
    pd.format = QStringLiteral("pagerduty");
    pd.url = QUrl(QStringLiteral("http://127.0.0.1:9/enqueue"));
    return pd;
}

FleetProcess fleetProcess(const QString &id, qint64 heartbeatAt)
{
    FleetProcess p;
    p.workerId = id;
    p.host = QStringLiteral("host");
    p.pid = 1;
    p.version = QStringLiteral("test");
    p.role = QStringLiteral("worker");
    p.startedAt = heartbeatAt;
    p.heartbeatAt = heartbeatAt;
    return p;
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

    // "A fleet process gone" is fed from the heartbeats: a process silent past the threshold
    // that did not stop cleanly (a clean stop removes its row) triggers once; its heartbeat
    // back resolves it under the same dedup key. This process never counts itself.
    void fleetProcessGoneFromHeartbeats()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        AlertMonitor::Thresholds thresholds;
        thresholds.processGoneMs = 60'000;
        AlertMonitor monitor(*w.store, AlertBook(QStringLiteral("p"), {pagerDutyNowhere()}),
                             thresholds, w.clock);
        ProcessStore processes(w.store->database());
        const qint64 now = w.clock.nowMs();
        QVERIFY(processes.beat(fleetProcess(QStringLiteral("self"), now - 600'000)).ok());
        QVERIFY(processes.beat(fleetProcess(QStringLiteral("w2"), now - 120'000)).ok());
        QVERIFY(processes.beat(fleetProcess(QStringLiteral("w3"), now - 120'000)).ok());
        QVERIFY(processes.remove(QStringLiteral("w3")).ok()); // stopped cleanly
        QVERIFY(processes.beat(fleetProcess(QStringLiteral("w4"), now - 1'000)).ok());

        monitor.checkFleet(QStringLiteral("self"));
        QCOMPARE(monitor.book().openConditions(), QStringList({QStringLiteral("process:w2")}));
        const QString key = monitor.book().dedupKey(QStringLiteral("process:w2"));
        QVERIFY(!key.isEmpty());
        monitor.checkFleet(QStringLiteral("self")); // still gone: nothing more
        auto queued = pagerDutyQueued(w);
        QCOMPARE(queued.size(), 1);
        QCOMPARE(queued.at(0), qMakePair(QStringLiteral("trigger"), key));

        QVERIFY(processes.beat(fleetProcess(QStringLiteral("w2"), w.clock.nowMs())).ok());
        monitor.checkFleet(QStringLiteral("self"));
        QVERIFY(monitor.book().openConditions().isEmpty());
        queued = pagerDutyQueued(w);
        QCOMPARE(queued.size(), 2);
        QCOMPARE(queued.at(1), qMakePair(QStringLiteral("resolve"), key));
        QCOMPARE(monitor.enqueueFailures(), 0);
    }

    // Open incidents are kept in the store: an engine restarted between a trigger and its
    // resolve neither triggers the incident again nor loses its resolve, and two processes of
    // a fleet on one store trigger it once.
    void restartBetweenTriggerAndResolve()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        const AlertBook book(QStringLiteral("p"), {pagerDutyNowhere()});
        QString key;
        {
            AlertMonitor first(*w.store, book, {}, w.clock);
            first.breakerChanged(QStringLiteral("flaky"), QStringLiteral("open"));
            key = first.book().dedupKey(QStringLiteral("breaker:flaky"));
            QVERIFY(!key.isEmpty());
        } // the engine stops (or dies) with the incident open

        AlertMonitor restarted(*w.store, book, {}, w.clock);
        QVERIFY(restarted.book().isOpen(QStringLiteral("breaker:flaky")));
        QCOMPARE(restarted.book().dedupKey(QStringLiteral("breaker:flaky")), key);
        restarted.breakerChanged(QStringLiteral("flaky"), QStringLiteral("open"));
        QCOMPARE(pagerDutyQueued(w).size(), 1); // not triggered twice
        restarted.breakerChanged(QStringLiteral("flaky"), QStringLiteral("closed"));
        auto queued = pagerDutyQueued(w);
        QCOMPARE(queued.size(), 2);
        QCOMPARE(queued.at(0), qMakePair(QStringLiteral("trigger"), key));
        QCOMPARE(queued.at(1), qMakePair(QStringLiteral("resolve"), key));

        // Restarted again after the resolve: nothing open, nothing to send.
        AlertMonitor again(*w.store, book, {}, w.clock);
        QVERIFY(again.book().openConditions().isEmpty());
        again.breakerChanged(QStringLiteral("flaky"), QStringLiteral("closed"));
        QCOMPARE(pagerDutyQueued(w).size(), 2);

        // Two processes on one store see the same breaker open: one trigger, and either's
        // resolve is the one resolve.
        AlertMonitor other(*w.store, book, {}, w.clock);
        again.inboxOpen(1000);
        other.inboxOpen(1000);
        queued = pagerDutyQueued(w);
        QCOMPARE(queued.size(), 3);
        QCOMPARE(other.book().dedupKey(QStringLiteral("inbox")), queued.at(2).second);
        other.inboxOpen(0);
        again.inboxOpen(0);
        queued = pagerDutyQueued(w);
        QCOMPARE(queued.size(), 4);
        QCOMPARE(queued.at(3), qMakePair(QStringLiteral("resolve"), queued.at(2).second));

        // Triggered by one process that then dies: another resolves it once it has read the
        // open incidents, with the first one's dedup key, and the first one (back) adds nothing.
        const qint64 now = w.clock.nowMs();
        again.streamDisconnectedSince(now - 3'600'000);
        const QString streamKey = again.book().dedupKey(QStringLiteral("stream"));
        QVERIFY(!streamKey.isEmpty());
        QVERIFY(!other.book().isOpen(QStringLiteral("stream")));
        other.refresh();
        QCOMPARE(other.book().dedupKey(QStringLiteral("stream")), streamKey);
        other.streamDisconnectedSince(0);
        again.refresh();
        again.streamDisconnectedSince(0);
        queued = pagerDutyQueued(w);
        QCOMPARE(queued.size(), 6);
        QCOMPARE(queued.at(4), qMakePair(QStringLiteral("trigger"), streamKey));
        QCOMPARE(queued.at(5), qMakePair(QStringLiteral("resolve"), streamKey));
        QCOMPARE(again.enqueueFailures() + other.enqueueFailures() + restarted.enqueueFailures(),
                 0);
    }

    // The dashboard's per-destination counts: the same figures, read per lane from the
    // outbox_target_state index rather than by a scan of the whole outbox.
    void laneCountsUseTheIndex()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        QList<NewJob> jobs;
        for (int i = 0; i < 30; ++i) {
            NewJob job;
            job.kind = i % 3 == 0 ? jobs::DestinationEvent : QStringLiteral("sf.lead.upsert");
            job.target = i % 3 == 0 ? QStringLiteral("destination:a")
                : i % 3 == 1        ? QStringLiteral("destination:b")
                                    : QStringLiteral("salesforce");
            job.recordKey = QStringLiteral("lead:L-%1").arg(i);
            job.idempotencyKey = job.target + u':' + job.recordKey;
            job.payload = "{}";
            jobs.append(job);
        }
        QVERIFY(w.store->outbox().enqueue(jobs, QStringLiteral("test")).ok());
        ClaimFilter onlyA;
        onlyA.target = QStringLiteral("destination:a");
        auto claimed = w.store->outbox().claim(QStringLiteral("w"), 4, 60'000, onlyA);
        QVERIFY(claimed.ok());
        QCOMPARE(claimed->size(), 4);
        QList<qint64> done;
        for (qsizetype i = 0; i < 3; ++i)
            done.append(claimed->at(i).id);
        QCOMPARE(*w.store->outbox().complete(done, QStringLiteral("w")), 3);

        DestinationStore store(w.store->database(), w.clock);
        auto counts
            = store.laneCounts({QStringLiteral("destination:a"), QStringLiteral("destination:b"),
                                QStringLiteral("destination:none")});
        QVERIFY(counts.ok());
        QCOMPARE(counts->value(QStringLiteral("destination:a")).delivered, 3);
        QCOMPARE(counts->value(QStringLiteral("destination:a")).pending, 7);
        QCOMPARE(counts->value(QStringLiteral("destination:b")).pending, 10);
        QCOMPARE(counts->value(QStringLiteral("destination:b")).delivered, 0);
        QCOMPARE(counts->value(QStringLiteral("destination:none")).pending, 0);

        auto plan = w.store->database().run(
            QStringLiteral("test.lanePlan"),
            QStringLiteral("EXPLAIN QUERY PLAN SELECT state, COUNT(*) FROM outbox WHERE "
                           "target = ? GROUP BY state"),
            {QStringLiteral("destination:a")});
        QVERIFY(plan.ok());
        QString detail;
        while ((*plan)->next())
            detail += (*plan)->value(3).toString() + u'\n';
        (*plan)->finish();
        QVERIFY2(detail.contains(QLatin1String("outbox_target_state")), qPrintable(detail));
        QVERIFY2(!detail.contains(QLatin1String("SCAN outbox\n")), qPrintable(detail));
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "TestAlerts.moc"
