#include "SyncStatus.h"

#include <QJsonArray>

namespace lb {
namespace {

QJsonObject limitsJson(const ApiLimits &l)
{
    QJsonObject counters;
    for (auto it = l.counters.begin(); it != l.counters.end(); ++it)
        counters.insert(
            it.key(),
            QJsonObject {{QStringLiteral("used"), it->used}, {QStringLiteral("max"), it->max}});
    return {{QStringLiteral("used"), l.used},
            {QStringLiteral("max"), l.max},
            {QStringLiteral("remaining"), l.remaining()},
            {QStringLiteral("reset_at"), l.resetAt},
            {QStringLiteral("observed_at"), l.observedAt},
            {QStringLiteral("counters"), counters}};
}

ApiLimits limitsFrom(const QJsonObject &o, const QString &system)
{
    ApiLimits l;
    l.system = system;
    l.used = o.value(QStringLiteral("used")).toInteger(-1);
    l.max = o.value(QStringLiteral("max")).toInteger(-1);
    l.resetAt = o.value(QStringLiteral("reset_at")).toInteger();
    l.observedAt = o.value(QStringLiteral("observed_at")).toInteger();
    const QJsonObject counters = o.value(QStringLiteral("counters")).toObject();
    for (auto it = counters.begin(); it != counters.end(); ++it) {
        const QJsonObject c = it.value().toObject();
        l.counters.insert(it.key(),
                          {c.value(QStringLiteral("used")).toInteger(-1),
                           c.value(QStringLiteral("max")).toInteger(-1)});
    }
    return l;
}

} // namespace

QString SyncStatus::stateName(State state)
{
    switch (state) {
    case State::Stopped:
        return QStringLiteral("stopped");
    case State::Running:
        return QStringLiteral("running");
    case State::Paused:
        return QStringLiteral("paused");
    case State::PausedByLimits:
        return QStringLiteral("paused_by_limits");
    case State::Error:
        return QStringLiteral("error");
    }
    return {};
}

SyncStatus::State SyncStatus::stateFromName(const QString &name)
{
    for (State s :
         {State::Stopped, State::Running, State::Paused, State::PausedByLimits, State::Error}) {
        if (stateName(s) == name)
            return s;
    }
    return State::Stopped;
}

QJsonObject SyncStatus::streamJson() const
{
    QJsonArray channels;
    for (const StreamChannel &c : streamChannels)
        channels.append(QJsonObject {{QStringLiteral("channel"), c.channel},
                                     {QStringLiteral("subscribed"), c.subscribed},
                                     {QStringLiteral("replay_id"), c.replayId}});
    QJsonObject o {{QStringLiteral("state"), streamState},
                   {QStringLiteral("problem"), streamProblem},
                   {QStringLiteral("events"), streamEvents},
                   {QStringLiteral("echoes"), streamEchoes},
                   {QStringLiteral("last_event_at"), lastStreamEvent},
                   {QStringLiteral("channels"), channels}};
    if (streamCatchUpAt > 0)
        o.insert(QStringLiteral("catch_up"),
                 QJsonObject {{QStringLiteral("why"), streamCatchUpWhy},
                              {QStringLiteral("at"), streamCatchUpAt},
                              {QStringLiteral("caught_up_at"), streamCaughtUpAt}});
    return o;
}

namespace {

QJsonArray destinationsJson(const QList<SyncStatus::Destination> &destinations)
{
    QJsonArray out;
    for (const SyncStatus::Destination &d : destinations)
        out.append(QJsonObject {{QStringLiteral("name"), d.name},
                                {QStringLiteral("url"), d.url},
                                {QStringLiteral("events"), QJsonArray::fromStringList(d.events)},
                                {QStringLiteral("rule"), d.rule},
                                {QStringLiteral("enabled"), d.enabled},
                                {QStringLiteral("breaker"), d.breaker},
                                {QStringLiteral("pending"), d.pending},
                                {QStringLiteral("delivered"), d.delivered},
                                {QStringLiteral("failed"), d.failed},
                                {QStringLiteral("last_delivered_at"), d.lastDeliveredAt}});
    return out;
}

QList<SyncStatus::Destination> destinationsFrom(const QJsonArray &array)
{
    QList<SyncStatus::Destination> out;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        SyncStatus::Destination d;
        d.name = o.value(QStringLiteral("name")).toString();
        d.url = o.value(QStringLiteral("url")).toString();
        for (const QJsonValue &e : o.value(QStringLiteral("events")).toArray())
            d.events.append(e.toString());
        d.rule = o.value(QStringLiteral("rule")).toString();
        d.enabled = o.value(QStringLiteral("enabled")).toBool(true);
        d.breaker = o.value(QStringLiteral("breaker")).toString(QStringLiteral("closed"));
        d.pending = o.value(QStringLiteral("pending")).toInteger();
        d.delivered = o.value(QStringLiteral("delivered")).toInteger();
        d.failed = o.value(QStringLiteral("failed")).toInteger();
        d.lastDeliveredAt = o.value(QStringLiteral("last_delivered_at")).toInteger();
        out.append(d);
    }
    return out;
}

} // namespace

