#include "StoreBench.h"

#include "PostgresAdmin.h"
#include "store/Store.h"

#include <QElapsedTimer>
#include <QFile>

#include <atomic>
#include <thread>

namespace lb::bench {
namespace {

QList<NewJob> makeJobs(int from, int count)
{
    QList<NewJob> jobs;
    jobs.reserve(count);
    for (int i = from; i < from + count; ++i)
        jobs.append({QStringLiteral("bench-%1").arg(i), QStringLiteral("sf.lead.upsert"),
                     JobTarget::Salesforce, QStringLiteral("lead:L-%1").arg(i),
                     QByteArrayLiteral("{\"platform_id\":\"L\"}"), 0, 0, false});
    return jobs;
}

double enqueueAll(Store &store, int total)
{
    QElapsedTimer t;
    t.start();
    for (int done = 0; done < total; done += 1000)
        (void)store.outbox().enqueue(makeJobs(done, std::min(1000, total - done)),
                                     QStringLiteral("bench"));
    return total / (t.nsecsElapsed() / 1e9);
}

double claimComplete(const StoreConfig &config, int workers, int batch, int total)
{
    std::atomic<int> completed {0};
    QElapsedTimer t;
    t.start();
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            auto store = Store::open(config, Clock::system(), QStringLiteral("bench-%1").arg(w));
            if (!store)
                return;
            const QString id = QStringLiteral("bench-worker-%1").arg(w);
            for (;;) {
                auto claimed = (*store)->outbox().claim(id, batch, 600'000);
                if (!claimed) {
                    if (claimed.error().code == QLatin1String("store_busy"))
                        continue;
                    return;
                }
                if (claimed->isEmpty())
                    return;
                QList<qint64> ids;
                for (const auto &j : *claimed)
                    ids.append(j.id);
                auto done = (*store)->outbox().complete(ids, id);
                if (done)
                    completed += *done;
            }
        });
    }
    for (auto &th : threads)
        th.join();
    const double seconds = t.nsecsElapsed() / 1e9;
    return completed.load() == total ? total / seconds : -1;
}

} // namespace

void runStoreBench(BenchReport &report, const QString &workDir, int jobs,
                   const std::optional<StoreConfig> &postgres)
{
    const QString section = QStringLiteral("store");
    {
        const StoreConfig sqlite = StoreConfig::sqlite(workDir + QStringLiteral("/bench-store.db"));
        QFile::remove(sqlite.sqlitePath);
        auto store = Store::open(sqlite, Clock::system(), QStringLiteral("bench"));
        if (!store) {
            report.failure(QStringLiteral("SQLite store: ") + store.error().message);
            return;
        }
        const double enqueue = enqueueAll(**store, jobs);
        const double claim = claimComplete(sqlite, 1, 50, jobs);
        if (claim < 0)
            report.failure(QStringLiteral("SQLite claim+complete did not complete every job"));
        report.set(section, QStringLiteral("jobs"), jobs);
        report.set(section, QStringLiteral("sqlite_enqueue_jobs_per_s"), enqueue);
        report.set(section, QStringLiteral("sqlite_claim_complete_jobs_per_s"), claim);
        report.goal(QStringLiteral("SQLite outbox enqueue"), enqueue, QStringLiteral(">="), 50'000,
                    QStringLiteral("jobs/s"));
        report.goal(QStringLiteral("SQLite outbox claim+complete"), claim, QStringLiteral(">="),
                    20'000, QStringLiteral("jobs/s"));
    }
    if (!postgres) {
        report.note(QStringLiteral("PostgreSQL figures skipped: pass --pg URL"));
        return;
    }
    if (const QString error = resetPostgres(*postgres); !error.isEmpty()) {
        report.failure(QStringLiteral("PostgreSQL store: ") + error);
        return;
    }
    auto store = Store::open(*postgres, Clock::system(), QStringLiteral("bench"));
    if (!store) {
        report.failure(QStringLiteral("PostgreSQL store: ") + store.error().message);
        return;
    }
    const double enqueue = enqueueAll(**store, jobs);
    const double claim = claimComplete(*postgres, 4, 50, jobs);
    if (claim < 0)
        report.failure(QStringLiteral("PostgreSQL claim+complete did not complete every job"));
    report.set(section, QStringLiteral("postgres_enqueue_jobs_per_s"), enqueue);
    report.set(section, QStringLiteral("postgres_claim_complete_4_workers_jobs_per_s"), claim);
    report.goal(QStringLiteral("PostgreSQL claim+complete, 4 workers"), claim, QStringLiteral(">="),
                2'000, QStringLiteral("jobs/s"));
}

} // namespace lb::bench
