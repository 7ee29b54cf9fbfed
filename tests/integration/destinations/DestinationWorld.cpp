#include "DestinationWorld.h"

#include <QDateTime>
#include <QJsonDocument>

using namespace lb;

bool DestinationWorld::open(QString &why)
{
    auto opened = Store::open(StoreConfig::sqlite(dir.filePath(QStringLiteral("dest.db"))), clock,
                              QStringLiteral("test"));
    if (!opened) {
        why = opened.error().toString();
        return false;
    }
    store = std::move(*opened);
    auto mapping = FieldMapping::defaultMapping();
    if (!mapping) {
        why = mapping.error().toString();
        return false;
    }
    leads = std::make_unique<SyncPlanner>(mapping->lead);
    agents = std::make_unique<SyncPlanner>(mapping->agent);
    http = std::make_unique<HttpClient>(&nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
    return true;
}

sandbox::DestinationReceiver *
DestinationWorld::addDestination(const QString &name, const QStringList &events,
                                 const QString &when, const QByteArray &secret, QString &why)
{
    auto receiver = std::make_unique<sandbox::DestinationReceiver>(secret);
    if (!receiver->listen()) {
        why = QStringLiteral("the receiver could not listen");
        return nullptr;
    }
    auto rule = DestinationRule::parse(when);
    if (!rule) {
        why = rule.error().toString();
        return nullptr;
    }
    DestinationConfig d;
    d.name = name;
    d.url = QUrl(receiver->url());
    d.events = events;
    d.when = *rule;
    d.ratePerSecond = 5000;
    auto list = fanout.destinations();
    list.append(d);
    fanout.setDestinations(list);
    receivers.push_back(std::move(receiver));
    receivers.back()->setMode(sandbox::DestinationReceiver::Mode::Healthy);
    m_secrets.append(secret);
    return receivers.back().get();
}

void DestinationWorld::startHub(const DestinationHub::Options &options)
{
    hub = std::make_unique<DestinationHub>(*store, *http, clock, options);
    for (qsizetype i = 0; i < fanout.destinations().size(); ++i)
        hub->addDestination(fanout.destinations().at(i), m_secrets.at(i));
    hub->start();
}

bool DestinationWorld::storeEvent(const QJsonObject &lead, const QString &eventId)
{
    InboundEvent e;
    e.eventId = eventId;
    e.source = QStringLiteral("webhook");
    e.type = QStringLiteral("lead.updated");
    e.payload = QJsonDocument(QJsonObject {{QStringLiteral("event_id"), eventId},
                                           {QStringLiteral("type"), e.type},
                                           {QStringLiteral("data"), lead}})
                    .toJson(QJsonDocument::Compact);
    return store->events().insert(e).ok();
}

int DestinationWorld::takeIn(QString &why)
{
    InboundProcessor processor(*store, *leads, QStringLiteral("test"));
    processor.setFanout(&fanout);
    int total = 0;
    for (;;) {
        auto stats = processor.processPending(500);
        if (!stats) {
            why = stats.error().toString();
            return -1;
        }
        if (stats->events == 0)
            return total;
        total += stats->events;
    }
}

QJsonObject DestinationWorld::lead(int i, int version, const QString &status, int score)
{
    const QString at
        = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000LL + i * 10 + version, Qt::UTC)
              .toString(Qt::ISODateWithMs);
    return {{QStringLiteral("id"), QStringLiteral("L-%1").arg(i, 6, 10, QLatin1Char('0'))},
            {QStringLiteral("first_name"), QStringLiteral("Ada")},
            {QStringLiteral("last_name"), QStringLiteral("Nguyen %1").arg(i)},
            {QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("email"), QStringLiteral("lead%1.v%2@example.com").arg(i).arg(version)},
            {QStringLiteral("phone"), QStringLiteral("415 555 2671")},
            {QStringLiteral("status"), status},
            {QStringLiteral("source"), QStringLiteral("web")},
            {QStringLiteral("score"), score},
            {QStringLiteral("value"), 1000},
            {QStringLiteral("agent_id"), QJsonValue::Null},
            {QStringLiteral("eligible"), true},
            {QStringLiteral("updated_at"), at},
            {QStringLiteral("updated_by"), QStringLiteral("platform")},
            {QStringLiteral("version"), version}};
}
