// A database failure at each statement of an intake batch and of a delivery round, in both
// directions (the store's failure hook), followed by a restart of the engine on the same store:
// afterwards the mirror, the outbox and the audit log agree, and every record reached the other
// side exactly once. In-memory ports stand for both systems, which outlive the restart.
#include "FakePorts.h"
#include "PolledChanges.h"
#include "mapping/FieldMapping.h"
#include "sync/Dispatcher.h"
#include "sync/InboundProcessor.h"
#include "sync/SalesforceChangeProcessor.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

constexpr int Leads = 3;

QString leadId(int i)
{
    return QStringLiteral("L-%1").arg(i);
}

QJsonObject platformLead(int i)
{
    return {{QStringLiteral("id"), leadId(i)},
            {QStringLiteral("first_name"), QStringLiteral("Ada")},
            {QStringLiteral("last_name"), QStringLiteral("Nguyen %1").arg(i)},
            {QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("email"), QStringLiteral("ada%1@example.com").arg(i)},
            {QStringLiteral("phone"), QJsonValue::Null},
            {QStringLiteral("status"), QStringLiteral("new")},
            {QStringLiteral("source"), QStringLiteral("web")},
            {QStringLiteral("score"), 50},
            {QStringLiteral("value"), 100},
            {QStringLiteral("agent_id"), QJsonValue::Null},
            {QStringLiteral("eligible"), true},
            {QStringLiteral("updated_at"), QStringLiteral("2026-01-01T00:00:01.000Z")},
            {QStringLiteral("updated_by"), QStringLiteral("platform")},
            {QStringLiteral("version"), 1}};
}

enum class Direction { ToSalesforce, ToPlatform };
enum class Phase { Intake, Delivery };

} // namespace

Q_DECLARE_METATYPE(Direction)
Q_DECLARE_METATYPE(Phase)

class TestFailureInjection : public QObject
{
    Q_OBJECT

private:
    // One LeadBridge process: its store connection and the engine parts over it.
    struct Engine
    {
        std::unique_ptr<Store> store;
        std::unique_ptr<SyncPlanner> leads;
        std::unique_ptr<SyncPlanner> agents;
        std::unique_ptr<ApiBudget> sfBudget;
        std::unique_ptr<ApiBudget> pfBudget;
        std::unique_ptr<CircuitBreaker> sfBreaker;
        std::unique_ptr<CircuitBreaker> pfBreaker;
        std::unique_ptr<Dispatcher> dispatcher;
        QString workerId;
    };

    QTemporaryDir m_dir;
    ManualClock m_clock;
    test::FakeSalesforce m_sf;
    test::FakePlatform m_pf;
    std::unique_ptr<Engine> m_engine;
    QString m_storePath;
    int m_processes = 0;

