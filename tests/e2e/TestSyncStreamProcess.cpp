// `leadbridge sync` on the change stream, as a process against `leadbridge-sandbox`, with the
// Salesforce poll only as an hourly backstop and the platform polled every 10 minutes, so what
// reaches the platform came on the stream:
//  - 200 Salesforce edits made by a user at 20 per second all reach the platform; the latency
//    from Salesforce's commit to the platform's write is printed (p50, p99), not asserted;
//  - SIGKILLed twice in the middle of a stream of edits and restarted: every edit reaches the
//    platform and none is written there twice (the replayId commits with the change it carried);
//  - in a fleet of three, the stream's consumer SIGKILLed in the middle of a stream of edits: a
//    process standing by takes the stream over once the lease ran out (from the stored
//    replayId; the backstop poll's duty moves too) and every edit reaches the platform exactly
//    once.
#include "SandboxProcessRun.h"
#include "store/Duties.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>
#include <functional>

using lb::test::SandboxProcessRun;

namespace {

constexpr int kLeads = 500;
constexpr int kLatencyEdits = 200;
constexpr int kKillEdits = 100;
constexpr int kHandoverEdits = 150; // 7.5 s of edits, longer than the 5 s lease
constexpr int kEditIntervalMs = 50; // 20 edits per second

qint64 percentile(QList<qint64> values, double p)
{
    std::sort(values.begin(), values.end());
    const qsizetype i = std::min<qsizetype>(values.size() - 1, qsizetype(p * values.size()));
    return values.at(i);
}

} // namespace

class TestSyncStreamProcess : public QObject
{
    Q_OBJECT

private:
    SandboxProcessRun m_run;
    std::optional<SandboxProcessRun::SalesforceUser> m_user;

    // Whether `leadbridge status --json` says the stream is connected, in a report made after
    // `sinceMs` (not one a killed process left behind).
    bool streamConnectedSince(qint64 sinceMs)
    {
        const QJsonObject status = m_run.status();
        return status.value(QStringLiteral("updated_at")).toInteger() > sinceMs
            && status.value(QStringLiteral("stream")).toObject().value(QStringLiteral("state"))
            == QLatin1String("connected");
    }

