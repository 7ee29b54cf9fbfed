#include "EngineMetrics.h"

#include <QRegularExpression>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace lb {

namespace {

std::string s(const QString &text)
{
    return text.toStdString();
}

// Seconds; from a fast loopback answer to a Bulk API upload.
const prometheus::Histogram::BucketBoundaries &latencyBuckets()
{
    static const prometheus::Histogram::BucketBoundaries b {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                            0.5,   1,    2.5,   5,    10,  30};
    return b;
}

} // namespace

EngineMetrics::EngineMetrics()
    : m_registry(std::make_unique<prometheus::Registry>())
{
    using namespace prometheus;
    Registry &r = *m_registry;
    m_calls = &BuildCounter()
                   .Name("leadbridge_http_calls_total")
                   .Help("HTTP calls to each system, by endpoint kind (answered or not).")
                   .Register(r);
    m_errors = &BuildCounter()
                    .Name("leadbridge_http_errors_total")
                    .Help("Failed HTTP calls by system and error class (network, auth, "
                          "forbidden, throttled, client, server).")
                    .Register(r);
    m_latency = &BuildHistogram()
                     .Name("leadbridge_http_call_duration_seconds")
                     .Help("Time from sending a call to its complete answer.")
                     .Register(r);
    m_delivered = &BuildCounter()
                       .Name("leadbridge_records_delivered_total")
                       .Help("Records written by deliveries, per direction.")
                       .Register(r);
    m_engineState = &BuildGauge()
                         .Name("leadbridge_engine_state")
                         .Help("1 for the engine's current state.")
                         .Register(r);
    m_queue = &BuildGauge()
                   .Name("leadbridge_queue_depth")
                   .Help("Outbox jobs: pending (waiting or scheduled), due now, in flight.")
                   .Register(r);
    m_oldestAge = &BuildGauge()
                       .Name("leadbridge_queue_oldest_age_seconds")
                       .Help("Age of the oldest pending outbox job; 0 when none waits.")
                       .Register(r);
    m_inbox = &BuildGauge()
                   .Name("leadbridge_inbox_size")
                   .Help("Records in the error inbox waiting for an admin.")
                   .Register(r);
    m_streamState = &BuildGauge()
                         .Name("leadbridge_stream_state")
                         .Help("1 for the Salesforce change stream's current state.")
                         .Register(r);
    m_streamLag = &BuildGauge()
                       .Name("leadbridge_stream_lag_seconds")
                       .Help("Seconds since the last change event came on the stream; 0 when "
                             "none came yet or the stream is off.")
                       .Register(r);
    m_apiUsed = &BuildGauge()
                     .Name("leadbridge_api_usage")
                     .Help("API calls used of the allocation the system last reported "
                           "(Salesforce: daily requests; platform: the rate-limit window).")
                     .Register(r);
    m_apiAllocation = &BuildGauge()
                           .Name("leadbridge_api_allocation")
                           .Help("The API allocation the system last reported.")
                           .Register(r);
    m_breakerState = &BuildGauge()
                          .Name("leadbridge_breaker_state")
                          .Help("1 for each system's circuit breaker state.")
                          .Register(r);
    m_dutyHeld = &BuildGauge()
                      .Name("leadbridge_duty_held")
                      .Help("1 when this process holds the duty's lease.")
                      .Register(r);
    m_destinationJobs = &BuildGauge()
                             .Name("leadbridge_destination_jobs")
                             .Help("A destination's events by state: pending, delivered, inbox.")
                             .Register(r);
    m_destinationBreaker = &BuildGauge()
                                .Name("leadbridge_destination_breaker_state")
                                .Help("1 for each destination's circuit breaker state.")
                                .Register(r);
    // Known from the start, so a scrape before the first delivery reads 0, not nothing.
    m_delivered->Add({{"direction", "to_salesforce"}});
    m_delivered->Add({{"direction", "to_platform"}});
}

EngineMetrics::~EngineMetrics() = default;

QString EngineMetrics::endpointKind(const QString &system, const QUrl &url)
{
    const QStringList p = url.path().split(u'/', Qt::SkipEmptyParts);
    if (system == QLatin1String("salesforce")) {
        if (p.value(0) == QLatin1String("services") && p.value(1) == QLatin1String("oauth2"))
            return QStringLiteral("oauth");
        if (p.value(0) == QLatin1String("cometd"))
            return QStringLiteral("streaming");
        if (p.value(0) != QLatin1String("services") || p.value(1) != QLatin1String("data"))
            return QStringLiteral("other");
        const QStringList rest = p.mid(3); // after services/data/vNN.0
        const QString first = rest.value(0);
        if (rest.isEmpty())
            return QStringLiteral("resources");
        if (first == QLatin1String("query") || first == QLatin1String("queryAll"))
            return QStringLiteral("query");
        if (first == QLatin1String("composite"))
            return rest.value(1) == QLatin1String("sobjects") ? QStringLiteral("collections")
                                                              : QStringLiteral("composite");
        if (first == QLatin1String("sobjects") || first == QLatin1String("limits"))
            return first;
        if (first == QLatin1String("jobs"))
            return QStringLiteral("bulk");
        return QStringLiteral("other");
    }
    // The platform: /v1/leads/..., /v1/agents, ... (ids only after the first segment).
    const QString first = p.value(0).startsWith(u'v') ? p.value(1) : p.value(0);
    static const QRegularExpression word(QStringLiteral("^[a-z_]{1,32}$"));
    return word.match(first).hasMatch() ? first : QStringLiteral("other");
}

