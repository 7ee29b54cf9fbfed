#include "StreamLatencyBench.h"

#include "BenchLoop.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>

namespace lb::bench {
namespace {

constexpr int Agents = 200;

} // namespace

void runStreamLatencyBench(BenchReport &report, BenchWorld &world, int leads, int eventsPerSecond,
                           int seconds)
{
    const QString section = QStringLiteral("stream_latency");
    world.resetPlatform(Agents, leads);
    world.resetSalesforce(Agents);
    const QString profile = world.writeProfile(
        QStringLiteral("bench-stream"), 0,
        {{QStringLiteral("backstop_poll_min"), 60}, {QStringLiteral("poll_interval_s"), 600}});

    ChildProcess child(world.binaries().leadbridge,
                       {QStringLiteral("--profile"), profile, QStringLiteral("sync")},
                       world.leadbridgeEnvironment());
    if (child.start(world.workDir()) == 0) {
        report.failure(QStringLiteral("stream latency: cannot start leadbridge sync"));
        return;
    }
    // The start poll brings every lead across (the stream subscribed before it); the edits
    // start after it.
    const bool initialSync = pumpUntil(
        [&] { return world.salesforce.recordCount(QStringLiteral("Lead")) >= leads; }, 300'000);
    if (!initialSync) {
        child.terminate();
        const ChildRun run = child.wait(30'000);
        report.failure(QStringLiteral("stream latency: the initial sync did not finish: ")
                       + QString::fromUtf8(run.err.right(600)));
        return;
    }
    pumpUntil([] { return false; }, 1'000); // let the first pass and its echoes settle

    // Salesforce Id -> platform id of every lead, and its score now (each edit changes it).
    QList<QPair<QString, QString>> all;
    QHash<QString, int> score;
    for (const sandbox::LeadRecord &lead : world.platform.leads()) {
        const auto r = world.salesforce.recordByExternalId(
            QStringLiteral("Lead"), QStringLiteral("Platform_Lead_Id__c"), lead.id);
        if (r)
            all.append({r->value(QStringLiteral("Id")).toString(), lead.id});
        score.insert(lead.id, lead.score);
    }
    if (all.isEmpty()) {
        report.failure(QStringLiteral("stream latency: no lead reached Salesforce"));
        return;
    }
    QHash<QString, qint64> pending; // platform id -> edit time (ns)
    std::vector<double> latencies;
    latencies.reserve(size_t(eventsPerSecond) * size_t(seconds));
    QElapsedTimer clock;
    clock.start();
    qint64 seenSeq = world.platform.writeLog().size();
    const auto scanWrites = [&] {
        const auto &entries = world.platform.writeLog().entries();
        const qint64 now = clock.nsecsElapsed();
        for (qint64 i = seenSeq; i < entries.size(); ++i) {
            const auto it = pending.find(entries.at(i).id);
            if (it == pending.end())
                continue;
            latencies.push_back(double(now - it.value()) / 1e6);
            pending.erase(it);
        }
        seenSeq = entries.size();
    };
    const auto connection = QObject::connect(
        &world.platform, &sandbox::PlatformSandbox::requestHandled, &world.platform, scanWrites);

    // A steady rate: each tick makes the edits that are due by now.
    const qint64 total = qint64(eventsPerSecond) * seconds;
    qint64 sent = 0;
    qint64 skipped = 0;
    qint64 refused = 0;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(2);
    const qint64 startNs = clock.nsecsElapsed();
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 due
            = std::min(total, (clock.nsecsElapsed() - startNs) * eventsPerSecond / 1'000'000'000);
        while (sent < due) {
            const auto &[salesforceId, platformId] = all.at(int(sent % all.size()));
            ++sent;
            if (pending.contains(platformId)) { // the previous edit is still on its way
                ++skipped;
                continue;
            }
            const int next = (score.value(platformId) + 1) % 101;
            score.insert(platformId, next);
            pending.insert(platformId, clock.nsecsElapsed());
            // A sales rep in Salesforce: not LeadBridge's client, so not an echo.
            if (!world.salesforce
                     .updateRecord(QStringLiteral("Lead"), salesforceId,
                                   {{QStringLiteral("Lead_Score__c"), next}},
                                   QStringLiteral("SalesRep"))
                     .ok()) {
                pending.remove(platformId);
                ++refused;
            }
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
    const double edits = double(sent - skipped - refused);
    report.set(section, QStringLiteral("edits_per_s_target"), eventsPerSecond);
    report.set(section, QStringLiteral("edits_per_s_sent"), edits / sendSeconds);
    report.set(section, QStringLiteral("edits"), edits);
    report.set(section, QStringLiteral("measured"), double(latencies.size()));
    report.set(section, QStringLiteral("not_arrived_after_30s"), double(lost));
    report.set(section, QStringLiteral("p50_ms"), percentile(latencies, 0.50));
    report.set(section, QStringLiteral("p95_ms"), percentile(latencies, 0.95));
    report.set(section, QStringLiteral("p99_ms"), percentile(latencies, 0.99));
    report.set(section, QStringLiteral("max_ms"), latencies.empty() ? 0 : latencies.back());
    report.set(section, QStringLiteral("leadbridge_peak_rss_mb"), run.peakRssMb);
    report.set(section, QStringLiteral("leadbridge_cpu_seconds"), run.cpuSeconds);
    report.goal(
        QStringLiteral("Salesforce -> platform (stream) p99 at %1 edits/s").arg(eventsPerSecond),
        percentile(latencies, 0.99), QStringLiteral("<="), 1000, QStringLiteral("ms"));
    if (refused > 0)
        report.failure(QStringLiteral("stream latency: Salesforce refused %1 edits").arg(refused));
    if (lost > 0 || latencies.empty())
        report.failure(
            QStringLiteral("stream latency: %1 edits did not reach the platform within 30 s")
                .arg(lost));
    if (run.exitCode != 0)
        report.failure(QStringLiteral("stream latency: leadbridge sync exited with %1: %2")
                           .arg(run.exitCode)
                           .arg(QString::fromUtf8(run.err.right(600))));
}

} // namespace lb::bench
