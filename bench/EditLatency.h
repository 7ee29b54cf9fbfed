#pragma once

#include "BenchReport.h"
#include "BenchWorld.h"

#include <QElapsedTimer>
#include <QHash>

#include <functional>
#include <optional>
#include <vector>

namespace lb::bench {

// What the webhook and the stream latency runs share: `leadbridge sync` as a child server on
// one profile; users on one side editing leads at a steady rate; each edit timed from its commit
// to the write on the other side that carries it; percentiles, the child's cost and the goal in
// the report.
class EditLatency
{
public:
    struct Run
    {
        QString section; // the report's section, e.g. "latency"
        QString noun; // what is counted in the field names, "events" or "edits"
        QString destination; // where edits arrive, for messages: "Salesforce"
        int leads = 0; // the first pass is done when Salesforce holds this many
        int settleMs = 500; // after the first pass, before the first edit
    };

    EditLatency(BenchReport &report, BenchWorld &world, Run run);
    ~EditLatency();

    // Starts `leadbridge sync` on `profile` and waits for its first pass; false (with the
    // failure reported) when it did not start or did not finish it.
    bool startSync(const QString &profile);

    // Makes `perSecond` edits a second for `seconds`: the i-th edit is on the lead `keyOf(i)`
    // (skipped while that lead's previous edit is on its way) and made by `edit(i)`, false when
    // the side refused it. Then waits up to 30 s for the edits still on their way.
    void editAtSteadyRate(int perSecond, int seconds, const std::function<QString(qint64)> &keyOf,
                          const std::function<bool(qint64)> &edit);
    // The write that carries the edit of the lead `key` arrived (the bench's scan of the
    // destination's write log calls this); edits not waited for are ignored.
    void arrived(const QString &key);

    // Stops the child and writes the figures, the goal for p99 and the failures.
    void report(const QString &goal, double goalP99Ms);

private:
    BenchReport &m_report;
    BenchWorld &m_world;
    Run m_run;
    std::optional<ChildProcess> m_child;
    QElapsedTimer m_clock;
    QHash<QString, qint64> m_pending; // lead key -> edit time (ns)
    std::vector<double> m_latencies;
    qint64 m_edits = 0;
    qint64 m_refused = 0;
    double m_sendSeconds = 0;
    int m_perSecond = 0;
};

} // namespace lb::bench