    // Starts a process on the store (a restart when one ran before).
    void startProcess()
    {
        m_engine.reset();
        auto e = std::make_unique<Engine>();
        e->workerId = QStringLiteral("worker-%1").arg(++m_processes);
        auto opened = Store::open(StoreConfig::sqlite(m_storePath), m_clock, e->workerId);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        e->store = std::move(opened).value();
        const auto mapping = FieldMapping::defaultMapping();
        e->leads = std::make_unique<SyncPlanner>(mapping->lead);
        e->agents = std::make_unique<SyncPlanner>(mapping->agent);
        e->sfBudget
            = std::make_unique<ApiBudget>(QStringLiteral("salesforce"), m_clock, 0.9, 1000, 1000);
        e->pfBudget
            = std::make_unique<ApiBudget>(QStringLiteral("platform"), m_clock, 0.9, 1000, 1000);
        e->sfBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("salesforce"), m_clock);
        e->pfBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("platform"), m_clock);
        Dispatcher::Config config;
        config.workerId = e->workerId;
        config.retry = RetryPolicy {1000, 10'000, 5};
        e->dispatcher = std::make_unique<Dispatcher>(*e->store, m_sf, m_pf, *e->leads, *e->agents,
                                                     *e->sfBudget, *e->pfBudget, *e->sfBreaker,
                                                     *e->pfBreaker, m_clock, config);
        e->dispatcher->setRandomSeed(7);
        m_engine = std::move(e);
    }

    Database &db() { return m_engine->store->database(); }

    // The platform's webhooks for the leads, stored as the receiver stores them.
    void receiveWebhooks()
    {
        for (int i = 1; i <= Leads; ++i) {
            InboundEvent e;
            e.eventId = QStringLiteral("evt-%1").arg(i);
            e.source = QStringLiteral("webhook");
            e.type = QStringLiteral("lead.created");
            e.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), e.eventId},
                                                   {QStringLiteral("type"), e.type},
                                                   {QStringLiteral("data"), platformLead(i)}})
                            .toJson(QJsonDocument::Compact);
            QVERIFY(m_engine->store->events().insert(e).ok());
        }
    }

    Result<InboundProcessor::Stats> takeInWebhooks()
    {
        InboundProcessor processor(*m_engine->store, *m_engine->leads, m_engine->workerId);
        return processor.processPending(100);
    }

    // What a Salesforce user changed (the status of every lead), as the poll or the stream
    // reads it; a source hands the same records again after a restart (overlap, replay).
    QList<QJsonObject> salesforceChanges()
    {
        QList<QJsonObject> out;
        for (int i = 1; i <= Leads; ++i) {
            QJsonObject changed = m_sf.leads.value(leadId(i));
            changed.insert(QStringLiteral("Status"), QStringLiteral("Working - Contacted"));
            changed.insert(QStringLiteral("Assigned_Agent__r"), QJsonValue::Null);
            changed.insert(QStringLiteral("SystemModstamp"),
                           QStringLiteral("2026-01-01T01:00:00.000+0000"));
            m_sf.leads.insert(leadId(i), changed);
            out.append(changed);
        }
        return out;
    }

    Result<SalesforceChangeProcessor::Stats> takeInSalesforce(const QList<QJsonObject> &changes)
    {
        SalesforceChangeProcessor processor(*m_engine->store, *m_engine->leads, *m_engine->agents,
                                            m_engine->workerId);
        return processor.processLeads(polled(changes));
    }

    std::optional<Dispatcher::Round> deliver(Direction to)
    {
        std::optional<Dispatcher::Round> round;
        if (to == Direction::ToSalesforce)
            m_engine->dispatcher->deliverSalesforce([&](Dispatcher::Round r) { round = r; });
        else
            m_engine->dispatcher->deliverPlatform([&](Dispatcher::Round r) { round = r; });
        if (!QTest::qWaitFor([&] { return round.has_value(); }, 10'000))
            return std::nullopt;
        return round;
    }

    // Rounds until the queue is empty, past leases and retry times.
    void deliverAll(Direction to)
    {
        for (int round = 0; round < 20; ++round) {
            auto stats = m_engine->store->outbox().stats();
            QVERIFY(stats.ok());
            if (stats->pending == 0 && stats->inFlight == 0)
                return;
            QVERIFY(deliver(to).has_value());
            m_clock.advanceMs(2 * 60'000);
        }
        QFAIL("the queue did not drain");
    }

    // Every job the audit log says was enqueued exists; a finished job was completed exactly
    // once; nothing is left claimed or pending.
    void checkOutboxAgreesWithTheAudit()
    {
        Store &store = *m_engine->store;
        auto entries = store.audit().between(0, std::numeric_limits<qint64>::max(), 100'000);
        QVERIFY(entries.ok());
        QHash<QString, QStringList> actions;
        for (const AuditEntry &e : *entries) {
            if (e.entity == QLatin1String("outbox"))
                actions[e.entityId].append(e.action);
        }
        QVERIFY(!actions.isEmpty());
        for (auto it = actions.cbegin(); it != actions.cend(); ++it) {
            const QStringList &done = it.value();
            QCOMPARE(done.count(QStringLiteral("enqueued")), 1);
            auto job = store.outbox().get(it.key().toLongLong());
            QVERIFY2(job.ok(), qPrintable(it.key()));
            const int completed = int(done.count(QStringLiteral("completed")));
            if (job->state == QLatin1String("done"))
                QVERIFY2(completed == 1, qPrintable(done.join(u',')));
            else
                QVERIFY2(completed == 0 && job->state == QLatin1String("superseded"),
                         qPrintable(job->state + u' ' + done.join(u',')));
        }
        auto active = store.outbox().active();
        QVERIFY(active.ok());
        QVERIFY(active->isEmpty());
        auto inbox = store.inbox().countOpen();
        QVERIFY(inbox.ok());
        QCOMPARE(*inbox, 0);
    }

    void checkMirrorSynced(const QString &salesforceStatus)
    {
        for (int i = 1; i <= Leads; ++i) {
            auto record = m_engine->store->leads().byPlatformId(leadId(i));
            QVERIFY(record.ok() && record->has_value());
            QCOMPARE((*record)->syncState, QStringLiteral("synced"));
            QVERIFY((*record)->existsInSalesforce());
            QCOMPARE(m_sf.leads.value(leadId(i)).value(QStringLiteral("Status")).toString(),
                     salesforceStatus);
        }
    }

private slots:
    void failureAtEachStatementThenRestart_data()
    {
        QTest::addColumn<Direction>("direction");
        QTest::addColumn<Phase>("phase");
        QTest::newRow("platform -> Salesforce, intake") << Direction::ToSalesforce << Phase::Intake;
        QTest::newRow("platform -> Salesforce, delivery")
            << Direction::ToSalesforce << Phase::Delivery;
        QTest::newRow("Salesforce -> platform, intake") << Direction::ToPlatform << Phase::Intake;
        QTest::newRow("Salesforce -> platform, delivery")
            << Direction::ToPlatform << Phase::Delivery;
    }

    void failureAtEachStatementThenRestart()
    {
        QFETCH(Direction, direction);
        QFETCH(Phase, phase);
        int struck = 0;
        for (int statement = 1;; ++statement) {
            QVERIFY2(statement < 500, "the unit never ended");
            m_sf = {};
            m_pf = {};
            m_storePath = m_dir.filePath(
                QStringLiteral("%1-%2-%3.db").arg(int(direction)).arg(int(phase)).arg(statement));
            startProcess();
            receiveWebhooks();
            QList<QJsonObject> changes;
            if (direction == Direction::ToPlatform) {
                // The leads reached Salesforce before; a Salesforce user then changes them.
                QVERIFY(takeInWebhooks().ok());
                deliverAll(Direction::ToSalesforce);
                changes = salesforceChanges();
                m_pf.leadWrites.clear();
            }
            auto takeIn = [&]() -> bool {
                return direction == Direction::ToSalesforce ? takeInWebhooks().ok()
                                                            : takeInSalesforce(changes).ok();
            };

            // The failure, at this statement of the unit under test.
            if (phase == Phase::Delivery)
                QVERIFY(takeIn());
            db().failAfterStatements(statement);
            if (phase == Phase::Intake) {
                const bool tookIn = takeIn(); // failing is the point; what it left is checked
                Q_UNUSED(tookIn)
            } else
                QVERIFY(deliver(direction).has_value());
            const bool hit = !db().failurePending();
            db().failAfterStatements(0);

            // A restart on the same store: the source hands its records again (a webhook
            // stays stored, a poll overlaps, a stream replays), the queue drains.
            startProcess();
            m_clock.advanceMs(6 * 60'000); // the dead process's leases end
            QVERIFY(takeIn());
            deliverAll(direction);

            const QString at = QStringLiteral("failure at statement %1").arg(statement);
            for (int i = 1; i <= Leads; ++i) {
                const QHash<QString, int> &writes
                    = direction == Direction::ToSalesforce ? m_sf.leadWrites : m_pf.leadWrites;
                QVERIFY2(writes.value(leadId(i)) == 1,
                         qPrintable(at
                                    + QStringLiteral(": %1 written %2 times")
                                          .arg(leadId(i))
                                          .arg(writes.value(leadId(i)))));
            }
            checkMirrorSynced(direction == Direction::ToSalesforce
                                  ? QStringLiteral("Open - Not Contacted")
                                  : QStringLiteral("Working - Contacted"));
            if (direction == Direction::ToPlatform) {
                for (int i = 1; i <= Leads; ++i)
                    QCOMPARE(m_pf.leads.value(leadId(i)).value(QStringLiteral("status")),
                             QJsonValue(QStringLiteral("working")));
            }
            checkOutboxAgreesWithTheAudit();
            if (QTest::currentTestFailed()) {
                qWarning("%s", qPrintable(at));
                return;
            }
            if (!hit)
                break; // past the unit's last statement: every statement of it was tried
            ++struck;
        }
        qInfo("%d statements failed in turn", struck);
        QVERIFY(struck >= 3);
    }
};

QTEST_GUILESS_MAIN(TestFailureInjection)
#include "TestFailureInjection.moc"
