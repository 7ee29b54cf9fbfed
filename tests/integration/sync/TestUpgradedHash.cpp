// Issue 20: changing the content hash must not make every record look changed. A store as
// version 17 left it (every mirror hash the old hash over a rebuilt JSON document) is opened by
// this release; migration 18 re-hashes it, and then a reconcile and a pass that reads every
// record again from both sides write nothing anywhere. Runs on SQLite and PostgreSQL.
#include "LegacyContentHash.h"
#include "SyncWorld.h"
#include "TestBackend.h"
#include "mapping/ContentHash.h"
#include "store/Database.h"
#include "store/Migrations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

// The hash versions 1 to 17 stored, of a state column's text ('' is the empty object).
QString oldHash(const QString &stateText)
{
    return legacyContentHashOf(
        stateText.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(stateText.toUtf8()).object());
}

qint64 count(Database &db, const QString &sql)
{
    auto q = db.run(sql, sql);
    if (!q || !(*q)->next())
        return -1;
    const qint64 n = (*q)->value(0).toLongLong();
    (*q)->finish();
    return n;
}

// Turns a converged store back into what version 17 left: each stored hash replaced by the old
// hash of the state beside it, migration 18 unrecorded (it changes no schema), the watermarks
// rewound. Returns how many
// hashes were rewritten.
Result<qint64> downgradeToVersion17(const StoreConfig &config)
{
    auto db = Database::open(config, QStringLiteral("downgrade"));
    if (!db)
        return db.error();
    Transaction tx(**db);
    if (!tx.started())
        return tx.started().error();
    qint64 rewritten = 0;
    for (const QString &table : {QStringLiteral("leads"), QStringLiteral("agents")}) {
        struct Row
        {
            qint64 id;
            QVariant platformHash, salesforceHash;
        };
        QList<Row> rows;
        const QString select = QStringLiteral("SELECT id, platform_state, salesforce_state, "
                                              "platform_hash, salesforce_hash FROM ")
            + table;
        auto q = (*db)->run(select, select);
        if (!q)
            return q.error();
        while ((*q)->next()) {
            Row r {(*q)->value(0).toLongLong(), (*q)->value(3), (*q)->value(4)};
            for (auto [hash, state] : {std::pair {&r.platformHash, (*q)->value(1)},
                                       std::pair {&r.salesforceHash, (*q)->value(2)}}) {
                if (hash->toString().isEmpty())
                    continue;
                if (hash->toString()
                    != QString::fromLatin1(ContentHash::of(
                        state.toString().isEmpty()
                            ? QJsonObject()
                            : QJsonDocument::fromJson(state.toString().toUtf8()).object())))
                    return makeError(QStringLiteral("test"),
                                     QStringLiteral("a stored hash is not of its state"));
                *hash = oldHash(state.toString());
                ++rewritten;
            }
            rows.append(r);
        }
        (*q)->finish();
        const QString update = QStringLiteral("UPDATE ") + table
            + QStringLiteral(" SET platform_hash = ?, salesforce_hash = ? WHERE id = ?");
        for (const Row &r : std::as_const(rows)) {
            if (auto u = (*db)->run(update, update, {r.platformHash, r.salesforceHash, r.id}); !u)
                return u.error();
        }
    }
    if (auto r = (*db)->execute(QStringLiteral("DELETE FROM schema_version WHERE version >= 18"));
        !r)
        return r.error();
    // The next pass reads every record of both sides again, as after a lost watermark.
    if (auto r = (*db)->execute(QStringLiteral("DELETE FROM watermarks")); !r)
        return r.error();
    if (auto r = tx.commit(); !r)
        return r.error();
    return rewritten;
}

} // namespace

