#include "DestinationWorld.h"
#include "platform/WebhookSignature.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QTest>

using namespace lb;
using sandbox::DestinationReceiver;

namespace {

// Issue 18: the CI size is the issue's 5,000 leads; LB_DESTINATION_LEADS changes it.
int leadCount()
{
    const int n = qEnvironmentVariableIntValue("LB_DESTINATION_LEADS");
    return n > 0 ? n : 5000;
}

struct Sent
{
    QString leadId;
    QString type;
    int version = 0;
    QString status;
    int score = 0;
};

// The events one phase sends: every lead created (status new), every 4th then won, every 8th
// then updated again. Each step is taken in as its own batch, so each is its own event.
QList<QList<Sent>> phaseSteps(int from, int to)
{
    QList<Sent> created, won, updated;
    for (int i = from; i < to; ++i) {
        const QString id
            = DestinationWorld::lead(i, 1, {}, 0).value(QStringLiteral("id")).toString();
        const int score = i % 100;
        created.append({id, LeadEvent::Created, 1, QStringLiteral("new"), score});
        if (i % 4 == 0)
            won.append({id, LeadEvent::StatusChanged, 2, QStringLiteral("won"), score});
        if (i % 8 == 0)
            updated.append({id, LeadEvent::Updated, 3, QStringLiteral("won"), score});
    }
    return {created, won, updated};
}

QSet<QString> idsOf(const QList<DestinationReceiver::Arrival> &arrivals)
{
    QSet<QString> ids;
    for (const auto &a : arrivals)
        ids.insert(a.recordId + u'/' + a.type);
    return ids;
}

} // namespace

