// Operators' commands to a fleet through the store (issue 17), on SQLite and PostgreSQL
// (LB_TEST_BACKEND): claimed once among concurrent claimers, the fleet-wide pause seen by every
// listener, malformed rows answered without stopping the others, the reconcile taken only by
// its duty's holder. Prints how long a command takes to reach the listeners (PostgreSQL:
// LISTEN/NOTIFY alone, the backstop poll set far off; SQLite: the 1 s poll).
#include "TestBackend.h"
#include "engine/CommandListener.h"
#include "store/CommandStore.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
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
};

QTEST_GUILESS_MAIN(TestFleetCommands)
#include "TestFleetCommands.moc"
