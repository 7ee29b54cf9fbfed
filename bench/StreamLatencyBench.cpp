#include "StreamLatencyBench.h"

#include "EditLatency.h"

namespace lb::bench {
namespace {

constexpr int Agents = 200;

} // namespace

void runStreamLatencyBench(BenchReport &report, BenchWorld &world, int leads, int eventsPerSecond,
                           int seconds)
{
    world.resetPlatform(Agents, leads);
    world.resetSalesforce(Agents);
    const QString profile = world.writeProfile(
        QStringLiteral("bench-stream"), 0,
        {{QStringLiteral("backstop_poll_min"), 60}, {QStringLiteral("poll_interval_s"), 600}});

    // The start poll brings every lead across (the stream subscribed before it).
    EditLatency latency(report, world,
                        {QStringLiteral("stream_latency"), QStringLiteral("edits"),
                         QStringLiteral("the platform"), leads, 1'000});
    if (!latency.startSync(profile))
        return;

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
        report.failure(QStringLiteral("stream_latency: no lead reached Salesforce"));
        return;
    }

    qint64 seenSeq = world.platform.writeLog().size();
    const auto connection = QObject::connect(
        &world.platform, &sandbox::PlatformSandbox::requestHandled, &world.platform, [&] {
            const auto &entries = world.platform.writeLog().entries();
            for (qint64 i = seenSeq; i < entries.size(); ++i)
                latency.arrived(entries.at(i).id);
            seenSeq = entries.size();
        });

    // A sales rep in Salesforce edits scores: not LeadBridge's client, so not an echo.
    latency.editAtSteadyRate(
        eventsPerSecond, seconds, [&](qint64 i) { return all.at(int(i % all.size())).second; },
        [&](qint64 i) {
            const auto &[salesforceId, platformId] = all.at(int(i % all.size()));
            const int next = (score.value(platformId) + 1) % 101;
            score.insert(platformId, next);
            return world.salesforce
                .updateRecord(QStringLiteral("Lead"), salesforceId,
                              {{QStringLiteral("Lead_Score__c"), next}}, QStringLiteral("SalesRep"))
                .ok();
        });
    QObject::disconnect(connection);
    latency.report(
        QStringLiteral("Salesforce -> platform (stream) p99 at %1 edits/s").arg(eventsPerSecond),
        1000);
}

} // namespace lb::bench