class TestDestinations : public QObject
{
    Q_OBJECT

private slots:
    void threeDestinationsOneDownForHalfTheRun()
    {
        DestinationWorld w;
        QString why;
        QVERIFY2(w.open(why), qPrintable(why));
        const QStringList allEvents = LeadEvent::all();
        auto *all = w.addDestination(QStringLiteral("all"), allEvents, {}, "secret-all", why);
        QVERIFY2(all, qPrintable(why));
        auto *won = w.addDestination(QStringLiteral("won"),
                                     {LeadEvent::Created, LeadEvent::StatusChanged},
                                     QStringLiteral("status = won"), "secret-won", why);
        QVERIFY2(won, qPrintable(why));
        auto *flaky = w.addDestination(QStringLiteral("flaky"), allEvents,
                                       QStringLiteral("score >= 50"), "secret-flaky", why);
        QVERIFY2(flaky, qPrintable(why));
        flaky->setMode(DestinationReceiver::Mode::Fail);

        DestinationHub::Options options;
        options.retry.baseMs = 20;
        options.retry.capMs = 400;
        options.retry.maxAttempts = 10'000; // the outage is long: nothing may reach the inbox
        options.breaker.openMs = 300;
        options.idleMs = 50;
        options.batch = 32;
        w.startHub(options);

        const int n = leadCount();
        QHash<QString, QList<Sent>> expected; // by destination
        const auto expect = [&](const Sent &s) {
            expected[QStringLiteral("all")].append(s);
            if (s.status == QLatin1String("won") && s.type != LeadEvent::Updated)
                expected[QStringLiteral("won")].append(s);
            if (s.score >= 50)
                expected[QStringLiteral("flaky")].append(s);
        };
        QElapsedTimer timer;
        timer.start();
        const auto runPhase = [&](int from, int to) {
            for (const QList<Sent> &step : phaseSteps(from, to)) {
                for (const Sent &s : step) {
                    const int i = s.leadId.mid(2).toInt();
                    QVERIFY(w.storeEvent(DestinationWorld::lead(i, s.version, s.status, s.score),
                                         s.leadId + u'v' + QString::number(s.version)));
                    expect(s);
                }
                QString why;
                QVERIFY2(w.takeIn(why) == step.size(), qPrintable(why));
            }
        };

        // First half: the flaky destination is down; the two others get everything meanwhile.
        runPhase(0, n / 2);
        if (QTest::currentTestFailed())
            return;
        const qsizetype firstAll = expected.value(QStringLiteral("all")).size();
        const qsizetype firstWon = expected.value(QStringLiteral("won")).size();
        QTRY_COMPARE_WITH_TIMEOUT(all->arrivals().size(), firstAll, 300'000);
        QTRY_COMPARE_WITH_TIMEOUT(won->arrivals().size(), firstWon, 60'000);
        const qint64 firstHalfMs = timer.elapsed();
        QCOMPARE(flaky->arrivals().size(), 0);
        QVERIFY(flaky->failedOnPurpose() > 0);
        DestinationLane *flakyLane = w.hub->lane(QStringLiteral("destination:flaky"));
        QVERIFY(flakyLane);
        // Its breaker opened: it is asked once in a while, not hammered.
        QVERIFY(flakyLane->counters().retried
                < qint64(expected.value(QStringLiteral("flaky")).size()));

        // It recovers; the second half runs.
        flaky->setMode(DestinationReceiver::Mode::Healthy);
        runPhase(n / 2, n);
        if (QTest::currentTestFailed())
            return;
        for (auto *r : {all, won, flaky}) {
            const int idx = r == all ? 0 : r == won ? 1 : 2;
            const QString name = QStringList {QStringLiteral("all"), QStringLiteral("won"),
                                              QStringLiteral("flaky")}
                                     .at(idx);
            QTRY_COMPARE_WITH_TIMEOUT(r->arrivals().size(), expected.value(name).size(), 300'000);
        }
        const qint64 totalMs = timer.elapsed();

        for (auto *r : {all, won, flaky}) {
            const QString name = r == all ? QStringLiteral("all")
                : r == won                ? QStringLiteral("won")
                                          : QStringLiteral("flaky");
            // Every signature was checked and good; nothing came twice.
            QCOMPARE(r->refused(), 0);
            QCOMPARE(r->duplicates(), 0);
            // Exactly the matching events: nothing else (non-matching events reach nobody).
            QSet<QString> want;
            for (const Sent &s : expected.value(name))
                want.insert(s.leadId + u'/' + s.type);
            QCOMPARE(idsOf(r->arrivals()), want);
            // In order per lead: versions only grow; the idempotency key is the event id.
            QHash<QString, int> lastVersion;
            for (const auto &a : r->arrivals()) {
                const int version = a.body.value(QStringLiteral("data"))
                                        .toObject()
                                        .value(QStringLiteral("version"))
                                        .toInt();
                QVERIFY2(version > lastVersion.value(a.recordId),
                         qPrintable(QStringLiteral("%1 got %2 v%3 after v%4")
                                        .arg(name, a.recordId)
                                        .arg(version)
                                        .arg(lastVersion.value(a.recordId))));
                lastVersion[a.recordId] = version;
                QCOMPARE(QString::fromUtf8(a.idempotencyKey), a.eventId);
            }
        }
        // Nothing reached the inbox; the lanes are empty.
        auto stats = w.store->outbox().stats();
        QVERIFY(stats.ok());
        QCOMPARE(stats->inbox, 0);
        for (DestinationLane *lane : w.hub->lanes()) {
            const auto &c = lane->counters();
            qInfo("destination %s: %lld delivered, %lld retried, mean latency %.1f ms",
                  qPrintable(lane->settings().name), c.delivered, c.retried,
                  c.delivered > 0 ? double(c.totalLatencyMs) / double(c.delivered) : 0.0);
        }
        qInfo("%d leads: first half at the healthy destinations in %lld ms; all three done in "
              "%lld ms",
              n, firstHalfMs, totalMs);
        w.hub->stop();
    }

    void receiverRefusesATamperedBody()
    {
        DestinationReceiver receiver("s3cret");
        QVERIFY(receiver.listen());
        QNetworkAccessManager nam;
        HttpClient http(&nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        const QByteArray body = R"({"event_id":"evt_1","type":"lead.created","data":{"id":"L-1"}})";
        const qint64 t = QDateTime::currentSecsSinceEpoch();
        const QByteArray signature = platform::WebhookSignature::header("s3cret", t, body);
        const auto post = [&](const QByteArray &sentBody, const QByteArray &header) -> int {
            HttpRequest r;
            r.method = "POST";
            r.url = QUrl(receiver.url());
            r.body = sentBody;
            r.setHeader("Content-Type", "application/json");
            if (!header.isEmpty())
                r.setHeader("X-LeadBridge-Signature", header);
            int status = -1;
            http.send(r, &http, [&](const HttpResponse &answer) { status = answer.status; });
            (void)QTest::qWaitFor([&] { return status != -1; }, 10'000);
            return status;
        };
        QByteArray tampered = body;
        tampered.replace("L-1", "L-2");
        QCOMPARE(post(tampered, signature), 401);
        QCOMPARE(post(body, {}), 401);
        QCOMPARE(post(body, platform::WebhookSignature::header("wrong", t, body)), 401);
        QCOMPARE(receiver.refused(), 3);
        QCOMPARE(receiver.arrivals().size(), 0);
        QCOMPARE(post(body, signature), 200);
        QCOMPARE(receiver.arrivals().size(), 1);
        QCOMPARE(receiver.arrivals().first().recordId, QStringLiteral("L-1"));
    }
};

QTEST_GUILESS_MAIN(TestDestinations)
#include "TestDestinations.moc"
