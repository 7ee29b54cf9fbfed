#include "DestinationParts.h"

#include "log/Logging.h"
#include "sync/DestinationFanout.h"

#include <QDateTime>
#include <QPointer>

namespace lb {

std::unique_ptr<DestinationParts> DestinationParts::build(const Profile &profile, Store &store,
                                                          const Clock &clock, HttpClient &http,
                                                          const QHash<QString, QByteArray> &secrets,
                                                          const QString &workerId,
                                                          const RetryPolicy &retry)
{
    auto d = std::make_unique<DestinationParts>();
    d->profile = profile;
    d->secrets = secrets;
    d->m_workerId = workerId;
    d->configs = std::make_unique<DestinationStore>(store.database(), clock);
    auto effective = d->configs->effective(profile.destinations);
    if (!effective) {
        qCWarning(lcSync) << "destinations from the store not read:"
                          << effective.error().toString();
        effective = profile.destinations;
    }
    d->m_effective = *effective;
    DestinationHub::Options options;
    options.workerId = workerId;
    options.retry = retry;
    d->hub = std::make_unique<DestinationHub>(store, http, clock, options);
    for (const DestinationConfig &c : std::as_const(d->m_effective)) {
        const QByteArray secret = d->secretFor(c.name);
        if (secret.isEmpty()) {
            qCWarning(lcSync) << "destination" << c.name
                              << "has no signing secret: its events wait in its lane";
            continue;
        }
        d->hub->addDestination(c, secret);
    }
    d->fanout.setDestinations(d->m_effective);
    if (!profile.alerts.isEmpty()) {
        for (const AlertConfig &a : profile.alerts)
            d->hub->addAlertReceiver(
                a, secrets.value(QStringLiteral("alert:%1/routing_key").arg(a.name)));
        AlertMonitor::Thresholds t;
        t.inboxAbove = profile.sync.alertInboxAbove;
        t.streamDownMs = qint64(profile.sync.alertStreamDownMin) * 60'000;
        t.processGoneMs = qint64(profile.sync.alertProcessGoneS) * 1000;
        d->alerts = std::make_unique<AlertMonitor>(store, AlertBook(profile.name, profile.alerts),
                                                   t, clock);
        QObject::connect(d->hub.get(), &DestinationHub::breakerChanged, d->alerts.get(),
                         &AlertMonitor::breakerChanged);
    }
    return d;
}

QByteArray DestinationParts::secretFor(const QString &name) const
{
    const QByteArray resolved
        = secrets.value(QStringLiteral("destination:%1/signing_secret").arg(name));
    if (!resolved.isEmpty())
        return resolved;
    // A destination added in the console since the engine read its secrets: the environment
    // may already hold it (the keychain's is read on the next reload).
    const QString env
        = QStringLiteral("LEADBRIDGE_DEST_%1_SECRET").arg(name.toUpper().replace(u'-', u'_'));
    return qgetenv(env.toLatin1().constData());
}

QList<SyncStatus::Destination> DestinationParts::status() const
{
    if (m_effective.isEmpty())
        return {}; // the counts read the outbox: not on every status without destinations
    QStringList targets;
    for (const DestinationConfig &c : std::as_const(m_effective))
        targets.append(c.target());
    const auto counts = configs->laneCounts(targets);
    QList<SyncStatus::Destination> out;
    for (const DestinationConfig &c : std::as_const(m_effective)) {
        SyncStatus::Destination s;
        s.name = c.name;
        s.url = c.url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
        s.events = c.events;
        s.rule = c.when.toText();
        s.enabled = c.enabled;
        if (const DestinationLane *lane = hub->lane(c.target())) {
            s.breaker = CircuitBreaker::stateName(lane->breaker().state());
            s.lastDeliveredAt = lane->counters().lastDeliveredAt;
        } else {
            s.breaker = QStringLiteral("no secret");
        }
        if (counts) {
            const LaneCounts n = counts->value(c.target());
            s.pending = n.pending;
            s.delivered = n.delivered;
            s.failed = n.failed;
        }
        out.append(s);
    }
    return out;
}

void DestinationParts::observe(const SyncStatus &s, double pauseAt)
{
    if (!alerts)
        return;
    alerts->refresh(); // the fleet's processes share the open incidents
    alerts->inboxOpen(s.queue.inbox);
    for (const ApiLimits *limits : {&s.salesforceLimits, &s.platformLimits}) {
        if (limits->isKnown())
            alerts->apiUsage(limits->system, limits->usageRatio(), pauseAt);
    }
    for (const SyncStatus::Breaker &b : s.breakers)
        alerts->breakerChanged(b.name, b.state);
    if (s.streamState != QLatin1String("off")) {
        if (s.streamState == QLatin1String("connected")
            || s.streamState == QLatin1String("standby"))
            m_streamDownSince = 0;
        else if (m_streamDownSince == 0)
            m_streamDownSince = s.updatedAt;
        alerts->streamDisconnectedSince(m_streamDownSince);
    }
    alerts->checkFleet(m_workerId);
}

Result<void> DestinationParts::reloadConfigs()
{
    auto effective = configs->effective(profile.destinations);
    if (!effective)
        return effective.error();
    m_effective = *effective;
    fanout.setDestinations(m_effective);
    for (const DestinationConfig &c : std::as_const(m_effective)) {
        if (hub->lane(c.target()))
            continue;
        const QByteArray secret = secretFor(c.name);
        if (!secret.isEmpty())
            hub->addDestination(c, secret);
    }
    return {};
}

Result<void> DestinationParts::save(const DestinationConfig &destination, const QString &actor)
{
    if (auto r = configs->save(destination, actor); !r)
        return r.error();
    return reloadConfigs();
}

Result<void> DestinationParts::setEnabled(const QString &name, bool enabled, const QString &actor)
{
    const auto it = std::find_if(m_effective.cbegin(), m_effective.cend(),
                                 [&](const DestinationConfig &c) { return c.name == name; });
    if (it == m_effective.cend())
        return makeError(QStringLiteral("destination_unknown"),
                         QStringLiteral("No destination is named \"%1\".").arg(name));
    if (auto r = configs->setEnabled(*it, enabled, actor); !r)
        return r.error();
    return reloadConfigs();
}

void DestinationParts::test(const QString &name, QObject *context,
                            std::function<void(bool ok, const QString &message)> done)
{
    DestinationLane *lane = hub->lane(QStringLiteral("destination:") + name);
    if (!lane) {
        done(false,
             QStringLiteral("%1 has no signing secret yet: set it under Credentials "
                            "(destination:%1/signing_secret) or in "
                            "LEADBRIDGE_DEST_%2_SECRET.")
                 .arg(name, name.toUpper().replace(u'-', u'_')));
        return;
    }
    LeadEventRecord event;
    event.type = QStringLiteral("leadbridge.test");
    event.recordKey = QStringLiteral("test:") + name;
    event.occurredAt = QDateTime::currentMSecsSinceEpoch();
    event.eventId = LeadEventRecord::makeEventId(event.recordKey, event.type,
                                                 QString::number(event.occurredAt));
    event.data = QJsonObject {{QStringLiteral("id"), QStringLiteral("L-TEST")},
                              {QStringLiteral("test"), true}};
    QPointer<QObject> back(context);
    lane->sendTest(event.body(), [back, name, done = std::move(done)](const HttpResponse &r) {
        if (!back)
            return;
        if (r.isSuccess())
            done(true,
                 QStringLiteral("%1 answered %2 in %3 ms.")
                     .arg(name)
                     .arg(r.status)
                     .arg(r.elapsedMs));
        else if (r.status > 0)
            done(false, QStringLiteral("%1 answered %2.").arg(name).arg(r.status));
        else
            done(false, QStringLiteral("%1 could not be reached: %2").arg(name, r.errorString));
    });
}

} // namespace lb
