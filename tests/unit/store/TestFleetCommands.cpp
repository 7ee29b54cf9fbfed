// Operators' commands to a fleet through the store (issue 17), on SQLite and PostgreSQL
// (LB_TEST_BACKEND): claimed once among concurrent claimers, the fleet-wide pause seen by every
// listener, malformed rows answered without stopping the others, the reconcile taken only by
// its duty's holder, a command whose claimer died taken over once by a live process with the dead
// one's late answer fenced off, and the console's attach decided on a live engine. Prints how long
// a command takes to reach the listeners (PostgreSQL: LISTEN/NOTIFY alone, the backstop poll set
// far off; SQLite: the 1 s poll).
#include "TestBackend.h"
#include "engine/CommandListener.h"
#include "engine/StoredStatus.h"
#include "store/CommandStore.h"
#include "store/ProcessStore.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QProcess>
#include <QSet>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace lb;

class TestFleetCommands : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Store> openStore(const QString &purpose)
    {
        auto store = Store::open(m_config, Clock::system(), purpose);
        if (!store)
            qWarning("%s", qPrintable(store.error().toString()));
        return store ? std::move(*store) : nullptr;
    }

    // The listeners' poll: on PostgreSQL far off, so only a notification brings a command.
    static int pollMs() { return test::TestBackend::isPostgres() ? 600'000 : 0; }

    // Inserts a row as a foreign or broken writer might have left it.
    static bool insertRaw(Store &store, const QString &kind, const QString &arguments)
    {
        auto q = store.database().run(
            QStringLiteral("test.insert"),
            QStringLiteral("INSERT INTO commands (kind, arguments, issued_at, issued_by) "
                           "VALUES (?, ?, ?, ?)"),
            {kind, arguments, Clock::system().nowMs(), QStringLiteral("test")});
        return q.ok();
    }

    // Writes a process row: `heartbeatAgoMs` since its last heartbeat.
    static bool beat(Store &store, const QString &worker, qint64 heartbeatAgoMs,
                     const QString &role = QStringLiteral("worker"), QString host = {},
                     qint64 pid = 0, qint64 startedAgoMs = 60'000)
    {
        const qint64 now = Clock::system().nowMs();
        FleetProcess p;
        p.workerId = worker;
        p.host = host.isEmpty() ? QStringLiteral("elsewhere.example") : host;
        p.pid = pid > 0 ? pid : 4242;
        p.version = QStringLiteral("test");
        p.role = role;
        p.startedAt = now - startedAgoMs;
        p.heartbeatAt = now - heartbeatAgoMs;
        auto r = ProcessStore(store.database()).beat(p);
        if (!r)
            qWarning("%s", qPrintable(r.error().toString()));
        return r.ok();
    }

    QTemporaryDir m_dir;
    StoreConfig m_config;

private slots:
    void init()
    {
        auto config = test::TestBackend::freshStore(m_dir);
        QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
        m_config = *config;
    }

    void claimedOnceAmongConcurrentClaimers()
    {
        constexpr int Commands = 300;
        constexpr int Claimers = 4;
        {
            auto issuer = openStore(QStringLiteral("issuer"));
            QVERIFY(issuer);
            for (int i = 0; i < Commands; ++i)
                QVERIFY(CommandStore(*issuer).issue(
                    command::JobCancel, {{QStringLiteral("id"), i + 1}}, QStringLiteral("test")));
        }
        std::mutex lock;
        std::vector<qint64> claimed;
        QStringList errors;
        std::vector<std::thread> threads;
        for (int t = 0; t < Claimers; ++t)
            threads.emplace_back([&, t] {
                auto store
                    = Store::open(m_config, Clock::system(), QStringLiteral("claimer-%1").arg(t));
                if (!store) {
                    std::lock_guard g(lock);
                    errors.append(store.error().message);
                    return;
                }
                CommandStore commands(**store);
                const QString me = QStringLiteral("claimer-%1").arg(t);
                for (;;) {
                    auto open = commands.unclaimed(false, 25);
                    if (!open) {
                        std::lock_guard g(lock);
                        errors.append(open.error().message);
                        return;
                    }
                    if (open->isEmpty())
                        return;
                    for (const FleetCommand &c : std::as_const(*open)) {
                        auto won = commands.claim(c.id, me);
                        std::lock_guard g(lock);
                        if (!won)
                            errors.append(won.error().message);
                        else if (*won)
                            claimed.push_back(c.id);
                    }
                }
            });
        for (auto &t : threads)
            t.join();
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        // Every command claimed, none twice.
        QCOMPARE(int(claimed.size()), Commands);
        std::sort(claimed.begin(), claimed.end());
        QVERIFY(std::adjacent_find(claimed.begin(), claimed.end()) == claimed.end());
        auto check = openStore(QStringLiteral("check"));
        QVERIFY(check);
        auto left = CommandStore(*check).unclaimed(true);
        QVERIFY(left);
        QCOMPARE(left->size(), 0);
    }

    void pauseThenResumeSeenByAllProcesses()
    {
        constexpr int Processes = 3;
        std::vector<std::unique_ptr<Store>> stores;
        std::vector<std::unique_ptr<CommandListener>> listeners;
        std::vector<QList<bool>> seen(Processes);
        for (int i = 0; i < Processes; ++i) {
            stores.push_back(openStore(QStringLiteral("process-%1").arg(i)));
            QVERIFY(stores.back());
            listeners.push_back(std::make_unique<CommandListener>());
            connect(listeners.back().get(), &CommandListener::pauseChanged, this,
                    [&seen, i](bool paused) { seen[i].append(paused); });
            listeners.back()->start(*stores.back(), QStringLiteral("process-%1").arg(i), {},
                                    pollMs());
            QCOMPARE(listeners.back()->notified(), test::TestBackend::isPostgres());
        }
        auto issuer = openStore(QStringLiteral("issuer"));
        QVERIFY(issuer);
        for (const bool pause : {true, false}) {
            QElapsedTimer t;
            t.start();
            auto id = CommandStore(*issuer).issue(pause ? command::Pause : command::Resume, {},
                                                  QStringLiteral("test"));
            QVERIFY2(id, id ? "" : qPrintable(id.error().message));
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return std::all_of(seen.begin(), seen.end(), [&](const QList<bool> &s) {
                        return !s.isEmpty() && s.last() == pause;
                    });
                },
                20'000));
            qInfo("%s seen by %d listeners after %lld ms (%s)", pause ? "pause" : "resume",
                  Processes, t.elapsed(),
                  test::TestBackend::isPostgres() ? "LISTEN/NOTIFY" : "1 s poll");
            // Recorded done at once: nobody claims a pause.
            auto c = CommandStore(*issuer).get(*id);
            QVERIFY(c && c->has_value());
            QVERIFY((*c)->doneAt > 0 && (*c)->ok);
        }
        for (const QList<bool> &s : seen)
            QCOMPARE(s, (QList<bool> {true, false}));
        auto paused = CommandStore(*issuer).fleetPaused();
        QVERIFY(paused && !*paused);

        // A process starting while the fleet is paused pauses at once.
        QVERIFY(CommandStore(*issuer).issue(command::Pause, {}, QStringLiteral("test")));
        auto lateStore = openStore(QStringLiteral("late"));
        QVERIFY(lateStore);
        CommandListener late;
        QList<bool> lateSeen;
        connect(&late, &CommandListener::pauseChanged, this,
                [&](bool paused) { lateSeen.append(paused); });
        late.start(*lateStore, QStringLiteral("late"), {}, pollMs());
        QCOMPARE(lateSeen, QList<bool> {true});
        for (auto &l : listeners)
            l->stop();
    }

    void malformedCommandsAreAnsweredAndOthersGoOn()
    {
        auto store = openStore(QStringLiteral("writer"));
        QVERIFY(store);
        QVERIFY(insertRaw(*store, QStringLiteral("frobnicate"), QStringLiteral("{}")));
        QVERIFY(insertRaw(*store, command::InboxRetry, QStringLiteral("not json {")));
        QVERIFY(insertRaw(*store, command::InboxDiscard,
                          QStringLiteral(R"({"ids": ["x"], "reason": "r"})")));
        QVERIFY(CommandStore(*store).issue(command::JobCancel, {{QStringLiteral("id"), 7}},
                                           QStringLiteral("test")));
        auto mine = openStore(QStringLiteral("process"));
        QVERIFY(mine);
        CommandListener listener;
        QList<FleetCommand> handed;
        connect(&listener, &CommandListener::claimed, this,
                [&](const FleetCommand &c, const QJsonObject &args) {
                    handed.append(c);
                    QCOMPARE(args.value(QStringLiteral("id")).toInteger(), 7);
                });
        listener.start(*mine, QStringLiteral("process"), {}, pollMs());
        QCOMPARE(handed.size(), 1);
        QCOMPARE(handed.first().kind, command::JobCancel);
        QCOMPARE(handed.first().claimedBy, QStringLiteral("process"));

        auto rows = CommandStore(*store).recent(10);
        QVERIFY(rows);
        QCOMPARE(rows->size(), 4);
        for (const FleetCommand &c : std::as_const(*rows)) {
            QCOMPARE(c.claimedBy, QStringLiteral("process"));
            if (c.kind == command::JobCancel) {
                QCOMPARE(c.doneAt, 0); // handed on, answered by the engine
                continue;
            }
            QVERIFY2(c.doneAt > 0 && !c.ok, qPrintable(c.kind));
            if (c.kind == QLatin1String("frobnicate"))
                QVERIFY2(c.outcome.contains(QLatin1String("Unknown command \"frobnicate\"")),
                         qPrintable(c.outcome));
            else if (c.kind == command::InboxRetry)
                QVERIFY2(c.outcome.contains(QLatin1String("not a JSON object")),
                         qPrintable(c.outcome));
            else
                QVERIFY2(c.outcome.contains(QLatin1String("not an item id")),
                         qPrintable(c.outcome));
        }
        listener.stop();
    }

    void reconcileTakenOnlyByItsDutyHolder()
    {
        auto a = openStore(QStringLiteral("a"));
        auto b = openStore(QStringLiteral("b"));
        QVERIFY(a && b);
        CommandListener notHolder, holder;
        int byNotHolder = 0, byHolder = 0;
        connect(&notHolder, &CommandListener::claimed, this, [&] { ++byNotHolder; });
        connect(&holder, &CommandListener::claimed, this, [&] { ++byHolder; });
        notHolder.start(
            *a, QStringLiteral("a"), [] { return false; }, pollMs());
        holder.start(
            *b, QStringLiteral("b"), [] { return true; }, pollMs());
        QElapsedTimer t;
        t.start();
        auto id = CommandStore(*a).issue(command::Reconcile, {}, QStringLiteral("test"));
        QVERIFY(id);
        QVERIFY(QTest::qWaitFor([&] { return byHolder == 1; }, 20'000));
        qInfo("reconcile claimed by its duty's holder after %lld ms (%s)", t.elapsed(),
              test::TestBackend::isPostgres() ? "LISTEN/NOTIFY" : "1 s poll");
        notHolder.look();
        QCOMPARE(byNotHolder, 0);
        auto c = CommandStore(*a).get(*id);
        QVERIFY(c && c->has_value());
        QCOMPARE((*c)->claimedBy, QStringLiteral("b"));
        notHolder.stop();
        holder.stop();
    }
    // A process claims commands and dies before answering (its heartbeat goes stale, or its row
    // is gone): live processes racing for them take each over exactly once; a claimer still
    // beating keeps its own; the dead one's late answer changes nothing.
    void orphanedCommandsTakenOverOnceAndLateAnswersFenced()
    {
        constexpr int Orphans = 120;
        constexpr int Rescuers = 4;
        auto issuer = openStore(QStringLiteral("issuer"));
        QVERIFY(issuer);
        CommandStore commands(*issuer);
        QVERIFY(beat(*issuer, QStringLiteral("dead"), 45'000));
        QVERIFY(beat(*issuer, QStringLiteral("live"), 1'000));
        for (int t = 0; t < Rescuers; ++t) // the rescuers are live processes of the fleet too
            QVERIFY(beat(*issuer, QStringLiteral("rescuer-%1").arg(t), 0));
        QHash<qint64, qint64> deadStamps;
        for (int i = 0; i < Orphans + 2; ++i) {
            auto id = commands.issue(command::JobCancel, {{QStringLiteral("id"), i + 1}},
                                     QStringLiteral("test"));
            QVERIFY(id);
            // Most by the dead process, one by a process whose row is gone, one by a live one.
            const QString by = i == Orphans ? QStringLiteral("gone")
                : i == Orphans + 1          ? QStringLiteral("live")
                                            : QStringLiteral("dead");
            auto stamp = commands.claim(*id, by);
            QVERIFY(stamp && *stamp > 0);
            if (by == QLatin1String("dead"))
                deadStamps.insert(*id, *stamp);
        }
        const qint64 aliveSince = Clock::system().nowMs() - fleet::AliveWithinMs;

        std::mutex lock;
        std::vector<std::pair<qint64, QString>> taken;
        QStringList errors;
        std::vector<std::thread> threads;
        for (int t = 0; t < Rescuers; ++t)
            threads.emplace_back([&, t] {
                const QString me = QStringLiteral("rescuer-%1").arg(t);
                auto store = Store::open(m_config, Clock::system(), me);
                if (!store) {
                    std::lock_guard g(lock);
                    errors.append(store.error().message);
                    return;
                }
                CommandStore mine(**store);
                for (;;) {
                    auto open = mine.orphaned(false, me, aliveSince, 15);
                    if (!open) {
                        std::lock_guard g(lock);
                        errors.append(open.error().message);
                        return;
                    }
                    if (open->isEmpty())
                        return;
                    for (const FleetCommand &c : std::as_const(*open)) {
                        auto won = mine.reclaim(c, me, aliveSince);
                        std::lock_guard g(lock);
                        if (!won)
                            errors.append(won.error().message);
                        else if (*won > 0)
                            taken.emplace_back(c.id, me);
                    }
                }
            });
        for (auto &t : threads)
            t.join();
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        // Every orphan (the dead one's and the gone one's) taken over once; the live one's not.
        QCOMPARE(int(taken.size()), Orphans + 1);
        QSet<qint64> ids;
        for (const auto &[id, by] : taken)
            ids.insert(id);
        QCOMPARE(int(ids.size()), Orphans + 1);
        auto rows = commands.recent(Orphans + 10);
        QVERIFY(rows);
        int rescued = 0;
        for (const FleetCommand &c : std::as_const(*rows)) {
            if (c.kind != command::JobCancel)
                continue;
            if (c.claimedBy == QLatin1String("live")) {
                QVERIFY(!ids.contains(c.id));
                continue;
            }
            QVERIFY2(c.claimedBy.startsWith(QLatin1String("rescuer-")), qPrintable(c.claimedBy));
            ++rescued;
            // The dead one wakes and answers late: fenced off.
            if (deadStamps.contains(c.id)) {
                QVERIFY(c.claimedAt > deadStamps.value(c.id));
                auto late = commands.finish(c.id, QStringLiteral("dead"), deadStamps.value(c.id),
                                            true, QStringLiteral("late"));
                QVERIFY(late);
                QVERIFY(!*late);
            }
            // Its rescuer answers once; a second answer changes nothing.
            auto answer
                = commands.finish(c.id, c.claimedBy, c.claimedAt, true, QStringLiteral("rescued"));
            QVERIFY(answer && *answer);
            auto again
                = commands.finish(c.id, c.claimedBy, c.claimedAt, false, QStringLiteral("twice"));
            QVERIFY(again && !*again);
        }
        QCOMPARE(rescued, Orphans + 1);
        auto after = commands.recent(Orphans + 10);
        QVERIFY(after);
        for (const FleetCommand &c : std::as_const(*after))
            if (c.claimedBy != QLatin1String("live"))
                QVERIFY2(c.ok && c.outcome == QLatin1String("rescued"), qPrintable(c.outcome));
        // Nothing left over, and the live claimer's command is still its own.
        auto left = commands.orphaned(true, QStringLiteral("rescuer-0"),
                                      Clock::system().nowMs() - fleet::AliveWithinMs);
        QVERIFY(left);
        QCOMPARE(left->size(), 0);
    }

    // The listener takes an orphaned command over at its next look and hands it on under the
    // new claim; an orphaned reconcile only while it holds the reconcile duty; its answer then
    // lands, the dead claimer's does not.
    void listenerTakesOverOrphans()
    {
        auto store = openStore(QStringLiteral("writer"));
        QVERIFY(store);
        CommandStore commands(*store);
        QVERIFY(beat(*store, QStringLiteral("dead"), 40'000));
        auto cancel = commands.issue(command::JobCancel, {{QStringLiteral("id"), 9}},
                                     QStringLiteral("test"));
        auto reconcile = commands.issue(command::Reconcile, {}, QStringLiteral("test"));
        QVERIFY(cancel && reconcile);
        auto cancelStamp = commands.claim(*cancel, QStringLiteral("dead"));
        auto reconcileStamp = commands.claim(*reconcile, QStringLiteral("dead"));
        QVERIFY(cancelStamp && *cancelStamp > 0 && reconcileStamp && *reconcileStamp > 0);

        auto mine = openStore(QStringLiteral("rescuer"));
        QVERIFY(mine);
        bool holdsReconcile = false;
        CommandListener listener;
        QList<FleetCommand> handed;
        connect(&listener, &CommandListener::claimed, this,
                [&](const FleetCommand &c, const QJsonObject &) { handed.append(c); });
        listener.start(
            *mine, QStringLiteral("rescuer"), [&] { return holdsReconcile; }, pollMs());
        QCOMPARE(handed.size(), 1);
        QCOMPARE(handed.first().id, *cancel);
        QCOMPARE(handed.first().claimedBy, QStringLiteral("rescuer"));
        QVERIFY(handed.first().claimedAt > *cancelStamp);
        listener.look(); // taken over once: nothing more
        QCOMPARE(handed.size(), 1);
        holdsReconcile = true;
        listener.look();
        QCOMPARE(handed.size(), 2);
        QCOMPARE(handed.last().id, *reconcile);

        for (const FleetCommand &c : std::as_const(handed))
            listener.finish(c, true, QStringLiteral("done by the rescuer"));
        auto late = commands.finish(*cancel, QStringLiteral("dead"), *cancelStamp, false,
                                    QStringLiteral("late"));
        QVERIFY(late && !*late);
        for (const qint64 id : {*cancel, *reconcile}) {
            auto c = commands.get(id);
            QVERIFY(c && c->has_value());
            QCOMPARE((*c)->claimedBy, QStringLiteral("rescuer"));
            QVERIFY((*c)->ok);
            QCOMPARE((*c)->outcome, QStringLiteral("done by the rescuer"));
        }
        listener.stop();
    }

    // The console attaches only to an engine that runs: a crashed engine's row on this host
    // (fresh heartbeat, pid gone or reused) is dead; a console's engine elsewhere is no reason.
    void attachDecidedOnALiveEngine()
    {
#ifndef Q_OS_LINUX
        QSKIP("pid liveness is read from /proc");
#endif
        const QString here = QSysInfo::machineHostName();
        QProcess gone;
        gone.start(QStringLiteral("sleep"), {QStringLiteral("120")});
        QVERIFY(gone.waitForStarted(10'000));
        const qint64 deadPid = gone.processId();
        QVERIFY(deadPid > 0);
        gone.kill();
        QVERIFY(gone.waitForFinished(10'000));
        QProcess running;
        running.start(QStringLiteral("sleep"), {QStringLiteral("120")});
        QVERIFY(running.waitForStarted(10'000));
        const qint64 livePid = running.processId();
        QVERIFY(livePid > 0);
        QTest::qWait(2'500); // the running child started before the rows' engines below

        auto store = openStore(QStringLiteral("console"));
        QVERIFY(store);
        auto running_ = [&] {
            auto r = fleet::engineRunning(*store, Clock::system().nowMs());
            if (!r)
                qWarning("%s", qPrintable(r.error().toString()));
            return r.ok() && *r;
        };
        auto clear = [&] {
            auto q = store->database().run(QStringLiteral("test.clear"),
                                           QStringLiteral("DELETE FROM processes"), {});
            return q.ok();
        };
        QVERIFY(!running_());

        // A console whose engine crashed 5 s ago: its row is fresh, its pid is gone.
        QVERIFY(beat(*store, QStringLiteral("crashed-console"), 5'000, QStringLiteral("console"),
                     here, deadPid));
        QVERIFY(!running_());
        // A `leadbridge sync` killed on this host: the same.
        QVERIFY(beat(*store, QStringLiteral("killed-worker"), 5'000, QStringLiteral("worker"), here,
                     deadPid));
        QVERIFY(!running_());
        // Its pid reused by a process that started after the engine did.
        QVERIFY(beat(*store, QStringLiteral("reused"), 1'000, QStringLiteral("worker"), here,
                     livePid, /*startedAgoMs=*/60'000));
        QVERIFY(!running_());
        // This process's own old engine.
        QVERIFY(beat(*store, QStringLiteral("self"), 1'000, QStringLiteral("worker"), here,
                     QCoreApplication::applicationPid()));
        QVERIFY(!running_());
        // A console's engine on another host: not a reason to attach.
        QVERIFY(beat(*store, QStringLiteral("far-console"), 1'000, QStringLiteral("console")));
        QVERIFY(!running_());
        // A worker here whose heartbeat is stale.
        QVERIFY(beat(*store, QStringLiteral("stale"), fleet::AliveWithinMs + 5'000,
                     QStringLiteral("worker"), here, livePid));
        QVERIFY(!running_());

        // A live `leadbridge sync` on this host: attach.
        QVERIFY(beat(*store, QStringLiteral("live-worker"), 1'000, QStringLiteral("worker"), here,
                     livePid, /*startedAgoMs=*/0));
        QVERIFY(running_());
        // A live console's engine on this host: attach (its engine holds the webhook address).
        QVERIFY(clear());
        QVERIFY(beat(*store, QStringLiteral("live-console"), 1'000, QStringLiteral("console"), here,
                     livePid, /*startedAgoMs=*/0));
        QVERIFY(running_());
        // A `leadbridge sync` on another host with a fresh heartbeat: attach.
        QVERIFY(clear());
        QVERIFY(beat(*store, QStringLiteral("far-worker"), 1'000));
        QVERIFY(running_());

        running.kill();
        running.waitForFinished(10'000);
    }
};

QTEST_GUILESS_MAIN(TestFleetCommands)
#include "TestFleetCommands.moc"