class TestUpgradedHash : public QObject
{
    Q_OBJECT

private slots:
    void anUpgradedStoreSendsNothing()
    {
        const int leads = qEnvironmentVariableIntValue("LB_UPGRADE_LEADS") > 0
            ? qEnvironmentVariableIntValue("LB_UPGRADE_LEADS")
            : 2000;
        QTemporaryDir dir;
        SyncWorld world;
        if (TestBackend::isPostgres()) {
            auto config = TestBackend::freshStore(dir);
            QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
            world.store = *config;
        }
        for (int i = 1; i <= 60; ++i)
            QVERIFY(world.salesforce
                        .createRecord(QStringLiteral("People__c"), person(i, i <= 40),
                                      QStringLiteral("Admin"))
                        .ok());
        world.platform.generateAgents(40);
        world.platform.generateLeads(leads);
        QVERIFY2(world.start().ok(), "engine start");
        auto first = world.runOnce();
        QVERIFY(first.has_value());
        QVERIFY2(first->ok, qPrintable(first->error.toString()));
        QCOMPARE(first->toInbox, 0);
        QCOMPARE(first->stillPending, 0);
        QCOMPARE(world.salesforce.recordCount(QStringLiteral("Lead")), leads);
        world.stopEngine();

        const StoreConfig config
            = world.store ? *world.store : StoreConfig::sqlite(world.storePath);
        auto rewritten = downgradeToVersion17(config);
        QVERIFY2(rewritten.ok(), rewritten ? "" : qPrintable(rewritten.error().toString()));
        QVERIFY2(*rewritten >= 2 * leads, qPrintable(QString::number(*rewritten)));
        qint64 outboxBefore = 0;
        {
            auto db = Database::open(config, QStringLiteral("check"));
            QVERIFY(db.ok());
            QCOMPARE(*Migrations::currentVersion(**db), 17);
            outboxBefore = count(**db, QStringLiteral("SELECT COUNT(*) FROM outbox"));
        }
        const qsizetype sfWrites = world.salesforce.writeLog().entries().size();
        const qsizetype pfWrites = world.platform.writeLog().size();

        // This release opens it: migration 18 runs on the engine's start.
        QVERIFY2(world.restartEngine().ok(), "engine restart");

        // Every record read again as a change from both sides (the watermarks were rewound):
        // each is an echo of what the mirror holds. This comes first, as a reconcile observes
        // both sides afresh and would heal stale hashes on its own.
        {
            auto db = Database::open(config, QStringLiteral("check"));
            QVERIFY(db.ok());
            QCOMPARE(*Migrations::currentVersion(**db), Migrations::latestVersion());
        }
        auto pass = world.runOnce();
        QVERIFY(pass.has_value());
        QVERIFY2(pass->ok, qPrintable(pass->error.toString()));
        QCOMPARE(pass->delivered, 0);
        QCOMPARE(world.salesforce.writeLog().entries().size(), sfWrites);
        QCOMPARE(world.platform.writeLog().size(), pfWrites);

        // A reconcile compares every lead and agent on both sides with the mirror.
        QSignalSpy reconciled(&world.controller(), &ThreadedSyncController::reconciled);
        world.controller().reconcileNow();
        QVERIFY(QTest::qWaitFor([&] { return reconciled.count() > 0; }, 300'000));
        QVERIFY2(reconciled.first().at(1).toString().isEmpty(),
                 qPrintable(reconciled.first().at(1).toString()));
        const auto report = reconciled.first().at(0).value<ReconcileReport>();
        QCOMPARE(report.enqueued, 0);
        QCOMPARE(report.differing, 0);
        world.stopEngine();

        // Nothing sent to either side, nothing queued.
        QCOMPARE(world.salesforce.writeLog().entries().size(), sfWrites);
        QCOMPARE(world.platform.writeLog().size(), pfWrites);
        auto db = Database::open(config, QStringLiteral("check"));
        QVERIFY(db.ok());
        QCOMPARE(count(**db, QStringLiteral("SELECT COUNT(*) FROM outbox")), outboxBefore);
    }
};

QTEST_GUILESS_MAIN(TestUpgradedHash)
#include "TestUpgradedHash.moc"
