#include "HashBench.h"

#include "mapping/ContentHash.h"
#include "store/Migrations.h"
#include "store/MirrorRehash.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <ctime>

namespace lb::bench {
namespace {

// Thread CPU time, so another process on the shared cores does not count.
double cpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

template<typename Hash>
double microsPerHash(const QList<QJsonObject> &states, int rounds, Hash hash)
{
    qsizetype sink = 0;
    const double start = cpuSeconds();
    for (int r = 0; r < rounds; ++r)
        for (const QJsonObject &s : states)
            sink += hash(s).size();
    const double spent = cpuSeconds() - start;
    if (sink == 0)
        return -1;
    return spent * 1e6 / double(rounds * states.size());
}

// A store as version 17 left it, `rows` leads with both states and their old hashes, then
// opened by this release.
void measureMigration(BenchReport &report, const QString &workDir, int rows,
                      const QList<QJsonObject> &states)
{
    const QString section = QStringLiteral("hash");
    auto db = Database::open(StoreConfig::sqlite(workDir + QStringLiteral("/rehash.db")),
                             QStringLiteral("bench"));
    if (!db) {
        report.failure(QStringLiteral("hash: ") + db.error().message);
        return;
    }
    if (auto r = Migrations::migrate(**db, 17); !r) {
        report.failure(QStringLiteral("hash: ") + r.error().message);
        return;
    }
    {
        Transaction tx(**db);
        for (int i = 0; i < rows; ++i) {
            const QJsonObject &p = states.at((2 * i) % states.size());
            const QJsonObject &s = states.at((2 * i + 1) % states.size());
            auto r = (*db)->run(
                QStringLiteral("insert"),
                QStringLiteral("INSERT INTO leads (platform_id, platform_state, salesforce_state, "
                               "platform_hash, salesforce_hash, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, 1)"),
                {QStringLiteral("L-%1").arg(i),
                 QString::fromUtf8(QJsonDocument(p).toJson(QJsonDocument::Compact)),
                 QString::fromUtf8(QJsonDocument(s).toJson(QJsonDocument::Compact)),
                 QString::fromLatin1(legacyContentHash(p)),
                 QString::fromLatin1(legacyContentHash(s))});
            if (!r) {
                report.failure(QStringLiteral("hash: ") + r.error().message);
                return;
            }
        }
        if (auto r = tx.commit(); !r) {
            report.failure(QStringLiteral("hash: ") + r.error().message);
            return;
        }
    }
    QElapsedTimer timer;
    timer.start();
    if (auto r = Migrations::migrate(**db); !r) {
        report.failure(QStringLiteral("hash: migration 18: ") + r.error().message);
        return;
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    report.set(section, QStringLiteral("migration18_rows"), rows);
    report.set(section, QStringLiteral("migration18_seconds"), seconds);
    report.set(section, QStringLiteral("migration18_rows_per_s"), seconds > 0 ? rows / seconds : 0);
}

} // namespace

void runHashBench(BenchReport &report, int iterations, const QString &workDir, int rows)
{
    // Shapes as the mirror keeps them (the sandbox's generated leads, mapped).
    QList<QJsonObject> states;
    for (int i = 0; i < 100; ++i) {
        states.append(QJsonObject {
            {QStringLiteral("id"), QStringLiteral("L-%1").arg(i, 6, 10, QLatin1Char('0'))},
            {QStringLiteral("first_name"), QStringLiteral("First%1").arg(i)},
            {QStringLiteral("last_name"), QStringLiteral("Last name %1").arg(i)},
            {QStringLiteral("company"), QStringLiteral("Company %1 Ltd").arg(i % 37)},
            {QStringLiteral("email"), QStringLiteral("person%1@example.com").arg(i)},
            {QStringLiteral("phone"), QStringLiteral("+1415555%1").arg(i, 4, 10, QLatin1Char('0'))},
            {QStringLiteral("status"), QStringLiteral("working")},
            {QStringLiteral("source"), QStringLiteral("web")},
            {QStringLiteral("score"), i % 101},
            {QStringLiteral("value"), 1000.5 + i},
            {QStringLiteral("agent_id"),
             i % 3 ? QJsonValue(QStringLiteral("A-%1").arg(i % 200))
                   : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("eligible"), i % 2 == 0}});
        states.append(QJsonObject {
            {QStringLiteral("Platform_Lead_Id__c"),
             QStringLiteral("L-%1").arg(i, 6, 10, QLatin1Char('0'))},
            {QStringLiteral("FirstName"), QStringLiteral("First%1").arg(i)},
            {QStringLiteral("LastName"), QStringLiteral("Last name %1").arg(i)},
            {QStringLiteral("Company"), QStringLiteral("Company %1 Ltd").arg(i % 37)},
            {QStringLiteral("Email"), QStringLiteral("person%1@example.com").arg(i)},
            {QStringLiteral("Phone"), QStringLiteral("+1415555%1").arg(i, 4, 10, QLatin1Char('0'))},
            {QStringLiteral("Status"), QStringLiteral("Working - Contacted")},
            {QStringLiteral("LeadSource"), QStringLiteral("Web")},
            {QStringLiteral("Lead_Score__c"), double(i % 101)},
            {QStringLiteral("Estimated_Value__c"), 1000.5 + i},
            {QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("LeadPlatform")}});
    }
    const int rounds = std::max(1, iterations / int(states.size()));
    const double canonical = microsPerHash(states, rounds, &ContentHash::of);
    const double legacy = microsPerHash(states, rounds, &legacyContentHash);
    report.set(QStringLiteral("hash"), QStringLiteral("canonical_us_per_hash"), canonical);
    report.set(QStringLiteral("hash"), QStringLiteral("json_document_us_per_hash"), legacy);
    report.set(QStringLiteral("hash"), QStringLiteral("hashes"), rounds * int(states.size()));
    measureMigration(report, workDir, rows, states);
}

} // namespace lb::bench