    void startStreaming(QProcess &sync)
    {
        const qint64 started = QDateTime::currentMSecsSinceEpoch();
        m_run.startSync(sync);
        QVERIFY(sync.waitForStarted());
        QVERIFY(QTest::qWaitFor(
            [&] { return sync.state() != QProcess::Running || streamConnectedSince(started); },
            120'000));
        QCOMPARE(sync.state(), QProcess::Running);
    }

    // The platform's writes to each lead after the `since`-th write: id -> write times.
    QHash<QString, QList<qint64>> leadWrites(qint64 since)
    {
        QHash<QString, QList<qint64>> writes;
        for (const QJsonValue &v : m_run.platformWrites(since)) {
            const QJsonObject w = v.toObject();
            if (w.value(QStringLiteral("entity")).toString() == QLatin1String("lead"))
                writes[w.value(QStringLiteral("id")).toString()].append(
                    w.value(QStringLiteral("time_ms")).toInteger());
        }
        return writes;
    }

    // When Salesforce committed each user edit (not LeadBridge's writes) to the leads named
    // by platform id: its write log's time, on the clock the platform's write log also uses.
    QHash<QString, qint64> salesforceCommits()
    {
        QHash<QString, qint64> commits;
        const QJsonArray log = m_run.stats().value(QStringLiteral("writeLog")).toArray();
        for (const QJsonValue &v : log) {
            const QJsonObject w = v.toObject();
            if (w.value(QStringLiteral("object")).toString() != QLatin1String("Lead")
                || !w.value(QStringLiteral("client")).isNull())
                continue;
            // "2026-12-07T01:20:00.123+0000"
            const QDateTime at
                = QDateTime::fromString(w.value(QStringLiteral("time")).toString().left(23),
                                        QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"));
            commits.insert(w.value(QStringLiteral("externalId")).toString(),
                           QDateTime(at.date(), at.time(), Qt::UTC).toMSecsSinceEpoch());
        }
        return commits;
    }

    // Edits lead i of `leads` at start + i * 50 ms (a new first name each); `during(i)` runs
    // before edit i. Whether Salesforce accepted every edit.
    bool edit(const QList<QPair<QString, QString>> &leads, const QString &tag,
              const std::function<void(int)> &during = {})
    {
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < leads.size(); ++i) {
            if (during)
                during(i);
            const qint64 due = qint64(i) * kEditIntervalMs;
            if (clock.elapsed() < due)
                QTest::qWait(int(due - clock.elapsed()));
            if (!m_run.patchLead(
                    *m_user, leads.at(i).first,
                    {{QStringLiteral("FirstName"), QStringLiteral("%1 %2").arg(tag).arg(i)}}))
                return false;
        }
        return true;
    }

    bool allArrived(const QList<QPair<QString, QString>> &leads, const QString &tag)
    {
        for (int i = 0; i < leads.size(); ++i) {
            if (m_run.platformLead(leads.at(i).second).value(QStringLiteral("first_name"))
                != QStringLiteral("%1 %2").arg(tag).arg(i))
                return false;
        }
        return true;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_run.start(
            kLeads, QStringLiteral("pk_stream"),
            {{QStringLiteral("changes"), QStringLiteral("stream")}},
            {{QStringLiteral("backstop_poll_min"), 60}, {QStringLiteral("poll_interval_s"), 600}}));
        m_user = m_run.signInAsAUser();
        QVERIFY(m_user.has_value());
    }

    void twoHundredEditsAtTwentyPerSecondReachThePlatform()
    {
        QProcess sync;
        startStreaming(sync);
        // The platform's leads are in Salesforce (the start poll loaded them).
        QList<QPair<QString, QString>> leads;
        QVERIFY(QTest::qWaitFor(
            [&] {
                leads = m_run.platformLeadsInSalesforce(*m_user, kLatencyEdits);
                return leads.size() == kLatencyEdits;
            },
            120'000));
        QTest::qWait(2'000); // the load's own deliveries settle
        const qint64 since = m_run.platformWrites().size();

        QVERIFY(edit(leads, QStringLiteral("Latency")));
        QVERIFY(
            QTest::qWaitFor([&] { return leadWrites(since).size() == kLatencyEdits; }, 120'000));
        QVERIFY(allArrived(leads, QStringLiteral("Latency")));

        const QHash<QString, QList<qint64>> writes = leadWrites(since);
        const QHash<QString, qint64> commits = salesforceCommits();
        QList<qint64> latencies;
        for (const auto &[salesforceId, platformId] : std::as_const(leads)) {
            const QList<qint64> at = writes.value(platformId);
            QCOMPARE(at.size(), 1);
            QVERIFY(commits.contains(platformId));
            latencies.append(at.first() - commits.value(platformId));
        }
        qInfo("stream latency, Salesforce commit to platform write, %d edits at %d/s: p50 %lld "
              "ms, p99 %lld ms",
              kLatencyEdits, 1000 / kEditIntervalMs, percentile(latencies, 0.50),
              percentile(latencies, 0.99));

        // `leadbridge status --json` tells where the stream stands: both channels subscribed,
        // the Lead channel's stored replayId, the events taken in and the last one's age.
        QJsonObject stream;
        QVERIFY(QTest::qWaitFor(
            [&] {
                stream = m_run.status().value(QStringLiteral("stream")).toObject();
                return stream.value(QStringLiteral("events")).toInteger() >= kLatencyEdits;
            },
            30'000));
        const QJsonArray channels = stream.value(QStringLiteral("channels")).toArray();
        QCOMPARE(channels.size(), 2);
        for (const QJsonValue &c : channels) {
            QVERIFY(c.toObject().value(QStringLiteral("subscribed")).toBool());
            if (c.toObject().value(QStringLiteral("channel")).toString()
                == QLatin1String("/data/LeadChangeEvent"))
                QVERIFY(c.toObject().value(QStringLiteral("replay_id")).toInteger() > 0);
        }
        QVERIFY(stream.value(QStringLiteral("last_event_age_ms")).isDouble());
        QVERIFY(stream.value(QStringLiteral("last_event_age_ms")).toInteger() >= 0);
        QVERIFY(stream.value(QStringLiteral("last_event_at")).toInteger() > 0);
        sync.terminate();
        QVERIFY(sync.waitForFinished(30'000));
        QCOMPARE(sync.exitCode(), 0);
    }

    void killedInTheMiddleOfAStreamOfEditsLosesNothingAndWritesNothingTwice()
    {
        QProcess sync;
        startStreaming(sync);
        const QList<QPair<QString, QString>> leads
            = m_run.platformLeadsInSalesforce(*m_user, kKillEdits, kLatencyEdits);
        QCOMPARE(leads.size(), kKillEdits);
        const qint64 since = m_run.platformWrites().size();

        // SIGKILL a third of the way (restarted at once) and at two thirds (restarted a second
        // later, while the edits go on).
        QProcess restarted;
        qint64 restartedAt = 0;
        const bool edited = edit(leads, QStringLiteral("Killed"), [&](int i) {
            if (i == kKillEdits / 3) {
                sync.kill();
                sync.waitForFinished(30'000);
                m_run.startSync(sync);
            } else if (i == 2 * kKillEdits / 3) {
                sync.kill();
                sync.waitForFinished(30'000);
            } else if (i == 2 * kKillEdits / 3 + 20) {
                restartedAt = QDateTime::currentMSecsSinceEpoch();
                m_run.startSync(restarted);
            }
        });
        QVERIFY(edited);
        QVERIFY(
            QTest::qWaitFor([&] { return allArrived(leads, QStringLiteral("Killed")); }, 120'000));
        QCOMPARE(restarted.state(), QProcess::Running);
        // The last process took the stream over (from the stored replayIds, once the killed
        // one's lease ran out) and replayed what it had not taken in yet.
        QVERIFY(QTest::qWaitFor([&] { return streamConnectedSince(restartedAt); }, 60'000));
        QTest::qWait(3'000);

        const QHash<QString, QList<qint64>> writes = leadWrites(since);
        int twice = 0;
        for (const auto &[salesforceId, platformId] : leads)
            twice += writes.value(platformId).size() > 1 ? 1 : 0;
        QCOMPARE(twice, 0);
        QCOMPARE(writes.size(), kKillEdits); // and no other lead was written
        restarted.terminate();
        QVERIFY(restarted.waitForFinished(30'000));
        QCOMPARE(restarted.exitCode(), 0);
    }

    void handoverInAFleetLosesNothingAndWritesNothingTwice()
    {
        auto store = lb::Store::open(lb::StoreConfig::sqlite(m_run.path(QStringLiteral("e2e.db"))),
                                     lb::Clock::system(), QStringLiteral("handover-test"));
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        const auto holder = [&] {
            auto h = (*store)->leases().holder(lb::duty::SalesforceStream);
            return h ? *h : QString();
        };
        QProcess first;
        startStreaming(first); // the first one takes the stream
        QProcess second, third;
        for (QProcess *p : {&second, &third}) {
            m_run.startSync(*p);
            QVERIFY(p->waitForStarted());
        }
        QTest::qWait(3'000); // the two stand by
        const QString consumer = holder();
        QCOMPARE(consumer.section(u':', 1, 1).toLongLong(), qint64(first.processId()));
        const QList<QPair<QString, QString>> leads
            = m_run.platformLeadsInSalesforce(*m_user, kHandoverEdits, kLatencyEdits + kKillEdits);
        QCOMPARE(leads.size(), kHandoverEdits);
        const qint64 since = m_run.platformWrites().size();
        qint64 killedAt = 0;

        // The consumer dies a fifth of the way; the edits go on while nobody consumes.
        QVERIFY(edit(leads, QStringLiteral("Handover"), [&](int i) {
            if (i == kHandoverEdits / 5) {
                first.kill();
                first.waitForFinished(30'000);
                killedAt = QDateTime::currentMSecsSinceEpoch();
            }
        }));
        QVERIFY(QTest::qWaitFor([&] { return allArrived(leads, QStringLiteral("Handover")); },
                                120'000));
        const QString successor = holder();
        QVERIFY2(!successor.isEmpty() && successor != consumer, qPrintable(successor));
        const qint64 pid = successor.section(u':', 1, 1).toLongLong();
        QVERIFY(pid == second.processId() || pid == third.processId());
        QVERIFY(QTest::qWaitFor([&] { return streamConnectedSince(killedAt); }, 60'000));
        QTest::qWait(3'000);

        const QHash<QString, QList<qint64>> writes = leadWrites(since);
        int twice = 0;
        for (const auto &[salesforceId, platformId] : leads)
            twice += writes.value(platformId).size() > 1 ? 1 : 0;
        QCOMPARE(twice, 0);
        QCOMPARE(writes.size(), kHandoverEdits); // and no other lead was written
        for (QProcess *p : {&second, &third}) {
            p->terminate();
            QVERIFY(p->waitForFinished(30'000));
            QCOMPARE(p->exitCode(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestSyncStreamProcess)
#include "TestSyncStreamProcess.moc"
