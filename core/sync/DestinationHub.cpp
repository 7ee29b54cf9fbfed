#include "DestinationHub.h"

#include "platform/WebhookSignature.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace lb {

DestinationHub::DestinationHub(Store &store, HttpClient &http, const Clock &clock, Options options,
                               QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_http(http)
    , m_clock(clock)
    , m_options(std::move(options))
{ }

DestinationHub::~DestinationHub() = default;

DestinationLane *DestinationHub::addLane(DestinationLane::Settings settings,
                                         DestinationLane::Prepare prepare)
{
    settings.workerId = m_options.workerId;
    settings.retry = m_options.retry;
    settings.breaker = m_options.breaker;
    settings.batch = m_options.batch;
    settings.timeoutMs = m_options.timeoutMs;
    auto lane = std::make_unique<DestinationLane>(m_store, m_http, m_clock, std::move(settings),
                                                  std::move(prepare));
    connect(lane.get(), &DestinationLane::breakerChanged, this, &DestinationHub::breakerChanged);
    m_lanes.push_back(std::move(lane));
    DestinationLane *added = m_lanes.back().get();
    if (m_running)
        schedule(added, 0);
    return added;
}

DestinationLane *DestinationHub::addDestination(const DestinationConfig &destination,
                                                const QByteArray &secret)
{
    DestinationLane::Settings s;
    s.name = destination.name;
    s.target = destination.target();
    s.url = destination.url;
    s.ratePerSecond = destination.ratePerSecond;
    const Clock *clock = &m_clock;
    return addLane(s, [secret, clock](HttpRequest &request, const OutboxJob &job) {
        // The platform's webhook scheme (PLATFORM_API.md), so a receiver can reuse its check.
        const qint64 t = clock->nowMs() / 1000;
        request.setHeader(SignatureHeader,
                          platform::WebhookSignature::header(secret, t, request.body));
        const QString eventId = jobPayload(job).value(QStringLiteral("event_id")).toString();
        request.setHeader(QByteArrayLiteral("Idempotency-Key"), eventId.toUtf8());
    });
}

DestinationLane *DestinationHub::addAlertReceiver(const AlertConfig &alert,
                                                  const QByteArray &routingKey)
{
    DestinationLane::Settings s;
    s.name = alert.name;
    s.target = alert.target();
    s.url = alert.url;
    s.ratePerSecond = 5;
    if (!alert.isPagerDuty())
        return addLane(s, {});
    return addLane(s, [routingKey](HttpRequest &request, const OutboxJob &) {
        QJsonObject body = QJsonDocument::fromJson(request.body).object();
        body.insert(QStringLiteral("routing_key"), QString::fromUtf8(routingKey));
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    });
}

void DestinationHub::start()
{
    if (m_running)
        return;
    m_running = true;
    for (const auto &lane : m_lanes)
        schedule(lane.get(), 0);
}

void DestinationHub::stop()
{
    m_running = false;
}

QList<DestinationLane *> DestinationHub::lanes() const
{
    QList<DestinationLane *> out;
    for (const auto &lane : m_lanes)
        out.append(lane.get());
    return out;
}

DestinationLane *DestinationHub::lane(const QString &target) const
{
    for (const auto &lane : m_lanes) {
        if (lane->settings().target == target)
            return lane.get();
    }
    return nullptr;
}

void DestinationHub::schedule(DestinationLane *lane, int delayMs)
{
    QTimer::singleShot(delayMs, lane, [this, lane] { pump(lane); });
}

void DestinationHub::pump(DestinationLane *lane)
{
    if (!m_running || lane->busy())
        return;
    lane->runRound([this, lane](const DeliveryRound &round) {
        if (round.delivered > 0)
            emit delivered(lane->settings().target, round.delivered);
        if (!m_running)
            return;
        // Work found: straight on. Nothing due, the breaker open or the bucket empty: look again
        // after a pause (a breaker's retry time comes sooner than that if it is close).
        int delay = m_options.idleMs;
        if (round.claimed > 0)
            delay = 0;
        else if (const qint64 retryAt = lane->breaker().retryAt(); retryAt > 0)
            delay = int(std::clamp<qint64>(retryAt - m_clock.nowMs(), 10, m_options.idleMs));
        schedule(lane, delay);
    });
}

} // namespace lb
