// The store suite. Runs unchanged against SQLite and PostgreSQL (LB_TEST_BACKEND).
#include "TestBackend.h"
#include "store/Migrations.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <mutex>
#include <thread>

using namespace lb;

namespace {

NewJob job(const QString &key, int priority = 0, const QString &target = JobTarget::Salesforce)
{
    NewJob j;
    j.idempotencyKey = key;
    j.kind = QStringLiteral("sf.lead.upsert");
    j.target = target;
    j.recordKey = QStringLiteral("L-") + key;
    j.payload
        = QJsonDocument(QJsonObject {{QStringLiteral("key"), key}}).toJson(QJsonDocument::Compact);
    j.priority = priority;
    return j;
}

NewJob job(const char *key, int priority = 0, const QString &target = JobTarget::Salesforce)
{
    return job(QString::fromUtf8(key), priority, target);
}

QList<qint64> idsOf(const QList<OutboxJob> &jobs)
{
    QList<qint64> ids;
    for (const auto &j : jobs)
        ids.append(j.id);
    return ids;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Store> openStore(const QString &purpose = QStringLiteral("test"))
    {
        auto store = Store::open(m_config, m_clock, purpose);
        if (!store)
            qWarning("%s", qPrintable(store.error().toString()));
        return store ? std::move(*store) : nullptr;
    }

    qint64 countWhere(Store &store, const QString &sql)
    {
        auto q = store.database().run(sql, sql);
        if (!q || !(*q)->next())
            return -1;
        const qint64 n = (*q)->value(0).toLongLong();
        (*q)->finish();
        return n;
    }

    QTemporaryDir m_dir;
    StoreConfig m_config;
    ManualClock m_clock;

private slots:
    void init()
    {
        auto config = test::TestBackend::freshStore(m_dir);
        QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
        m_config = *config;
        m_clock.setNowMs(1'767'225'600'000);
    }

    void migrationsCreateTheSchema()
    {
        auto store = openStore();
        QVERIFY(store);
        auto version = Migrations::currentVersion(store->database());
        QVERIFY(version.ok());
        QCOMPARE(*version, Migrations::latestVersion());
        for (const char *table : {"leads", "agents", "inbound_events", "outbox", "inbox",
                                  "audit_log", "watermarks", "api_usage", "schema_version"}) {
            const QString sql = QStringLiteral("SELECT COUNT(*) FROM ") + QLatin1String(table);
            QVERIFY2(countWhere(*store, sql) >= 0, table);
        }
    }

    void migrationsRunOnce()
    {
        // Every version from 1 to the newest, each applied once: the first start records them
        // all, a second start applies nothing more.
        {
            auto first = openStore();
            QVERIFY(first);
            QCOMPARE(countWhere(*first, QStringLiteral("SELECT COUNT(*) FROM schema_version")),
                     qint64(Migrations::latestVersion()));
        }
        auto second = openStore();
        QVERIFY(second);
        QCOMPARE(countWhere(*second, QStringLiteral("SELECT COUNT(*) FROM schema_version")),
                 qint64(Migrations::latestVersion()));
        QCOMPARE(countWhere(*second, QStringLiteral("SELECT MAX(version) FROM schema_version")),
                 qint64(Migrations::latestVersion()));
    }

    void failedMigrationRollsBack()
    {
        {
            auto db = Database::open(m_config, QStringLiteral("migrate"));
            QVERIFY(db.ok());
            (*db)->failAfterStatements(6); // part-way through migration 1
            auto migrated = Migrations::migrate(**db);
            QVERIFY(!migrated.ok());
            QVERIFY2(migrated.error().message.contains(QLatin1String("rolled back")),
                     qPrintable(migrated.error().message));
            // Nothing of the half-done migration is left behind.
            QSqlQuery q(QSqlDatabase::database((*db)->connectionName()));
            QVERIFY(!q.exec(QStringLiteral("SELECT COUNT(*) FROM leads")));
        }
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(*Migrations::currentVersion(store->database()), Migrations::latestVersion());
    }

    void sqliteRunsInWalMode()
    {
        if (test::TestBackend::isPostgres())
            QSKIP("SQLite only");
        auto store = openStore();
        QVERIFY(store);
        QSqlQuery q(QSqlDatabase::database(store->database().connectionName()));
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec(QStringLiteral("PRAGMA synchronous")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1); // NORMAL
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QVERIFY(q.exec(QStringLiteral("PRAGMA busy_timeout")) && q.next());
        QVERIFY(q.value(0).toInt() >= 5000);
    }

    void duplicateIdempotencyKeyIsANoOp()
    {
        auto store = openStore();
        QVERIFY(store);
        auto first
            = store->outbox().enqueue({job("a"), job("b"), job("c")}, QStringLiteral("test"));
        QVERIFY(first.ok());
        QCOMPARE(first->inserted, 3);
        auto again = store->outbox().enqueue({job("a"), job("b"), job("c"), job("d")},
                                             QStringLiteral("test"));
        QVERIFY2(again.ok(), again ? "" : qPrintable(again.error().toString()));
        QCOMPARE(again->inserted, 1);
        QCOMPARE(again->duplicates, 3);
        QCOMPARE(countWhere(*store, QStringLiteral("SELECT COUNT(*) FROM outbox")), 4);
        QCOMPARE(
            countWhere(*store,
                       QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'enqueued'")),
            4);
    }

    // A bulk job's jobs are held for days while it runs; once it is finished, any of them
    // still claimed (by whichever worker) is held for a lease at most, so it cannot hold its
    // record's newer jobs back (claimed in order per record) for days.
    void finishedBulkJobsHoldEndsWithALease()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("a"), job("b")}, QStringLiteral("test")).ok());
        const auto claimed = store->outbox().claim(QStringLiteral("w1"), 10, 30'000);
        QVERIFY(claimed.ok());
        QCOMPARE(claimed->size(), 2);
        const qint64 a = claimed->at(0).id, b = claimed->at(1).id;
        const qint64 week = 7 * 24 * 3600 * 1000LL;
        QCOMPARE(*store->outbox().holdUntil({a}, QStringLiteral("w1"), m_clock.nowMs() + week), 1);
        auto ended = store->outbox().endHold({a, b}, m_clock.nowMs() + 60'000);
        QVERIFY(ended.ok());
        QCOMPARE(*ended, 1); // b's own lease is shorter already
        QCOMPARE(store->outbox().get(a)->leaseUntil, m_clock.nowMs() + 60'000);
        QCOMPARE(store->outbox().get(b)->leaseUntil, m_clock.nowMs() + 30'000);
        m_clock.advanceMs(61'000);
        QCOMPARE(store->outbox().claim(QStringLiteral("w2"), 10, 30'000)->size(), 2);
    }

    void incompleteJobIsRejectedAndNothingIsStored()
    {
        auto store = openStore();
        QVERIFY(store);
        NewJob bad = job("x");
        bad.kind.clear();
        auto r = store->outbox().enqueue({job("ok"), bad}, QStringLiteral("test"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("outbox_invalid_job"));
        QCOMPARE(countWhere(*store, QStringLiteral("SELECT COUNT(*) FROM outbox")), 0);
    }

    void claimTakesDueJobsByPriority()
    {
        auto store = openStore();
        QVERIFY(store);
        NewJob later = job("later");
        later.notBefore = m_clock.nowMs() + 60'000;
        QVERIFY(store->outbox()
                    .enqueue({job("low"), job("high", 10), later}, QStringLiteral("t"))
                    .ok());
        auto claimed = store->outbox().claim(QStringLiteral("w1"), 10, 600'000);
        QVERIFY(claimed.ok());
        QCOMPARE(claimed->size(), 2);
        QCOMPARE(claimed->at(0).idempotencyKey, QStringLiteral("high"));
        QCOMPARE(claimed->at(1).idempotencyKey, QStringLiteral("low"));
        QCOMPARE(claimed->at(0).attempts, 1);
        QCOMPARE(claimed->at(0).claimedBy, QStringLiteral("w1"));
        QCOMPARE(claimed->at(0).leaseUntil, m_clock.nowMs() + 600'000);

        m_clock.advanceMs(60'000);
        auto rest = store->outbox().claim(QStringLiteral("w1"), 10, 30'000);
        QVERIFY(rest.ok());
        QCOMPARE(rest->size(), 1);
        QCOMPARE(rest->at(0).idempotencyKey, QStringLiteral("later"));
    }

    void claimFiltersByTargetAndPriority()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox()
                    .enqueue({job("sf"), job("pf", 0, JobTarget::Platform),
                              job("urgent", 100, JobTarget::Platform)},
                             QStringLiteral("t"))
                    .ok());
        ClaimFilter urgentOnly;
        urgentOnly.minPriority = 50;
        auto urgent = store->outbox().claim(QStringLiteral("w"), 10, 1000, urgentOnly);
        QVERIFY(urgent.ok());
        QCOMPARE(urgent->size(), 1);
        QCOMPARE(urgent->at(0).idempotencyKey, QStringLiteral("urgent"));
        ClaimFilter platform;
        platform.target = JobTarget::Platform;
        auto pf = store->outbox().claim(QStringLiteral("w"), 10, 1000, platform);
        QVERIFY(pf.ok());
        QCOMPARE(pf->size(), 1);
        QCOMPARE(pf->at(0).idempotencyKey, QStringLiteral("pf"));
    }

    void onlyTheLeaseHolderCompletes()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("a")}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w1"), 10, 30'000);
        QVERIFY(claimed.ok() && claimed->size() == 1);
        QCOMPARE(*store->outbox().complete(idsOf(*claimed), QStringLiteral("intruder")), 0);
        QCOMPARE(*store->outbox().complete(idsOf(*claimed), QStringLiteral("w1")), 1);
        QCOMPARE(*store->outbox().complete(idsOf(*claimed), QStringLiteral("w1")), 0);
        auto done = store->outbox().get(claimed->at(0).id);
        QVERIFY(done.ok());
        QCOMPARE(done->state, JobState::Done);
        auto history = store->audit().forEntity(QStringLiteral("outbox"),
                                                QString::number(claimed->at(0).id));
        QVERIFY(history.ok());
        QStringList actions;
        for (const auto &e : *history)
            actions.prepend(e.action);
        QCOMPARE(actions,
                 (QStringList {QStringLiteral("enqueued"), QStringLiteral("claimed"),
                               QStringLiteral("completed")}));
    }

    // The stream's lease (migration 9): one holder at a time across connections (processes),
    // kept by renewing, taken over only once expired, free at once when given up.
    void aLeaseHasOneHolderUntilItExpiresOrIsGivenUp()
    {
        auto one = openStore(QStringLiteral("one"));
        auto two = openStore(QStringLiteral("two"));
        QVERIFY(one && two);
        const QString name = QStringLiteral("salesforce.stream");
        QCOMPARE(*one->leases().take(name, QStringLiteral("p1"), 30'000), true);
        QCOMPARE(*two->leases().take(name, QStringLiteral("p2"), 30'000), false);
        QCOMPARE(*two->leases().holder(name), QStringLiteral("p1"));
        m_clock.advanceMs(20'000);
        QCOMPARE(*one->leases().take(name, QStringLiteral("p1"), 30'000), true); // renewed
        m_clock.advanceMs(20'000);
        QCOMPARE(*two->leases().take(name, QStringLiteral("p2"), 30'000), false);
        m_clock.advanceMs(10'000); // p1's renewal has run out
        QCOMPARE(*one->leases().holder(name), QString());
        QCOMPARE(*two->leases().take(name, QStringLiteral("p2"), 30'000), true);
        QCOMPARE(*one->leases().take(name, QStringLiteral("p1"), 30'000), false);
        QVERIFY(one->leases().release(name, QStringLiteral("p1")).ok()); // not p1's to give up
        QCOMPARE(*one->leases().holder(name), QStringLiteral("p2"));
        QVERIFY(two->leases().release(name, QStringLiteral("p2")).ok());
        QCOMPARE(*one->leases().take(name, QStringLiteral("p1"), 30'000), true);
    }

    // Fencing (migration 12): a holder paused past its lease (SIGSTOP) gets its write refused in
    // the write's own transaction once another took the duty over; the new holder's goes
    // through, and every change of hands is in the audit log.
    void aStaleLeaseTokenCannotWrite()
    {
        auto one = openStore(QStringLiteral("one"));
        auto two = openStore(QStringLiteral("two"));
        QVERIFY(one && two);
        const QString duty = QStringLiteral("platform.poll");
        one->leases().fenceAs(QStringLiteral("p1"));
        two->leases().fenceAs(QStringLiteral("p2"));
        const qint64 first = *one->leases().acquire(duty, QStringLiteral("p1"), 30'000);
        QVERIFY(first > 0);
        QCOMPARE(*one->leases().acquire(duty, QStringLiteral("p1"), 30'000), first); // renewed
        QVERIFY(one->watermarks().set(QStringLiteral("platform.leads"), QStringLiteral("1")).ok());
        // p2 holds no lease: it may not move p1's position, nor save a reconcile.
        QVERIFY(!two->watermarks().set(QStringLiteral("platform.leads"), QStringLiteral("x")).ok());
        QVERIFY(!two->reconciles().save(ReconcileReport {}).ok());

        m_clock.advanceMs(31'000); // p1 stalls past its lease; p2 takes the duty over
        const qint64 second = *two->leases().acquire(duty, QStringLiteral("p2"), 30'000);
        QVERIFY(second > first);
        {
            Transaction tx(one->database());
            QVERIFY(tx.started().ok());
            auto stale
                = one->watermarks().set(QStringLiteral("platform.leads"), QStringLiteral("2"));
            QVERIFY(!stale.ok());
            QCOMPARE(stale.error().code, QStringLiteral("LEASE_LOST"));
        } // rolled back
        QVERIFY(two->watermarks().set(QStringLiteral("platform.leads"), QStringLiteral("3")).ok());
        QCOMPARE(**one->watermarks().get(QStringLiteral("platform.leads")), QStringLiteral("3"));
        // Positions nobody fences (the stored status) are written by anyone.
        QVERIFY(one->watermarks().set(QStringLiteral("worker.status"), QStringLiteral("{}")).ok());

        // p1 wakes up: its renewal fails, and it knows it lost the duty.
        QCOMPARE(*one->leases().acquire(duty, QStringLiteral("p1"), 30'000), qint64(0));
        QCOMPARE(one->leases().heldToken(duty, QStringLiteral("p1")), qint64(0));
        // Given up and taken again, even by the same holder: a new token.
        QVERIFY(two->leases().release(duty, QStringLiteral("p2")).ok());
        QVERIFY(*two->leases().acquire(duty, QStringLiteral("p2"), 30'000) > second);

        auto audit = one->audit().forEntity(QStringLiteral("lease"), duty);
        QVERIFY(audit);
        QStringList actions;
        for (const AuditEntry &e : *audit)
            actions.prepend(e.actor + u' ' + e.action);
        QCOMPARE(actions,
                 (QStringList {QStringLiteral("p1 taken"), QStringLiteral("p2 handed_over"),
                               QStringLiteral("p1 lost"), QStringLiteral("p2 released"),
                               QStringLiteral("p2 taken")}));
    }

    void transientFailureSchedulesARetry()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("a")}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w1"), 1, 30'000);
        QVERIFY(claimed.ok() && claimed->size() == 1);
        const qint64 id = claimed->at(0).id;
        QCOMPARE(
            *store->outbox().failTransient(id, QStringLiteral("w1"), m_clock.nowMs() + 5000,
                                           QStringLiteral("UNABLE_TO_LOCK_ROW"),
                                           QStringLiteral("unable to obtain exclusive access")),
            1);
        QCOMPARE(store->outbox().claim(QStringLiteral("w1"), 1, 30'000)->size(), 0);
        m_clock.advanceMs(5000);
        auto again = store->outbox().claim(QStringLiteral("w2"), 1, 30'000);
        QVERIFY(again.ok());
        QCOMPARE(again->size(), 1);
        QCOMPARE(again->at(0).attempts, 2);
        QCOMPARE(again->at(0).lastErrorCode, QStringLiteral("UNABLE_TO_LOCK_ROW"));
    }

    void permanentFailureMovesTheJobToTheInbox()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("bad")}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w1"), 1, 30'000);
        QVERIFY(claimed.ok() && claimed->size() == 1);
        const qint64 id = claimed->at(0).id;
        QCOMPARE(*store->outbox().failPermanent(id, QStringLiteral("w1"), ErrorClass::Permanent,
                                                QStringLiteral("INVALID_EMAIL_ADDRESS"),
                                                QStringLiteral("Email: invalid email address: x@")),
                 1);
        auto items = store->inbox().list({});
        QVERIFY(items.ok());
        QCOMPARE(items->size(), 1);
        const InboxItem &item = items->first();
        QCOMPARE(item.outboxId, id);
        QCOMPARE(item.errorCode, QStringLiteral("INVALID_EMAIL_ADDRESS"));
        QCOMPARE(item.errorClass, ErrorClass::Permanent);
        QCOMPARE(item.payload, claimed->at(0).payload);
        QCOMPARE(item.attempts, 1);
        QCOMPARE(item.firstFailedAt, m_clock.nowMs());
        QCOMPARE(*store->inbox().countOpen(), 1);
        QCOMPARE(store->outbox().get(id)->state, JobState::Failed);
        QCOMPARE(store->outbox().stats()->inbox, 1);
    }

    void inboxRetryRequeuesAndRefailureReopens()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("bad")}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w1"), 1, 30'000);
        const qint64 id = claimed->at(0).id;
        QVERIFY(store->outbox()
                    .failPermanent(id, QStringLiteral("w1"), ErrorClass::Permanent,
                                   QStringLiteral("E1"), QStringLiteral("first"))
                    .ok());
        const qint64 inboxId = store->inbox().list({})->first().id;
        const qint64 firstFailure = m_clock.nowMs();

        m_clock.advanceMs(1000);
        QCOMPARE(*store->inbox().retry({inboxId, 999999}, QStringLiteral("console")), 1);
        QCOMPARE(*store->inbox().countOpen(), 0);
        QCOMPARE(store->inbox().get(inboxId)->state, InboxState::Retried);
        auto requeued = store->outbox().claim(QStringLiteral("w2"), 1, 30'000);
        QVERIFY(requeued.ok());
        QCOMPARE(requeued->size(), 1);
        QCOMPARE(requeued->at(0).attempts, 1); // fresh attempts after a manual retry

        m_clock.advanceMs(1000);
        QVERIFY(store->outbox()
                    .failPermanent(id, QStringLiteral("w2"), ErrorClass::Exhausted,
                                   QStringLiteral("E2"), QStringLiteral("second"))
                    .ok());
        auto item = store->inbox().get(inboxId);
        QVERIFY(item.ok());
        QCOMPARE(item->state, InboxState::Open);
        QCOMPARE(item->failures, 2);
        QCOMPARE(item->errorCode, QStringLiteral("E2"));
        QCOMPARE(item->firstFailedAt, firstFailure);
        QCOMPARE(item->lastFailedAt, m_clock.nowMs());
    }

    void discardNeedsAReasonAndIsAudited()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("bad")}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w1"), 1, 30'000);
        QVERIFY(store->outbox()
                    .failPermanent(claimed->at(0).id, QStringLiteral("w1"), ErrorClass::Permanent,
                                   QStringLiteral("E"), QStringLiteral("m"))
                    .ok());
        const qint64 inboxId = store->inbox().list({})->first().id;
        auto refused
            = store->inbox().discard({inboxId}, QStringLiteral("   "), QStringLiteral("console"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("reason_required"));
        QCOMPARE(*store->inbox().countOpen(), 1);
        QCOMPARE(*store->inbox().discard({inboxId}, QStringLiteral("test lead, not a customer"),
                                         QStringLiteral("console")),
                 1);
        QCOMPARE(*store->inbox().countOpen(), 0);
        auto history = store->audit().forEntity(QStringLiteral("inbox"), QString::number(inboxId));
        QVERIFY(history.ok() && !history->isEmpty());
        QCOMPARE(history->first().action, QStringLiteral("discarded"));
        QVERIFY(history->first().detail.contains(QLatin1String("test lead, not a customer")));
        QCOMPARE(history->first().actor, QStringLiteral("console"));
    }

    void inboxFilterTreatsTextLiterally_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("matches");
        QTest::newRow("code") << QStringLiteral("EMAIL") << 1;
        QTest::newRow("percent is literal") << QStringLiteral("100%") << 1;
        QTest::newRow("underscore is literal") << QStringLiteral("a_b") << 1;
        QTest::newRow("wildcard alone") << QStringLiteral("%") << 1;
        QTest::newRow("sql injection") << QStringLiteral("' OR '1'='1") << 0;
        QTest::newRow("backslash") << QStringLiteral("\\") << 0;
        QTest::newRow("empty matches all") << QString() << 2;
    }

    void inboxFilterTreatsTextLiterally()
    {
        QFETCH(QString, text);
        QFETCH(int, matches);
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("one"), job("two")}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w"), 2, 30'000);
        QVERIFY(claimed.ok() && claimed->size() == 2);
        QVERIFY(store->outbox()
                    .failPermanent(claimed->at(0).id, QStringLiteral("w"), ErrorClass::Permanent,
                                   QStringLiteral("INVALID_EMAIL_ADDRESS"),
                                   QStringLiteral("score 100% for a_b"))
                    .ok());
        QVERIFY(store->outbox()
                    .failPermanent(claimed->at(1).id, QStringLiteral("w"), ErrorClass::Permanent,
                                   QStringLiteral("OTHER"), QStringLiteral("nothing special"))
                    .ok());
        InboxFilter filter;
        filter.text = text;
        auto items = store->inbox().list(filter);
        QVERIFY2(items.ok(), items ? "" : qPrintable(items.error().toString()));
        QCOMPARE(items->size(), matches);
    }

    void hostileValuesAreStoredVerbatim_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("sql") << QStringLiteral("x'); DROP TABLE outbox; --");
        QTest::newRow("quotes") << QStringLiteral("\"'`\\\"");
        QTest::newRow("unicode") << QStringLiteral("Zoë 😀 Ünïcødé ﷽");
        QTest::newRow("newlines") << QStringLiteral("a\r\nb\nc\td");
        QTest::newRow("100k") << QString(100'000, u'x');
        QTest::newRow("html") << QStringLiteral("<script>alert(1)</script>");
    }

    void hostileValuesAreStoredVerbatim()
    {
        QFETCH(QString, value);
        auto store = openStore();
        QVERIFY(store);
        NewJob j = job(value.left(200));
        j.recordKey = value;
        j.payload = value.toUtf8();
        QVERIFY(store->outbox().enqueue({j}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w"), 1, 1000);
        QVERIFY(claimed.ok());
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->at(0).recordKey, value);
        QCOMPARE(claimed->at(0).payload, value.toUtf8());
        QCOMPARE(claimed->at(0).idempotencyKey, value.left(200));
        QVERIFY(countWhere(*store, QStringLiteral("SELECT COUNT(*) FROM outbox")) == 1);
    }

    void expiredLeaseHandsJobsToAnotherWorker()
    {
        auto store = openStore();
        QVERIFY(store);
        QList<NewJob> jobs;
        for (int i = 0; i < 10; ++i)
            jobs.append(job(QString::number(i)));
        QVERIFY(store->outbox().enqueue(jobs, QStringLiteral("t")).ok());
        auto dead = store->outbox().claim(QStringLiteral("dead-worker"), 10, 30'000);
        QCOMPARE(dead->size(), 10);
        // Still leased: nobody else gets them.
        m_clock.advanceMs(29'000);
        QCOMPARE(store->outbox().claim(QStringLiteral("alive"), 10, 30'000)->size(), 0);
        m_clock.advanceMs(2'000);
        auto taken = store->outbox().claim(QStringLiteral("alive"), 10, 30'000);
        QVERIFY(taken.ok());
        QCOMPARE(idsOf(*taken), idsOf(*dead));
        QCOMPARE(taken->at(0).attempts, 2);
        // The dead worker, should it wake up, can no longer finish them.
        QCOMPARE(*store->outbox().complete(idsOf(*dead), QStringLiteral("dead-worker")), 0);
        QCOMPARE(*store->outbox().complete(idsOf(*taken), QStringLiteral("alive")), 10);
        QCOMPARE(countWhere(*store,
                            QStringLiteral(
                                "SELECT COUNT(*) FROM audit_log WHERE action = 'lease_expired'")),
                 10);
    }

    void releaseExpiredLeasesReturnsJobsToTheQueue()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("a"), job("b")}, QStringLiteral("t")).ok());
        QCOMPARE(store->outbox().claim(QStringLiteral("w"), 2, 1000)->size(), 2);
        QCOMPARE(*store->outbox().releaseExpiredLeases(), 0);
        m_clock.advanceMs(1001);
        QCOMPARE(*store->outbox().releaseExpiredLeases(), 2);
        auto stats = store->outbox().stats();
        QVERIFY(stats.ok());
        QCOMPARE(stats->pending, 2);
        QCOMPARE(stats->inFlight, 0);
    }

    void cancelOnlyPendingJobs()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(store->outbox().enqueue({job("a"), job("b")}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w"), 1, 1000);
        const qint64 claimedId = claimed->at(0).id;
        const qint64 otherId = store->outbox().active()->last().id;
        QVERIFY(otherId != claimedId);
        QCOMPARE(*store->outbox().cancel(claimedId, QStringLiteral("console")), 0);
        QCOMPARE(*store->outbox().cancel(otherId, QStringLiteral("console")), 1);
        QCOMPARE(store->outbox().get(otherId)->state, JobState::Cancelled);
    }

    void newerJobSupersedesPendingOnesForTheSameRecord()
    {
        auto store = openStore();
        QVERIFY(store);
        NewJob v1 = job("lead-1-v1");
        v1.recordKey = QStringLiteral("L-1");
        v1.supersedesPending = true;
        NewJob other = job("lead-2-v1");
        other.recordKey = QStringLiteral("L-2");
        other.supersedesPending = true;
        QVERIFY(store->outbox().enqueue({v1, other}, QStringLiteral("t")).ok());
        NewJob v2 = job("lead-1-v2");
        v2.recordKey = QStringLiteral("L-1");
        v2.supersedesPending = true;
        QVERIFY(store->outbox().enqueue({v2}, QStringLiteral("t")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w"), 10, 1000);
        QVERIFY(claimed.ok());
        QStringList keys;
        for (const auto &j : *claimed)
            keys.append(j.idempotencyKey);
        keys.sort();
        QCOMPARE(keys, (QStringList {QStringLiteral("lead-1-v2"), QStringLiteral("lead-2-v1")}));
        QCOMPARE(
            countWhere(*store,
                       QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state = 'superseded'")),
            1);
        QCOMPARE(
            countWhere(*store,
                       QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'coalesced'")),
            1);

        // An in-flight older write that fails is dropped rather than retried once a newer job
        // exists.
        NewJob v3 = job("lead-2-v2");
        v3.recordKey = QStringLiteral("L-2");
        v3.supersedesPending = true;
        QVERIFY(store->outbox().enqueue({v3}, QStringLiteral("t")).ok());
        const OutboxJob inFlight
            = claimed->at(0).recordKey == QLatin1String("L-2") ? claimed->at(0) : claimed->at(1);
        QCOMPARE(*store->outbox().hasNewerJob(inFlight), true);
        QCOMPARE(*store->outbox().supersede({inFlight.id}, QStringLiteral("w")), 1);
        QCOMPARE(store->outbox().get(inFlight.id)->state, JobState::Superseded);
    }

    void watermarksPersist()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(!store->watermarks().get(QStringLiteral("sf.lead"))->has_value());
        QVERIFY(store->watermarks().set(QStringLiteral("sf.lead"), QStringLiteral("1|00Q")).ok());
        QVERIFY(store->watermarks().set(QStringLiteral("sf.lead"), QStringLiteral("2|00Q")).ok());
        QCOMPARE(store->watermarks().get(QStringLiteral("sf.lead"))->value(),
                 QStringLiteral("2|00Q"));
    }

    void inboundEventsAreStoredOnce()
    {
        auto store = openStore();
        QVERIFY(store);
        InboundEvent e;
        e.eventId = QStringLiteral("evt_1");
        e.source = QStringLiteral("webhook");
        e.type = QStringLiteral("lead.updated");
        e.payload = QByteArrayLiteral(R"({"event_id":"evt_1"})");
        QCOMPARE(*store->events().insert(e), true);
        QCOMPARE(*store->events().insert(e), false);
        QCOMPARE(*store->events().count(), 1);
        auto pending = store->events().pending(10);
        QVERIFY(pending.ok());
        QCOMPARE(pending->size(), 1);
        QCOMPARE(pending->first().payload, e.payload);
        QVERIFY(store->events().markProcessed({pending->first().id}).ok());
        QCOMPARE(store->events().pending(10)->size(), 0);
        e.eventId.clear();
        QVERIFY(!store->events().insert(e).ok());
    }

    // A landing's read of the mirror rows it is about to write (SalesforceDelivery) locks them
    // until its transaction ends: another process taking in a user's edit of the lead meanwhile
    // waits, instead of having its edit overwritten by what was read before it.
    void lockedMirrorReadKeepsOtherWritersOutUntilTheTransactionEnds()
    {
        if (!test::TestBackend::isPostgres())
            QSKIP("SQLite's write transaction already keeps every other writer out");
        auto one = openStore(QStringLiteral("one"));
        auto two = openStore(QStringLiteral("two"));
        QVERIFY(one && two);
        MirrorRecord lead;
        lead.platformId = QStringLiteral("L-1");
        lead.platformHash = "p-hash";
        QVERIFY(one->leads().put({lead}).ok());
        QVERIFY(two->database().execute(QStringLiteral("SET lock_timeout = '300ms'")).ok());
        MirrorRecord edited = lead;
        edited.salesforceHash = "edited";
        {
            Transaction tx(one->database());
            QVERIFY(tx.started().ok());
            auto read = one->leads().byKeys({QStringLiteral("L-1")}, true);
            QVERIFY(read.ok() && read->contains(QStringLiteral("L-1")));
            QVERIFY(!two->leads().put({edited}).ok()); // waits for the lock, in vain
            QVERIFY(tx.commit().ok());
        }
        QVERIFY(two->leads().put({edited}).ok());
        QCOMPARE((*one->leads().byPlatformId(QStringLiteral("L-1")))->salesforceHash,
                 QByteArray("edited"));
    }

    void mirrorKeepsBothSidesOfALead()
    {
        auto store = openStore();
        QVERIFY(store);
        MirrorRecord lead;
        lead.platformId = QStringLiteral("L-1");
        lead.platformState
            = QJsonObject {{QStringLiteral("id"), QStringLiteral("L-1")},
                           {QStringLiteral("last_name"), QStringLiteral("O'Brien; DROP")},
                           {QStringLiteral("company"), QStringLiteral("Zoë 😀")},
                           {QStringLiteral("score"), 42},
                           {QStringLiteral("eligible"), true}};
        lead.platformHash = "p-hash";
        lead.platformVersion = 3;
        QVERIFY(store->leads().put({lead}).ok());
        auto got = store->leads().byPlatformId(QStringLiteral("L-1"));
        QVERIFY(got.ok() && got->has_value());
        QCOMPARE((*got)->platformState, lead.platformState);
        QVERIFY((*got)->existsOnPlatform());
        QVERIFY(!(*got)->existsInSalesforce());

        lead.salesforceId = QStringLiteral("00Q5g00000AbCdEEAV");
        lead.salesforceState
            = QJsonObject {{QStringLiteral("LastName"), QStringLiteral("O'Brien; DROP")}};
        lead.salesforceHash = "s-hash";
        lead.syncState = QStringLiteral("synced");
        QVERIFY(store->leads().put({lead}).ok());
        QCOMPARE(*store->leads().count(), 1);
        auto bySf = store->leads().bySalesforceId(QStringLiteral("00Q5g00000AbCdEEAV"));
        QVERIFY(bySf.ok() && bySf->has_value());
        QCOMPARE((*bySf)->salesforceHash, QByteArray("s-hash"));
        QCOMPARE((*bySf)->syncState, QStringLiteral("synced"));
        QCOMPARE(
            countWhere(*store,
                       QStringLiteral(
                           "SELECT COUNT(*) FROM leads WHERE company = 'Zoë 😀' AND score = 42")),
            1);
    }

    void mirrorPagesAgentsBySalesforceId()
    {
        auto store = openStore();
        QVERIFY(store);
        QList<MirrorRecord> agents;
        for (int i = 0; i < 250; ++i) {
            MirrorRecord a;
            a.salesforceId = QStringLiteral("a01%1").arg(i, 15, 10, QLatin1Char('0'));
            a.platformState
                = QJsonObject {{QStringLiteral("name"), QStringLiteral("Agent %1").arg(i)},
                               {QStringLiteral("states"), QJsonArray {QStringLiteral("TX")}}};
            agents.append(a);
        }
        QVERIFY(store->agents().put(agents).ok());
        auto many = store->agents().byKeys(
            {agents.at(3).salesforceId, agents.at(249).salesforceId, QStringLiteral("nope")});
        QVERIFY(many.ok());
        QCOMPARE(many->size(), 2);
        QString after;
        int seen = 0;
        for (;;) {
            auto page = store->agents().page(after, 100);
            QVERIFY(page.ok());
            if (page->isEmpty())
                break;
            seen += page->size();
            after = page->last().salesforceId;
        }
        QCOMPARE(seen, 250);
        MirrorRecord keyless;
        QVERIFY(!store->agents().put({keyless}).ok());
    }

    void apiUsageHistoryIsThinned()
    {
        auto store = openStore();
        QVERIFY(store);
        ApiLimits limits;
        limits.system = QStringLiteral("salesforce");
        limits.max = 15000;
        for (int i = 0; i < 10; ++i) {
            limits.used = 100 + i;
            limits.observedAt = m_clock.nowMs();
            QVERIFY(store->apiUsage().record(limits).ok());
            m_clock.advanceMs(20'000); // three samples a minute; one is kept per minute
        }
        auto history = store->apiUsage().history(QStringLiteral("salesforce"),
                                                 QStringLiteral("api"), 0, m_clock.nowMs() + 1);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), 4);
        QCOMPARE(history->first().used, 100);
        QCOMPARE(history->last().max, 15000);
    }

    // A Bulk job moves DailyBulkApiBatches once: the change is kept even within the minute in
    // which the counter was last recorded (the gauge's history and the api-usage report show
    // it); an unchanged counter is thinned like the main allowance.
    void apiUsageKeepsEveryChangeOfACounter()
    {
        auto store = openStore();
        QVERIFY(store);
        ApiLimits limits;
        limits.system = QStringLiteral("salesforce");
        limits.used = 10;
        limits.max = 15000;
        const QString bulk = QStringLiteral("DailyBulkApiBatches");
        for (const qint64 batches : {0, 0, 5, 5, 6}) {
            limits.counters.insert(bulk, {batches, 15000});
            limits.observedAt = m_clock.nowMs();
            QVERIFY(store->apiUsage().record(limits).ok());
            m_clock.advanceMs(5'000);
        }
        auto history
            = store->apiUsage().history(QStringLiteral("salesforce"), bulk, 0, m_clock.nowMs() + 1);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), 3);
        QCOMPARE(history->at(1).used, 5);
        QCOMPARE(history->last().used, 6);
        auto api = store->apiUsage().history(QStringLiteral("salesforce"), QStringLiteral("api"), 0,
                                             m_clock.nowMs() + 1);
        QVERIFY(api.ok());
        QCOMPARE(api->size(), 1);
    }

    void enqueueRate()
    {
        // Reports the enqueue rate for 100,000 jobs in batches of 1,000 (no timing assertion;
        // the benchmark program owns performance goals).
        auto store = openStore();
        QVERIFY(store);
        constexpr int Total = 100'000;
        constexpr int Batch = 1'000;
        QElapsedTimer timer;
        timer.start();
        for (int b = 0; b < Total / Batch; ++b) {
            QList<NewJob> jobs;
            jobs.reserve(Batch);
            for (int i = 0; i < Batch; ++i)
                jobs.append(job(QStringLiteral("rate-%1").arg(b * Batch + i)));
            auto r = store->outbox().enqueue(jobs, QStringLiteral("rate"));
            QVERIFY(r.ok());
            QCOMPARE(r->inserted, Batch);
        }
        const double seconds = timer.nsecsElapsed() / 1e9;
        qInfo("%s outbox enqueue: %d jobs in %.2f s = %.0f jobs/s",
              qPrintable(test::TestBackend::name()), Total, seconds, Total / seconds);
        QCOMPARE(store->outbox().stats()->pending, Total);
    }

    void fourWorkersCompleteEachJobExactlyOnce()
    {
        constexpr int Total = 20'000;
        constexpr int Batch = 50;
        constexpr int Workers = 4;
        auto store = openStore();
        QVERIFY(store);
        for (int b = 0; b < Total / 1000; ++b) {
            QList<NewJob> jobs;
            for (int i = 0; i < 1000; ++i)
                jobs.append(job(QStringLiteral("c-%1").arg(b * 1000 + i)));
            QVERIFY(store->outbox().enqueue(jobs, QStringLiteral("t")).ok());
        }
        // A worker that claims a batch and then stops: its lease must run out and its jobs go
        // to the others.
        auto abandoned = store->outbox().claim(QStringLiteral("crashed"), Batch, 10'000);
        QCOMPARE(abandoned->size(), Batch);
        m_clock.advanceMs(10'001);

        std::mutex mutex;
        QList<qint64> completed;
        QStringList errors;
        QElapsedTimer timer;
        timer.start();
        std::vector<std::thread> threads;
        for (int w = 0; w < Workers; ++w) {
            threads.emplace_back([&, w] {
                const QString name = QStringLiteral("worker-%1").arg(w);
                auto own = Store::open(m_config, m_clock, name);
                if (!own) {
                    std::lock_guard lock(mutex);
                    errors.append(own.error().toString());
                    return;
                }
                QList<qint64> mine;
                for (;;) {
                    auto claimed = (*own)->outbox().claim(name, Batch, 600'000);
                    if (!claimed) {
                        if (claimed.error().code == QLatin1String("store_busy"))
                            continue;
                        std::lock_guard lock(mutex);
                        errors.append(claimed.error().toString());
                        return;
                    }
                    if (claimed->isEmpty())
                        break;
                    const QList<qint64> ids = idsOf(*claimed);
                    auto done = (*own)->outbox().complete(ids, name);
                    if (!done || *done != ids.size()) {
                        std::lock_guard lock(mutex);
                        errors.append(done ? QStringLiteral("lost a lease")
                                           : done.error().toString());
                        return;
                    }
                    mine.append(ids);
                }
                std::lock_guard lock(mutex);
                completed.append(mine);
            });
        }
        for (auto &t : threads)
            t.join();
        const double seconds = timer.nsecsElapsed() / 1e9;
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        qInfo("%s claim+complete: %d workers, batches of %d: %d jobs in %.2f s = %.0f jobs/s",
              qPrintable(test::TestBackend::name()), Workers, Batch, Total, seconds,
              Total / seconds);

        QCOMPARE(completed.size(), Total);
        const QSet<qint64> unique(completed.cbegin(), completed.cend());
        QCOMPARE(unique.size(), Total);
        for (qint64 id : idsOf(*abandoned))
            QVERIFY(unique.contains(id));
        QCOMPARE(
            countWhere(*store, QStringLiteral("SELECT COUNT(*) FROM outbox WHERE state = 'done'")),
            qint64(Total));
        QCOMPARE(
            countWhere(*store,
                       QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'completed'")),
            qint64(Total));
        QCOMPARE(countWhere(*store,
                            QStringLiteral(
                                "SELECT COUNT(*) FROM audit_log WHERE action = 'lease_expired'")),
                 qint64(Batch));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "TestStore.moc"