QString EngineMetrics::errorClass(int status)
{
    if (status == 0)
        return QStringLiteral("network");
    if (status < 400)
        return {};
    if (status == 401)
        return QStringLiteral("auth");
    if (status == 403)
        return QStringLiteral("forbidden");
    if (status == 429)
        return QStringLiteral("throttled");
    return status < 500 ? QStringLiteral("client") : QStringLiteral("server");
}

void EngineMetrics::observeCall(const QString &system, const QUrl &url, int status,
                                qint64 elapsedMs)
{
    const prometheus::Labels labels {{"system", s(system)}, {"kind", s(endpointKind(system, url))}};
    m_calls->Add(labels).Increment();
    m_latency->Add(labels, latencyBuckets()).Observe(double(elapsedMs) / 1000.0);
    const QString error = errorClass(status);
    if (!error.isEmpty())
        m_errors->Add({{"system", s(system)}, {"class", s(error)}}).Increment();
}

void EngineMetrics::noteDelivered(qint64 toSalesforce, qint64 toPlatform)
{
    if (toSalesforce > 0)
        m_delivered->Add({{"direction", "to_salesforce"}}).Increment(double(toSalesforce));
    if (toPlatform > 0)
        m_delivered->Add({{"direction", "to_platform"}}).Increment(double(toPlatform));
}

void EngineMetrics::setEnum(prometheus::Family<prometheus::Gauge> &family, const QString &labelName,
                            const QStringList &values, const QString &current,
                            const std::map<std::string, std::string> &extra)
{
    for (const QString &v : values) {
        prometheus::Labels labels = extra;
        labels[s(labelName)] = s(v);
        family.Add(labels).Set(v == current ? 1 : 0);
    }
}

void EngineMetrics::setGauges(const SyncStatus &st, qint64 nowMs, const QStringList &duties,
                              const QStringList &held)
{
    static const QStringList engineStates {SyncStatus::stateName(SyncStatus::State::Stopped),
                                           SyncStatus::stateName(SyncStatus::State::Running),
                                           SyncStatus::stateName(SyncStatus::State::Paused),
                                           SyncStatus::stateName(SyncStatus::State::PausedByLimits),
                                           SyncStatus::stateName(SyncStatus::State::Error)};
    setEnum(*m_engineState, QStringLiteral("state"), engineStates, SyncStatus::stateName(st.state));

    m_queue->Add({{"state", "pending"}}).Set(double(st.queue.pending));
    m_queue->Add({{"state", "due"}}).Set(double(st.queue.due));
    m_queue->Add({{"state", "in_flight"}}).Set(double(st.queue.inFlight));
    m_oldestAge->Add({}).Set(double(st.lagMs) / 1000.0);
    m_inbox->Add({}).Set(double(st.queue.inbox));

    static const QStringList streamStates {
        QStringLiteral("off"),        QStringLiteral("stopped"),   QStringLiteral("standby"),
        QStringLiteral("connecting"), QStringLiteral("connected"), QStringLiteral("backoff")};
    setEnum(*m_streamState, QStringLiteral("state"), streamStates, st.streamState);
    m_streamLag->Add({}).Set(st.lastStreamEvent > 0
                                 ? double(std::max<qint64>(0, nowMs - st.lastStreamEvent)) / 1000.0
                                 : 0.0);

    for (const ApiLimits *l : {&st.salesforceLimits, &st.platformLimits}) {
        if (!l->isKnown())
            continue;
        const std::string system = l == &st.salesforceLimits ? "salesforce" : "platform";
        m_apiUsed->Add({{"system", system}}).Set(double(l->used));
        m_apiAllocation->Add({{"system", system}}).Set(double(l->max));
    }

    static const QStringList breakerStates {QStringLiteral("closed"), QStringLiteral("open"),
                                            QStringLiteral("half-open")};
    for (const SyncStatus::Breaker &b : st.breakers)
        setEnum(*m_breakerState, QStringLiteral("state"), breakerStates, b.state,
                {{"system", s(b.name)}});

    for (const SyncStatus::Destination &d : st.destinations) {
        const std::string name = s(d.name);
        m_destinationJobs->Add({{"destination", name}, {"state", "pending"}})
            .Set(double(d.pending));
        m_destinationJobs->Add({{"destination", name}, {"state", "delivered"}})
            .Set(double(d.delivered));
        m_destinationJobs->Add({{"destination", name}, {"state", "inbox"}}).Set(double(d.failed));
        setEnum(*m_destinationBreaker, QStringLiteral("state"), breakerStates, d.breaker,
                {{"destination", name}});
    }

    for (const QString &duty : duties)
        m_dutyHeld->Add({{"duty", s(duty)}}).Set(held.contains(duty) ? 1 : 0);
}

QByteArray EngineMetrics::exposition() const
{
    const std::string text = prometheus::TextSerializer().Serialize(m_registry->Collect());
    return QByteArray::fromStdString(text);
}

} // namespace lb
