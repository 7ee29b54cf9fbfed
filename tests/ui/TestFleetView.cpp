// The console on a profile whose store a fleet already runs on (issue 17): four `leadbridge
// sync` processes on one PostgreSQL store, then the console opened through ConsoleSession as
// the application opens it. It attaches (no engine of its own), its Fleet view lists the four
// processes and the duties they hold, and its real buttons act on the whole fleet through the
// store: Pause makes every process give its duties up, Resume takes them again, and "Reconcile
// now" runs one reconcile in the fleet (counted in the store's reconcile reports).
#include "ConsoleSession.h"
#include "FleetRun.h"
#include "MainWindow.h"
#include "auth/MemoryCredentialStore.h"
#include "engine/StoreAttachedController.h"
#include "engine/StoredStatus.h"
#include "fleet/FleetView.h"
#include "store/CommandStore.h"
#include "store/Duties.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QPushButton>
#include <QSet>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

using lb::test::FleetRun;

namespace {

constexpr int kProcesses = 4;

} // namespace

class TestFleetView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FleetRun m_fleet;
    std::unique_ptr<lb::Store> m_store; // the test's own reads

    // The Fleet view's rows: pid -> duties column.
    static QHash<qint64, QString> rows(QTableWidget *table)
    {
        QHash<qint64, QString> out;
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 1) && table->item(r, 4))
                out.insert(table->item(r, 1)->text().toLongLong(), table->item(r, 4)->text());
        return out;
    }

    QSet<qint64> pids()
    {
        QSet<qint64> out;
        for (const auto &p : m_fleet.syncs())
            out.insert(p->processId());
        return out;
    }

    int commandReconciles()
    {
        auto reports = m_store->reconciles().recent(1000);
        if (!reports)
            return -1;
        int n = 0;
        for (const lb::ReconcileReport &r : *reports)
            n += r.trigger == QLatin1String("command") ? 1 : 0;
        return n;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        const QString failed
            = m_fleet.start(m_dir, FleetRun::leads(300), QStringLiteral("pk_fleet_view"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto store = lb::Store::open(m_fleet.store(), lb::Clock::system(),
                                     QStringLiteral("fleet-view-test"));
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        m_store = std::move(*store);
    }

    void consoleAttachesAndCommandsTheFleet()
    {
        QVERIFY(m_fleet.startSyncs(kProcesses));
        // The four report themselves and the duties are spread among them.
        const bool up = QTest::qWaitFor(
            [&] {
                auto fleet = lb::fleet::readProcesses(*m_store, lb::Clock::system().nowMs());
                if (!fleet || fleet->size() != kProcesses)
                    return false;
                QSet<QString> held;
                for (const lb::FleetProcess &p : *fleet)
                    for (const QString &d : p.duties)
                        held.insert(d);
                return held.size() == int(lb::duty::scheduled().size());
            },
            120'000);
        if (!up)
            m_fleet.dumpLogs();
        QVERIFY2(up, "the four processes did not report with every duty held");

        lb::MemoryCredentialStore credentials;
        lb::ui::ConsoleSession session(credentials);
        session.open(m_fleet.run().profile());
        QVERIFY2(session.attachment(), "the console did not attach to the running fleet");
        QVERIFY2(!session.engine(), "the console started an engine of its own");
        lb::ui::MainWindow *window = session.window();
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY(window->context().controller->attached());

        // The Fleet view, reached through the navigation, lists the four and their duties.
        window->showView(QStringLiteral("fleet"));
        auto *view = window->findChild<lb::ui::FleetView *>(QStringLiteral("fleet"));
        QVERIFY(view);
        auto *table = view->findChild<QTableWidget *>(QStringLiteral("fleetTable"));
        QVERIFY(table);
        const QSet<qint64> ours = pids();
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto shown = rows(table);
                if (shown.size() != kProcesses)
                    return false;
                QSet<QString> held;
                for (auto it = shown.cbegin(); it != shown.cend(); ++it) {
                    if (!ours.contains(it.key()))
                        return false;
                    for (const QString &d : it.value().split(QStringLiteral(", ")))
                        held.insert(d);
                }
                for (const QString &d : lb::duty::scheduled())
                    if (!held.contains(d))
                        return false;
                return true;
            },
            30'000));
        for (int r = 0; r < table->rowCount(); ++r) {
            QCOMPARE(table->item(r, 3)->text(), QStringLiteral("worker"));
            QVERIFY(!table->item(r, 0)->text().isEmpty());
        }

        // Pause (the real button): every process gives its duties up; nobody holds one.
        auto *pause = view->findChild<QPushButton *>(QStringLiteral("pauseFleet"));
        auto *resume = view->findChild<QPushButton *>(QStringLiteral("resumeFleet"));
        auto *reconcile = view->findChild<QPushButton *>(QStringLiteral("reconcileFleet"));
        QVERIFY(pause && resume && reconcile);
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto shown = rows(table);
                if (shown.size() != kProcesses)
                    return false;
                for (const QString &duties : shown)
                    if (duties != QLatin1String("none"))
                        return false;
                return true;
            },
            60'000));
        auto paused = lb::CommandStore(*m_store).fleetPaused();
        QVERIFY(paused && *paused);

        // Resume: the duties are taken again.
        QTest::mouseClick(resume, Qt::LeftButton);
        QVERIFY(QTest::qWaitFor(
            [&] {
                QSet<QString> held;
                for (const QString &duties : rows(table))
                    for (const QString &d : duties.split(QStringLiteral(", ")))
                        held.insert(d);
                for (const QString &d : lb::duty::scheduled())
                    if (!held.contains(d))
                        return false;
                return true;
            },
            60'000));

        // "Reconcile now": one process (the reconcile duty's holder) runs it, once.
        QCOMPARE(commandReconciles(), 0);
        QTest::mouseClick(reconcile, Qt::LeftButton);
        std::optional<lb::FleetCommand> done;
        const bool answered = QTest::qWaitFor(
            [&] {
                auto recent = lb::CommandStore(*m_store).recent(10);
                if (!recent)
                    return false;
                for (const lb::FleetCommand &c : *recent)
                    if (c.kind == lb::command::Reconcile && c.doneAt > 0)
                        done = c;
                return done.has_value();
            },
            180'000);
        if (!answered)
            m_fleet.dumpLogs();
        QVERIFY2(answered, "no process answered the reconcile");
        QVERIFY2(done->ok, qPrintable(done->outcome));
        QVERIFY(ours.contains(done->claimedBy.section(u':', 1, 1).toLongLong()));
        // Give any other process time to (wrongly) run it too: the backstop poll is 10 s.
        QTest::qWait(12'000);
        QCOMPARE(commandReconciles(), 1);
        auto all = lb::CommandStore(*m_store).recent(100);
        QVERIFY(all);
        int reconcileCommands = 0;
        for (const lb::FleetCommand &c : *all)
            reconcileCommands += c.kind == lb::command::Reconcile ? 1 : 0;
        QCOMPARE(reconcileCommands, 1);
        qInfo("reconcile claimed %lld ms after it was issued, answered after %lld ms: %s",
              done->claimedAt - done->issuedAt, done->doneAt - done->issuedAt,
              qPrintable(done->outcome));

        QVERIFY(!session.close()); // no engine of its own to stop
        QVERIFY(m_fleet.stopSyncs());
    }
};

QTEST_MAIN(TestFleetView)
#include "TestFleetView.moc"
