#include "EditLatency.h"

#include "BenchLoop.h"

#include <QEventLoop>
#include <QTimer>

#include <algorithm>

namespace lb::bench {

EditLatency::EditLatency(BenchReport &report, BenchWorld &world, Run run)
    : m_report(report)
    , m_world(world)
    , m_run(std::move(run))
{
    m_clock.start();
}

EditLatency::~EditLatency()
{
    if (m_child) { // a run that failed before report(): leave no server behind
        m_child->terminate();
        m_child->wait(30'000);
    }
}

bool EditLatency::startSync(const QString &profile)
{
    m_child.emplace(m_world.binaries().leadbridge,
                    QStringList {QStringLiteral("--profile"), profile, QStringLiteral("sync")},
                    m_world.leadbridgeEnvironment());
    if (m_child->start(m_world.workDir()) == 0) {
        m_child.reset();
        m_report.failure(m_run.section + QStringLiteral(": cannot start leadbridge sync"));
        return false;
    }
    // The server's first pass brings every lead across; the edits start after it.
    const bool initialSync = pumpUntil(
        [&] { return m_world.salesforce.recordCount(QStringLiteral("Lead")) >= m_run.leads; },
        300'000);
    if (!initialSync) {
        m_child->terminate();
        const ChildRun run = m_child->wait(30'000);
        m_child.reset();
        m_report.failure(m_run.section + QStringLiteral(": the initial sync did not finish: ")
                         + QString::fromUtf8(run.err.right(600)));
        return false;
    }
    pumpUntil([] { return false; }, m_run.settleMs); // let the first pass and its echoes settle
    return true;
}

void EditLatency::editAtSteadyRate(int perSecond, int seconds,
                                   const std::function<QString(qint64)> &keyOf,
                                   const std::function<bool(qint64)> &edit)
{
    m_perSecond = perSecond;
    m_latencies.reserve(size_t(perSecond) * size_t(seconds));
    // Each tick makes the edits that are due by now, so timer jitter does not bunch or thin
    // the load.
    const qint64 total = qint64(perSecond) * seconds;
    qint64 sent = 0;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(2);
    const qint64 startNs = m_clock.nsecsElapsed();
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 due
            = std::min(total, (m_clock.nsecsElapsed() - startNs) * perSecond / 1'000'000'000);
        while (sent < due) {
            const qint64 i = sent++;
            const QString key = keyOf(i);
            if (m_pending.contains(key)) // the previous edit is still on its way
                continue;
            m_pending.insert(key, m_clock.nsecsElapsed());
            if (edit(i)) {
                ++m_edits;
            } else {
                m_pending.remove(key);
                ++m_refused;
            }
        }
        if (sent >= total)
            loop.quit();
    });
    tick.start();
    loop.exec();
    tick.stop();
    m_sendSeconds = double(m_clock.nsecsElapsed() - startNs) / 1e9;
    pumpUntil([&] { return m_pending.isEmpty(); }, 30'000);
}

void EditLatency::arrived(const QString &key)
{
    const auto it = m_pending.find(key);
    if (it == m_pending.end())
        return;
    m_latencies.push_back(double(m_clock.nsecsElapsed() - it.value()) / 1e6);
    m_pending.erase(it);
}

void EditLatency::report(const QString &goal, double goalP99Ms)
{
    const qint64 lost = m_pending.size();
    ChildRun run;
    if (m_child) {
        m_child->terminate();
        run = m_child->wait(60'000);
        m_child.reset();
    }
    std::sort(m_latencies.begin(), m_latencies.end());
    const QString &s = m_run.section;
    const QString &noun = m_run.noun;
    m_report.set(s, noun + QStringLiteral("_per_s_target"), m_perSecond);
    m_report.set(s, noun + QStringLiteral("_per_s_sent"),
                 m_sendSeconds > 0 ? double(m_edits) / m_sendSeconds : 0);
    m_report.set(s, noun, double(m_edits));
    m_report.set(s, QStringLiteral("measured"), double(m_latencies.size()));
    m_report.set(s, QStringLiteral("not_arrived_after_30s"), double(lost));
    m_report.set(s, QStringLiteral("p50_ms"), percentile(m_latencies, 0.50));
    m_report.set(s, QStringLiteral("p95_ms"), percentile(m_latencies, 0.95));
    m_report.set(s, QStringLiteral("p99_ms"), percentile(m_latencies, 0.99));
    m_report.set(s, QStringLiteral("max_ms"), m_latencies.empty() ? 0 : m_latencies.back());
    m_report.set(s, QStringLiteral("leadbridge_peak_rss_mb"), run.peakRssMb);
    m_report.set(s, QStringLiteral("leadbridge_cpu_seconds"), run.cpuSeconds);
    m_report.goal(goal, percentile(m_latencies, 0.99), QStringLiteral("<="), goalP99Ms,
                  QStringLiteral("ms"));
    if (m_refused > 0)
        m_report.failure(
            QStringLiteral("%1: %2 edits were refused where they were made").arg(s).arg(m_refused));
    if (lost > 0 || m_latencies.empty())
        m_report.failure(QStringLiteral("%1: %2 edits did not reach %3 within 30 s")
                             .arg(s)
                             .arg(lost)
                             .arg(m_run.destination));
    if (run.exitCode != 0)
        m_report.failure(QStringLiteral("%1: leadbridge sync exited with %2: %3")
                             .arg(s)
                             .arg(run.exitCode)
                             .arg(QString::fromUtf8(run.err.right(600))));
}

} // namespace lb::bench
