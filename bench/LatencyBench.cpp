#include "LatencyBench.h"

#include "BenchLoop.h"
#include "EditLatency.h"

namespace lb::bench {
namespace {

constexpr int Agents = 200;

} // namespace

void runLatencyBench(BenchReport &report, BenchWorld &world, int leads, int eventsPerSecond,
                     int seconds)
{
    world.resetPlatform(Agents, leads);
    world.resetSalesforce(Agents);
    const quint16 port = freePort();
    world.platform.setWebhookTarget(
        QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(port)),
        QByteArray(BenchWorld::WebhookSecret));
    const QString profile = world.writeProfile(QStringLiteral("bench-latency"), port);

    EditLatency latency(report, world,
                        {QStringLiteral("latency"), QStringLiteral("events"),
                         QStringLiteral("Salesforce"), leads, 500});
    if (!latency.startSync(profile))
        return;

    qint64 seenSeq = world.salesforce.writeLog().size();
    const auto connection = QObject::connect(
        &world.salesforce, &sandbox::SalesforceSandbox::requestServed, &world.salesforce, [&] {
            const auto &entries = world.salesforce.writeLog().entries();
            for (qint64 i = seenSeq; i < entries.size(); ++i) {
                if (entries.at(i).object == QLatin1String("Lead"))
                    latency.arrived(entries.at(i).externalId);
            }
            seenSeq = entries.size();
        });

    // Platform users edit scores; each edit's webhook is what LeadBridge carries to Salesforce.
    const QList<sandbox::LeadRecord> all = world.platform.leads();
    QHash<QString, int> score;
    latency.editAtSteadyRate(
        eventsPerSecond, seconds, [&](qint64 i) { return all.at(int(i % all.size())).id; },
        [&](qint64 i) {
            const sandbox::LeadRecord &lead = all.at(int(i % all.size()));
            const int next = (score.value(lead.id, lead.score) + 1) % 101;
            score.insert(lead.id, next);
            return world.platform.editLead(lead.id, QJsonObject {{QStringLiteral("score"), next}})
                .ok();
        });
    QObject::disconnect(connection);
    latency.report(QStringLiteral("webhook -> Salesforce p99 at %1 events/s").arg(eventsPerSecond),
                   250);
}

} // namespace lb::bench
