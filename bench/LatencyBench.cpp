#include "LatencyBench.h"

#include "BenchLoop.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>

namespace lb::bench {
namespace {

constexpr int Agents = 200;

} // namespace

void runLatencyBench(BenchReport &report, BenchWorld &world, int leads, int eventsPerSecond,
                     int seconds)
{
    const QString section = QStringLiteral("latency");
    world.resetPlatform(Agents, leads);
    world.resetSalesforce(Agents);
    const quint16 port = freePort();
    world.platform.setWebhookTarget(
        QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(port)),
        QByteArray(BenchWorld::WebhookSecret));
    const QString profile = world.writeProfile(QStringLiteral("bench-latency"), port);

    ChildProcess child(world.binaries().leadbridge,
                       {QStringLiteral("--profile"), profile, QStringLiteral("sync")},
                       world.leadbridgeEnvironment());
    if (child.start(world.workDir()) == 0) {
        report.failure(QStringLiteral("latency: cannot start leadbridge sync"));
        return;
    }
    // The server's first pass brings every lead across; the edits start after it.
    const bool initialSync = pumpUntil(
        [&] { return world.salesforce.recordCount(QStringLiteral("Lead")) >= leads; }, 300'000);
    if (!initialSync) {
        child.terminate();
        const ChildRun run = child.wait(30'000);
        report.failure(QStringLiteral("latency: the initial sync did not finish: ")
                       + QString::fromUtf8(run.err.right(600)));
        return;
    }
    pumpUntil([] { return false; }, 500); // let the first pass settle

    const QList<sandbox::LeadRecord> all = world.platform.leads();
    QHash<QString, qint64> pending; // lead id -> edit time (ns)
    std::vector<double> latencies;
    latencies.reserve(size_t(eventsPerSecond) * size_t(seconds));
    QElapsedTimer clock;
    clock.start();
    qint64 seenSeq = world.salesforce.writeLog().size();
    const auto scanWrites = [&] {
        const auto &entries = world.salesforce.writeLog().entries();
        const qint64 now = clock.nsecsElapsed();
        for (qint64 i = seenSeq; i < entries.size(); ++i) {
            const auto &e = entries.at(i);
            if (e.object != QLatin1String("Lead"))
                continue;
            const auto it = pending.find(e.externalId);
            if (it == pending.end())
                continue;
            latencies.push_back(double(now - it.value()) / 1e6);
            pending.erase(it);
        }
        seenSeq = entries.size();
    };
    const auto connection
        = QObject::connect(&world.salesforce, &sandbox::SalesforceSandbox::requestServed,
                           &world.salesforce, scanWrites);

    // A steady rate: each tick sends the edits that are due by now, so timer jitter does not
    // bunch or thin the load.
    const qint64 total = qint64(eventsPerSecond) * seconds;
    qint64 sent = 0;
    qint64 skipped = 0;
    QHash<QString, int> score;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(2);
    const qint64 startNs = clock.nsecsElapsed();
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 due
            = std::min(total, (clock.nsecsElapsed() - startNs) * eventsPerSecond / 1'000'000'000);
        while (sent < due) {
            const auto &lead = all.at(int(sent % all.size()));
            ++sent;
            if (pending.contains(lead.id)) { // the previous edit is still on its way
                ++skipped;
                continue;
            }
            const int next = (score.value(lead.id, lead.score) + 1) % 101;
            score.insert(lead.id, next);
            pending.insert(lead.id, clock.nsecsElapsed());
            (void)world.platform.editLead(lead.id, QJsonObject {{QStringLiteral("score"), next}});
        }
        if (sent >= total)
            loop.quit();
    });
    tick.start();
    loop.exec();
    tick.stop();
    const double sendSeconds = double(clock.nsecsElapsed() - startNs) / 1e9;
    pumpUntil([&] { return pending.isEmpty(); }, 30'000);
    QObject::disconnect(connection);
    const qint64 lost = pending.size();

    child.terminate();
    const ChildRun run = child.wait(60'000);
    std::sort(latencies.begin(), latencies.end());
    report.set(section, QStringLiteral("events_per_s_target"), eventsPerSecond);
    report.set(section, QStringLiteral("events_per_s_sent"), double(sent - skipped) / sendSeconds);
    report.set(section, QStringLiteral("events"), double(sent - skipped));
    report.set(section, QStringLiteral("measured"), double(latencies.size()));
    report.set(section, QStringLiteral("not_arrived_after_30s"), double(lost));
    report.set(section, QStringLiteral("p50_ms"), percentile(latencies, 0.50));
    report.set(section, QStringLiteral("p95_ms"), percentile(latencies, 0.95));
    report.set(section, QStringLiteral("p99_ms"), percentile(latencies, 0.99));
    report.set(section, QStringLiteral("max_ms"), latencies.empty() ? 0 : latencies.back());
    report.set(section, QStringLiteral("leadbridge_peak_rss_mb"), run.peakRssMb);
    report.set(section, QStringLiteral("leadbridge_cpu_seconds"), run.cpuSeconds);
    report.goal(QStringLiteral("webhook -> Salesforce p99 at %1 events/s").arg(eventsPerSecond),
                percentile(latencies, 0.99), QStringLiteral("<="), 250, QStringLiteral("ms"));
    if (lost > 0 || latencies.empty())
        report.failure(
            QStringLiteral("latency: %1 edits did not reach Salesforce within 30 s").arg(lost));
    if (run.exitCode != 0)
        report.failure(QStringLiteral("latency: leadbridge sync exited with %1: %2")
                           .arg(run.exitCode)
                           .arg(QString::fromUtf8(run.err.right(600))));
}

} // namespace lb::bench
