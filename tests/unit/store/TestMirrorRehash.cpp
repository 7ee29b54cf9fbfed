// Migration 18 (issue 20): the mirror's hashes re-computed once with the canonical byte hash, in
// batches, on SQLite and PostgreSQL (LB_TEST_BACKEND); a failure at any statement leaves the
// store at version 17 with every old hash, and the next start completes it.
#include "LegacyContentHash.h"
#include "TestBackend.h"
#include "mapping/ContentHash.h"
#include "store/Migrations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

QString oldHash(const QJsonObject &fields)
{
    return test::legacyContentHashOf(fields);
}

QString text(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject platformState(int i)
{
    return {{QStringLiteral("id"), QStringLiteral("L-%1").arg(i)},
            {QStringLiteral("last_name"), QStringLiteral("Name %1").arg(i)},
            {QStringLiteral("score"), i % 100},
            {QStringLiteral("value"), i * 1.25},
            {QStringLiteral("eligible"), i % 2 == 0},
            {QStringLiteral("agent_id"), QJsonValue::Null}};
}

QJsonObject salesforceState(int i)
{
    return {{QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-%1").arg(i)},
            {QStringLiteral("LastName"), QStringLiteral("Name %1").arg(i)},
            {QStringLiteral("Lead_Score__c"), double(i % 100)}};
}

constexpr int Leads = 1234; // more than two of the migration's read batches (500)
const QString Inconsistent = QStringLiteral("0123456789abcdef0123456789abcdef");

struct Hashes
{
    QVariant platform;
    QVariant salesforce;

    // NULL and '' are different states of a hash column.
    static bool same(const QVariant &a, const QVariant &b)
    {
        return a.isNull() == b.isNull() && a.toString() == b.toString();
    }
    bool operator==(const Hashes &o) const
    {
        return same(platform, o.platform) && same(salesforce, o.salesforce);
    }
};

} // namespace

class TestMirrorRehash : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    StoreConfig m_config;

    // Every lead's and agent's two hash columns, by platform id, as stored.
    QHash<QString, Hashes> stored(Database &db)
    {
        QHash<QString, Hashes> out;
        for (const QString &sql :
             {QStringLiteral("SELECT platform_id, platform_hash, salesforce_hash FROM leads"),
              QStringLiteral("SELECT salesforce_id, platform_hash, salesforce_hash FROM agents")}) {
            auto q = db.run(sql, sql);
            if (!q)
                qFatal("%s", qPrintable(q.error().toString()));
            while ((*q)->next())
                out.insert((*q)->value(0).toString(), {(*q)->value(1), (*q)->value(2)});
            (*q)->finish();
        }
        return out;
    }

    // A store as version 17 left it: states beside their old hashes, and the odd rows.
    void fillVersion17(Database &db)
    {
        QVERIFY(Migrations::migrate(db, 17).ok());
        QCOMPARE(*Migrations::currentVersion(db), 17);
        Transaction tx(db);
        QVERIFY(tx.started().ok());
        const QString insert = QStringLiteral(
            "INSERT INTO leads (platform_id, platform_state, salesforce_state, platform_hash, "
            "salesforce_hash, updated_at) VALUES (?, ?, ?, ?, ?, 1)");
        for (int i = 1; i <= Leads; ++i) {
            QVariant sfState = text(salesforceState(i)), sfHash = oldHash(salesforceState(i));
            QVariant pfHash = oldHash(platformState(i));
            if (i % 10 == 0) // only on the platform so far: no Salesforce state or hash
                sfState = sfHash = QVariant(QMetaType::fromType<QString>());
            if (i % 10 == 1) // a hash that is not of its state stays what it was
                pfHash = Inconsistent;
            if (i % 10 == 2) // an empty hash is "not on that side" and stays empty
                sfHash = QStringLiteral("");
            auto r = db.run(
                QStringLiteral("insert"), insert,
                {QStringLiteral("L-%1").arg(i), text(platformState(i)), sfState, pfHash, sfHash});
            QVERIFY2(r.ok(), r ? "" : qPrintable(r.error().toString()));
        }
        // An agent whose platform state is empty (NULL) but known: the hash of {}.
        auto a = db.run(QStringLiteral("agent"),
                        QStringLiteral("INSERT INTO agents (salesforce_id, platform_id, "
                                       "salesforce_state, platform_hash, salesforce_hash, "
                                       "updated_at) VALUES (?, ?, ?, ?, ?, 1)"),
                        {QStringLiteral("a0P1"), QStringLiteral("A-1"), text(salesforceState(7)),
                         oldHash({}), oldHash(salesforceState(7))});
        QVERIFY(a.ok());
        QVERIFY(tx.commit().ok());
    }

private slots:
    void init()
    {
        auto config = test::TestBackend::freshStore(m_dir);
        QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
        m_config = *config;
    }

    void rehashesEveryConsistentHashOnce()
    {
        auto db = Database::open(m_config, QStringLiteral("rehash"));
        QVERIFY(db.ok());
        fillVersion17(**db);
        const auto before = stored(**db);

        // A failure at any statement of the upgrade rolls migration 18 back whole.
        int failures = 0;
        for (int n = 1;; ++n) {
            (*db)->failAfterStatements(n);
            auto migrated = Migrations::migrate(**db, 18);
            if (migrated.ok()) { // n is past the upgrade's last statement, its commit
                (*db)->failAfterStatements(0);
                break;
            }
            ++failures;
            QCOMPARE(*Migrations::currentVersion(**db), 17);
            QVERIFY2(stored(**db) == before, qPrintable(QString::number(n)));
        }
        QVERIFY(failures > 10); // it did strike inside the re-hash, not only before it
        QCOMPARE(*Migrations::currentVersion(**db), 18);

        const auto after = stored(**db);
        QCOMPARE(after.size(), Leads + 1);
        for (int i = 1; i <= Leads; ++i) {
            const Hashes h = after.value(QStringLiteral("L-%1").arg(i));
            if (i % 10 == 1)
                QCOMPARE(h.platform.toString(), Inconsistent);
            else
                QCOMPARE(h.platform.toString(),
                         QString::fromLatin1(ContentHash::of(platformState(i))));
            if (i % 10 == 0)
                QVERIFY(h.salesforce.isNull());
            else if (i % 10 == 2)
                QVERIFY(!h.salesforce.isNull() && h.salesforce.toString().isEmpty());
            else
                QCOMPARE(h.salesforce.toString(),
                         QString::fromLatin1(ContentHash::of(salesforceState(i))));
            QVERIFY(h.salesforce.toString() != oldHash(salesforceState(i)));
        }
        const Hashes agent = after.value(QStringLiteral("a0P1"));
        QCOMPARE(agent.platform.toString(), QString::fromLatin1(ContentHash::of({})));
        QCOMPARE(agent.salesforce.toString(),
                 QString::fromLatin1(ContentHash::of(salesforceState(7))));

        // Recorded once: a second start finds nothing to do and changes nothing.
        QVERIFY(Migrations::migrate(**db).ok());
        QVERIFY(stored(**db) == after);
    }
};

QTEST_GUILESS_MAIN(TestMirrorRehash)
#include "TestMirrorRehash.moc"
