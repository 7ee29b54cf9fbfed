// Retention (PROFILE.md, "Retention"): the purge with a controlled clock. What is purged and what
// is kept (never a "new" event, a pending or claimed job, or a job whose inbox item waits for the
// operator; an audit row keeps its row and loses its detail), the batches, and a failed batch
// rolling back alone.
#include "engine/DutyRoster.h"
#include "engine/RetentionPurge.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

constexpr qint64 Day = RetentionPurge::DayMs;

} // namespace

class TestRetentionPurge : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<Store> m_store;
    int m_serial = 0;

    qint64 count(const QString &sql)
    {
        auto q = m_store->database().run(sql, sql);
        if (!q)
            return -1;
        const qint64 n = (*q)->next() ? (*q)->value(0).toLongLong() : -1;
        (*q)->finish();
        return n;
    }

    qint64 event(const QString &state)
    {
        InboundEvent e;
        e.eventId = QStringLiteral("evt_%1").arg(++m_serial);
        e.source = QStringLiteral("webhook");
        e.type = QStringLiteral("lead.updated");
        e.payload = "{}";
        if (!m_store->events().insert(e).ok())
            return 0;
        auto pending = m_store->events().pending(10'000);
        const qint64 id = pending ? pending->last().id : 0;
        if (state == QLatin1String("processed") && !m_store->events().markProcessed({id}).ok())
            return 0;
        if (state == QLatin1String("rejected")
            && !m_store->events().markRejected(id, QStringLiteral("unreadable")).ok())
            return 0;
        return id;
    }

    NewJob newJob()
    {
        NewJob j;
        j.kind = QStringLiteral("sf.lead.upsert");
        j.target = JobTarget::Salesforce;
        j.recordKey = QStringLiteral("lead:L-%1").arg(++m_serial);
        j.idempotencyKey = QStringLiteral("k%1").arg(m_serial);
        j.payload = "{}";
        return j;
    }

    // A job taken to `state`: pending, claimed, done, cancelled, parked (failed, inbox item
    // open) or discarded (failed, inbox item resolved).
    bool job(const QString &state)
    {
        const NewJob j = newJob();
        if (state == QLatin1String("parked") || state == QLatin1String("discarded")) {
            if (!m_store->outbox()
                     .park(j, QStringLiteral("validation"), QStringLiteral("bad"),
                           QStringLiteral("bad"), QStringLiteral("t"))
                     .ok())
                return false;
            if (state == QLatin1String("parked"))
                return true;
            auto items = m_store->inbox().list(InboxFilter {});
            if (!items || items->isEmpty())
                return false;
            QList<qint64> open;
            for (const InboxItem &i : *items)
                if (i.state == QLatin1String("open") && i.recordKey == j.recordKey)
                    open.append(i.id);
            return m_store->inbox().discard(open, QStringLiteral("spam"), QStringLiteral("t")).ok();
        }
        if (!m_store->outbox().enqueue({j}, QStringLiteral("t")).ok())
            return false;
        if (state == QLatin1String("pending"))
            return true;
        if (state == QLatin1String("cancelled")) {
            auto active = m_store->outbox().active();
            return active && m_store->outbox().cancel(active->last().id, QStringLiteral("t")).ok();
        }
        auto claimed = m_store->outbox().claim(QStringLiteral("w"), 1000, 3'600'000);
        if (!claimed || claimed->isEmpty())
            return false;
        if (state == QLatin1String("claimed"))
            return true;
        QList<qint64> ids;
        for (const OutboxJob &c : *claimed)
            if (c.recordKey == j.recordKey)
                ids.append(c.id);
        return m_store->outbox().complete(ids, QStringLiteral("w")).ok();
    }

    RetentionStats purge(const Profile::Retention &days, int batch)
    {
        RetentionPurge purge(m_clock);
        purge.setBatchSize(batch);
        std::optional<RetentionStats> result;
        purge.run(m_store->database(), days, [&](const RetentionStats &s) { result = s; });
        // Batches run from the event loop, one per turn.
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return RetentionStats {0, 0, 0, 0, 0, QStringLiteral("did not finish")};
        return *result;
    }

private slots:
    void init()
    {
        m_clock.setNowMs(1'767'225'600'000);
        static int stores = 0; // a new store per test
        const QString path = m_dir.filePath(QStringLiteral("r%1.db").arg(++stores));
        auto store = Store::open(StoreConfig::sqlite(path), m_clock, QStringLiteral("retention"));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        m_store = std::move(*store);
    }

    void cleanup() { m_store.reset(); }

    void purgesWhatIsOldAndFinishedOnly()
    {
        // Day 0: the old.
        for (int i = 0; i < 3; ++i)
            QVERIFY(event(QStringLiteral("processed")) > 0);
        QVERIFY(event(QStringLiteral("rejected")) > 0);
        const qint64 unprocessed = event(QStringLiteral("new"));
        QVERIFY(unprocessed > 0);
        for (const char *state :
             {"done", "done", "cancelled", "discarded", "pending", "claimed", "parked"})
            QVERIFY2(job(QString::fromLatin1(state)), state);
        QVERIFY(m_store->audit()
                    .append(QStringLiteral("lead"), QStringLiteral("L-1"), QStringLiteral("x"),
                            QStringLiteral("t"), {{QStringLiteral("old"), true}})
                    .ok());
        const qint64 oldAudit
            = count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE detail IS NOT NULL"));
        QVERIFY(oldAudit > 1);

        // Day 10: the new.
        m_clock.advanceMs(10 * Day);
        QVERIFY(event(QStringLiteral("processed")) > 0);
        QVERIFY(job(QStringLiteral("done")));
        QVERIFY(m_store->audit()
                    .append(QStringLiteral("lead"), QStringLiteral("L-2"), QStringLiteral("x"),
                            QStringLiteral("t"), {{QStringLiteral("new"), true}})
                    .ok());
        const qint64 auditRows = count(QStringLiteral("SELECT COUNT(*) FROM audit_log"));
        const qint64 newAudit
            = count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE detail IS NOT NULL"))
            - oldAudit;
        const qint64 jobsBefore = count(QStringLiteral("SELECT COUNT(*) FROM outbox"));

        const RetentionStats s = purge({8, 7, 9}, 2);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.inboundEvents, 4); // 3 processed + 1 rejected; the "new" one stays
        QCOMPARE(s.finishedJobs, 4); // done x2, cancelled, discarded
        QCOMPARE(s.auditDetails, int(oldAudit));
        // Two rows a batch, one kind at a time.
        QCOMPARE(s.batches, (4 + 1) / 2 + (4 + 1) / 2 + int(oldAudit + 1) / 2);

        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM inbound_events")), qint64(2));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM inbound_events WHERE id = %1")
                           .arg(unprocessed)),
                 qint64(1));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM outbox")), jobsBefore - 4);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state IN "
                                      "('pending', 'claimed')")),
                 qint64(2));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state = 'done'")),
                 qint64(1));
        // The item waiting for the operator, and its job, stay; the discarded one went.
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM inbox")), qint64(1));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM inbox i JOIN outbox o ON "
                                      "o.id = i.outbox_id WHERE i.state = 'open'")),
                 qint64(1));
        // Audit: every row stays; the old ones lost their detail, the new keep it.
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_log")), auditRows);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE detail IS NOT NULL")),
                 newAudit);

        // A second purge the same day finds nothing more.
        const RetentionStats again = purge({8, 7, 9}, 2);
        QVERIFY(again.error.isEmpty());
        QCOMPARE(again.inboundEvents + again.finishedJobs + again.auditDetails, 0);
    }

    void keepsWhatIsYoungerThanItsDays()
    {
        QVERIFY(event(QStringLiteral("processed")) > 0);
        QVERIFY(job(QStringLiteral("done")));
        m_clock.advanceMs(6 * Day);
        // 6 days on: jobs (5 days) go, events (7 days) and audit details (7 days) stay.
        const RetentionStats s = purge({7, 5, 7}, 500);
        QVERIFY(s.error.isEmpty());
        QCOMPARE(s.inboundEvents, 0);
        QCOMPARE(s.finishedJobs, 1);
        QCOMPARE(s.auditDetails, 0);
        QCOMPARE(s.batches, 1);
    }

    // A backlog purged in batches of 500, every row, one batch per event-loop turn. CI purges
    // 20,000 events; LB_RETENTION_ROWS sets another size. The rate is printed, not asserted.
    void purgesABacklogInBatchesOf500()
    {
        const int rows = qEnvironmentVariableIntValue("LB_RETENTION_ROWS") > 0
            ? qEnvironmentVariableIntValue("LB_RETENTION_ROWS")
            : 20'000;
        {
            Transaction tx(m_store->database());
            QVERIFY(tx.started().ok());
            for (int i = 0; i < rows; ++i) {
                InboundEvent e;
                e.eventId = QStringLiteral("evt_bulk_%1").arg(i);
                e.source = QStringLiteral("poll");
                e.type = QStringLiteral("lead.updated");
                e.payload = R"({"id":"L-1","email":"someone@example.com"})";
                QVERIFY(m_store->events().insert(e).ok());
            }
            QVERIFY(tx.commit().ok());
        }
        auto pending = m_store->events().pending(rows);
        QVERIFY(pending.ok());
        QList<qint64> ids;
        for (const InboundEvent &e : *pending)
            ids.append(e.id);
        QVERIFY(m_store->events().markProcessed(ids).ok());
        m_clock.advanceMs(31 * Day);
        QElapsedTimer timer;
        timer.start();
        const RetentionStats s = purge({30, 7, 365}, RetentionPurge::DefaultBatch);
        const qint64 ms = std::max<qint64>(1, timer.elapsed());
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.inboundEvents, rows);
        QCOMPARE(s.batches,
                 (rows + RetentionPurge::DefaultBatch - 1) / RetentionPurge::DefaultBatch);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM inbound_events")), qint64(0));
        qInfo("purged %d inbound events in %d batches: %lld ms, %lld rows/s", rows, s.batches, ms,
              qint64(rows) * 1000 / ms);
    }

    // The daily schedule in a fleet of two processes on one store: only the holder of the
    // retention duty purges, once a day.
    void onlyTheDutyHolderPurgesOnceADay()
    {
        auto other = Store::open(m_store->database().config(), m_clock, QStringLiteral("other"));
        QVERIFY(other.ok());
        DutyRoster first(m_clock), second(m_clock);
        first.start(*m_store, QStringLiteral("first"), 60'000);
        second.start(**other, QStringLiteral("second"), 60'000);
        RetentionPurge a(m_clock), b(m_clock);
        int purgesA = 0, purgesB = 0;
        connect(&a, &RetentionPurge::finished, this, [&] { ++purgesA; });
        connect(&b, &RetentionPurge::finished, this, [&] { ++purgesB; });
        const Profile::Retention days;
        const auto tickBoth = [&] {
            a.tick(*m_store, first, days);
            b.tick(**other, second, days);
            return QTest::qWaitFor([&] { return !a.isRunning() && !b.isRunning(); }, 10'000);
        };
        QVERIFY(tickBoth());
        QCOMPARE(purgesA + purgesB, 1);
        QCOMPARE(purgesA, 1); // the first to start took every free duty
        // An hour later: checked again, not due.
        m_clock.advanceMs(3'600'000);
        QVERIFY(tickBoth());
        QCOMPARE(purgesA + purgesB, 1);
        // A day later the holder purges again.
        m_clock.advanceMs(Day);
        QVERIFY(tickBoth());
        QCOMPARE(purgesA + purgesB, 2);
        first.stop();
        second.stop();
    }

    void aFailedBatchRollsBackAlone()
    {
        for (int i = 0; i < 5; ++i)
            QVERIFY(event(QStringLiteral("processed")) > 0);
        m_clock.advanceMs(31 * Day);
        // Batch one: BEGIN, SELECT, DELETE, COMMIT. Batch two fails at its DELETE.
        m_store->database().failAfterStatements(7);
        const RetentionStats s = purge({30, 7, 365}, 2);
        QVERIFY(!s.error.isEmpty());
        QVERIFY2(s.error.contains(QStringLiteral("inbound_events")), qPrintable(s.error));
        QCOMPARE(s.inboundEvents, 2);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM inbound_events")), qint64(3));
        // The next purge takes the rest.
        const RetentionStats next = purge({30, 7, 365}, 2);
        QVERIFY2(next.error.isEmpty(), qPrintable(next.error));
        QCOMPARE(next.inboundEvents, 3);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM inbound_events")), qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestRetentionPurge)
#include "TestRetentionPurge.moc"