QJsonObject SyncStatus::toJson() const
{
    QJsonArray breakerArray;
    for (const Breaker &b : breakers)
        breakerArray.append(QJsonObject {{QStringLiteral("name"), b.name},
                                         {QStringLiteral("state"), b.state},
                                         {QStringLiteral("failure_share"), b.failureShare},
                                         {QStringLiteral("retry_at"), b.retryAt}});
    return {{QStringLiteral("state"), stateName(state)},
            {QStringLiteral("detail"), detail},
            {QStringLiteral("last_platform_to_salesforce"), lastPlatformToSalesforce},
            {QStringLiteral("last_salesforce_to_platform"), lastSalesforceToPlatform},
            {QStringLiteral("last_poll_platform"), lastPollPlatform},
            {QStringLiteral("last_poll_salesforce"), lastPollSalesforce},
            {QStringLiteral("salesforce_polls"), salesforcePolls},
            {QStringLiteral("stream"), streamJson()},
            {QStringLiteral("records_per_second"), recordsPerSecond},
            {QStringLiteral("lag_ms"), lagMs},
            {QStringLiteral("queue"),
             QJsonObject {{QStringLiteral("pending"), queue.pending},
                          {QStringLiteral("due"), queue.due},
                          {QStringLiteral("in_flight"), queue.inFlight},
                          {QStringLiteral("inbox"), queue.inbox},
                          {QStringLiteral("oldest_pending_at"), queue.oldestPendingAt}}},
            {QStringLiteral("limits"),
             QJsonObject {{QStringLiteral("salesforce"), limitsJson(salesforceLimits)},
                          {QStringLiteral("platform"), limitsJson(platformLimits)}}},
            {QStringLiteral("breakers"), breakerArray},
            {QStringLiteral("destinations"), destinationsJson(destinations)},
            {QStringLiteral("next_reconcile_at"), nextReconcileAt},
            {QStringLiteral("delivered"), delivered},
            {QStringLiteral("updated_at"), updatedAt}};
}

SyncStatus SyncStatus::fromJson(const QJsonObject &json)
{
    SyncStatus s;
    s.state = stateFromName(json.value(QStringLiteral("state")).toString());
    s.detail = json.value(QStringLiteral("detail")).toString();
    s.lastPlatformToSalesforce
        = json.value(QStringLiteral("last_platform_to_salesforce")).toInteger();
    s.lastSalesforceToPlatform
        = json.value(QStringLiteral("last_salesforce_to_platform")).toInteger();
    s.lastPollPlatform = json.value(QStringLiteral("last_poll_platform")).toInteger();
    s.lastPollSalesforce = json.value(QStringLiteral("last_poll_salesforce")).toInteger();
    s.salesforcePolls = json.value(QStringLiteral("salesforce_polls")).toInteger();
    const QJsonObject stream = json.value(QStringLiteral("stream")).toObject();
    s.streamState = stream.value(QStringLiteral("state")).toString(QStringLiteral("off"));
    s.streamProblem = stream.value(QStringLiteral("problem")).toString();
    s.streamEvents = stream.value(QStringLiteral("events")).toInteger();
    s.streamEchoes = stream.value(QStringLiteral("echoes")).toInteger();
    s.lastStreamEvent = stream.value(QStringLiteral("last_event_at")).toInteger();
    for (const QJsonValue &v : stream.value(QStringLiteral("channels")).toArray()) {
        const QJsonObject c = v.toObject();
        s.streamChannels.append({c.value(QStringLiteral("channel")).toString(),
                                 c.value(QStringLiteral("subscribed")).toBool(),
                                 c.value(QStringLiteral("replay_id")).toInteger()});
    }
    const QJsonObject catchUp = stream.value(QStringLiteral("catch_up")).toObject();
    s.streamCatchUpWhy = catchUp.value(QStringLiteral("why")).toString();
    s.streamCatchUpAt = catchUp.value(QStringLiteral("at")).toInteger();
    s.streamCaughtUpAt = catchUp.value(QStringLiteral("caught_up_at")).toInteger();
    s.recordsPerSecond = json.value(QStringLiteral("records_per_second")).toDouble();
    s.lagMs = json.value(QStringLiteral("lag_ms")).toInteger();
    const QJsonObject q = json.value(QStringLiteral("queue")).toObject();
    s.queue.pending = q.value(QStringLiteral("pending")).toInteger();
    s.queue.due = q.value(QStringLiteral("due")).toInteger();
    s.queue.inFlight = q.value(QStringLiteral("in_flight")).toInteger();
    s.queue.inbox = q.value(QStringLiteral("inbox")).toInteger();
    s.queue.oldestPendingAt = q.value(QStringLiteral("oldest_pending_at")).toInteger();
    const QJsonObject limits = json.value(QStringLiteral("limits")).toObject();
    s.salesforceLimits = limitsFrom(limits.value(QStringLiteral("salesforce")).toObject(),
                                    QStringLiteral("salesforce"));
    s.platformLimits = limitsFrom(limits.value(QStringLiteral("platform")).toObject(),
                                  QStringLiteral("platform"));
    for (const QJsonValue &v : json.value(QStringLiteral("breakers")).toArray()) {
        const QJsonObject b = v.toObject();
        s.breakers.append({b.value(QStringLiteral("name")).toString(),
                           b.value(QStringLiteral("state")).toString(),
                           b.value(QStringLiteral("failure_share")).toDouble(),
                           b.value(QStringLiteral("retry_at")).toInteger()});
    }
    s.destinations = destinationsFrom(json.value(QStringLiteral("destinations")).toArray());
    s.nextReconcileAt = json.value(QStringLiteral("next_reconcile_at")).toInteger();
    s.delivered = json.value(QStringLiteral("delivered")).toInteger();
    s.updatedAt = json.value(QStringLiteral("updated_at")).toInteger();
    return s;
}

} // namespace lb
