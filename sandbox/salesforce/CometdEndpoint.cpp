#include "CometdEndpoint.h"

#include "CometdMessages.h"
#include "SandboxOrg.h"
#include "SessionStore.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

using namespace cometd;

namespace {

constexpr qint64 kClientExpiryMs = 40'000; // no connect this long after an answer: gone
const QString kAllChanges = u"/data/ChangeEvents"_s;

bool channelCarries(const QString &channel, const ChangeEvent &event)
{
    return channel == kAllChanges || channel == ChangeEvent::channelFor(event.entityName);
}

bool isEventChannel(const QString &channel)
{
    return channel.startsWith(u"/event/"_s);
}

} // namespace

CometdEndpoint::CometdEndpoint(SandboxOrg &org, QObject *parent)
    : QObject(parent)
    , m_org(org)
{
    m_org.data().changes().setListener(
        [this](const QList<ChangeEvent> &events) { onCommitted(events); });
    m_org.data().events().setListener(
        [this](const QList<PublishedEvent> &events) { onPublished(events); });
}

CometdEndpoint::~CometdEndpoint()
{
    m_org.data().changes().setListener({});
    m_org.data().events().setListener({});
}

bool CometdEndpoint::knownChannel(const QString &channel) const
{
    if (isEventChannel(channel)) {
        const ObjectDef *def = m_org.schema().object(channel.mid(7));
        return def && def->isPlatformEvent() && def->name() == channel.mid(7);
    }
    return channel == kAllChanges || channel == ChangeEvent::channelFor(u"Lead"_s)
        || channel == ChangeEvent::channelFor(u"People__c"_s);
}

QJsonObject CometdEndpoint::platformEventData(const PublishedEvent &event)
{
    return QJsonObject {
        {u"schema"_s, QString(u"PE"_s + event.eventType.left(20))},
        {u"payload"_s, event.fields},
        {u"event"_s, QJsonObject {{u"replayId"_s, event.replayId}, {u"EventUuid"_s, event.uuid}}},
    };
}

bool CometdEndpoint::handles(const ApiRequest &request)
{
    return !request.segments.isEmpty() && request.segments.first() == "cometd"_L1;
}

bool CometdEndpoint::handlesAdmin(const ApiRequest &request)
{
    return request.segments.size() >= 2 && request.segments[0] == "__sandbox"_L1
        && request.segments[1] == "streaming"_L1;
}

int CometdEndpoint::holdMs() const
{
    return m_org.config().streamingTimeoutMs;
}

SfHttpServer::Outcome CometdEndpoint::handle(const ApiRequest &request)
{
    SfHttpServer::Outcome out;
    if (m_silent) {
        out.action = SfHttpServer::Outcome::Action::Hang;
        return out;
    }
    const SandboxConfig &config = m_org.config();
    BayeuxRequest read = readBayeuxRequest(request, config.maxApiVersion, kMaxBodyBytes);
    if (read.refusal) {
        out.response = *read.refusal;
        return out;
    }
    const QJsonArray messages = read.messages;

    const qint64 now = m_org.nowMs();
    expireIdleClients(now);
    m_org.data().changes().expire(now);

    // Every Streaming API request carries the OAuth token.
    const QByteArray authorization = request.header("authorization");
    const qsizetype space = authorization.indexOf(' ');
    const QByteArray scheme = authorization.left(space).toLower();
    const Session *session = space > 0 && (scheme == "bearer" || scheme == "oauth")
        ? m_org.sessions().session(QString::fromLatin1(authorization.mid(space + 1).trimmed()), now,
                                   config.sessionLifetimeSecs * 1000)
        : nullptr;
    if (!session) {
        QJsonArray denied;
        for (const QJsonValue &m : std::as_const(messages))
            denied.append(handshakeDenied(m.toObject()));
        out.response = bayeux(401, denied);
        return out;
    }

    QJsonArray replies;
    QString connecting; // the client whose connect this request holds
    QString newBrowserId;
    for (const QJsonValue &value : std::as_const(messages)) {
        const QJsonObject message = value.toObject();
        const QString channel = message.value(u"channel").toString();
        if (channel.isEmpty()) {
            replies.append(failure(message, u"400::Message without a channel"_s));
            continue;
        }
        if (channel == "/meta/handshake"_L1) {
            QString browserId = cookie(request, "BAYEUX_BROWSER");
            if (browserId.isEmpty()) {
                if (newBrowserId.isEmpty())
                    newBrowserId = randomId(20);
                browserId = newBrowserId;
            }
            replies.append(handshake(message, browserId));
            continue;
        }
        auto it = m_clients.find(message.value(u"clientId").toString());
        if (it == m_clients.end()) {
            replies.append(unknownClient(message));
            continue;
        }
        Client &client = it->second;
        client.lastSeenMs = now;
        if (channel == "/meta/connect"_L1) {
            if (cookie(request, "BAYEUX_BROWSER") != client.browserId) {
                QJsonObject r = unknownClient(message);
                r.insert(u"ext"_s,
                         QJsonObject {{u"sfdc"_s,
                                       QJsonObject {{u"failureReason"_s,
                                                     u"The client has established a "
                                                     u"session, but no BAYEUX_BROWSER "
                                                     u"cookie present"_s}}}});
                replies.append(r);
                continue;
            }
            QJsonObject ack = reply(message, true);
            // A newer connect replaces a held one, which is answered now.
            release(client);
            if (!client.connected) {
                // The first connect is answered at once, with the advice.
                ack.insert(u"advice"_s,
                           QJsonObject {{u"interval"_s, 0},
                                        {u"timeout"_s, holdMs()},
                                        {u"reconnect"_s, u"retry"_s}});
                client.connected = true;
                for (const QJsonValue &v : std::as_const(client.queued))
                    replies.append(v);
                client.queued = {};
                replies.append(ack);
                continue;
            }
            client.heldReplies = {ack};
            connecting = client.id;
        } else if (channel == "/meta/subscribe"_L1) {
            replies.append(subscribe(client, message));
        } else if (channel == "/meta/unsubscribe"_L1) {
            replies.append(unsubscribe(client, message));
        } else if (channel == "/meta/disconnect"_L1) {
            release(client);
            m_clients.erase(it);
            replies.append(reply(message, true));
        } else {
            replies.append(failure(message, u"403::Publish denied"_s));
        }
    }

    auto withCookie = [&](ApiResponse response) {
        if (!newBrowserId.isEmpty()) {
            response.setHeader("Set-Cookie",
                               "BAYEUX_BROWSER=" + newBrowserId.toLatin1() + "; Path=/; HttpOnly");
        }
        return response;
    };
    auto held = m_clients.find(connecting);
    if (connecting.isEmpty() || held == m_clients.end()) {
        out.response = withCookie(bayeux(200, replies));
        return out;
    }
    // The connect's answer also carries the other replies of this request, before the
    // deliveries and its own ack. (A connect always comes after the handshake that set the
    // cookie, so a held answer never needs to set it.)
    Client &client = held->second;
    QJsonArray heldReplies = replies;
    heldReplies.append(client.heldReplies.first());
    client.heldReplies = heldReplies;
    out.action = SfHttpServer::Outcome::Action::Defer;
    const QString clientId = client.id;
    out.defer = [this, clientId](SfHttpServer::Responder responder) {
        auto it = m_clients.find(clientId);
        if (it == m_clients.end()) {
            responder(bayeux(200, {}));
            return;
        }
        Client &c = it->second;
        c.held = std::move(responder);
        if (!c.queued.isEmpty()) {
            release(c);
            return;
        }
        c.holdTimer = std::make_unique<QTimer>();
        c.holdTimer->setSingleShot(true);
        connect(c.holdTimer.get(), &QTimer::timeout, this, [this, clientId] {
            if (auto found = m_clients.find(clientId); found != m_clients.end())
                release(found->second);
        });
        c.holdTimer->start(holdMs());
    };
    return out;
}

QJsonObject CometdEndpoint::handshake(const QJsonObject &message, const QString &browserId)
{
    const QJsonArray types = message.value(u"supportedConnectionTypes").toArray();
    if (message.contains(u"supportedConnectionTypes") && !types.contains(u"long-polling"_s)) {
        QJsonObject r = failure(message, u"400::Unsupported connection types"_s);
        r.insert(u"supportedConnectionTypes"_s, QJsonArray {u"long-polling"_s});
        return r;
    }
    Client client;
    client.id = randomId(27);
    client.browserId = browserId;
    client.lastSeenMs = m_org.nowMs();
    QJsonObject r = reply(message, true);
    r.insert(u"clientId"_s, client.id);
    r.insert(u"version"_s, u"1.0"_s);
    r.insert(u"minimumVersion"_s, u"1.0"_s);
    r.insert(u"supportedConnectionTypes"_s, QJsonArray {u"long-polling"_s});
    r.insert(u"ext"_s, QJsonObject {{u"replay"_s, true}, {u"payload.format"_s, true}});
    const QString id = client.id;
    m_clients.emplace(id, std::move(client));
    return r;
}

QJsonObject CometdEndpoint::subscribe(Client &client, const QJsonObject &message)
{
    const QString channel = message.value(u"subscription").toString();
    QJsonObject r = reply(message, true);
    r.insert(u"subscription"_s, message.value(u"subscription"));
    if (!knownChannel(channel)) {
        r = failure(message,
                    u"400::The channel you requested to subscribe to does not exist in "
                    u"{%1}"_s.arg(channel));
        r.insert(u"subscription"_s, message.value(u"subscription"));
        return r;
    }
    const ChangeEventLog &changes = m_org.data().changes();
    const PlatformEventLog &published = m_org.data().events();
    const bool events = isEventChannel(channel);
    const qint64 last = events ? published.nextReplayId() - 1 : changes.lastReplayId();
    qint64 from = -1;
    const QJsonValue replay
        = message.value(u"ext").toObject().value(u"replay").toObject().value(channel);
    bool valid = true;
    if (!replay.isUndefined()) {
        const double d = replay.toDouble(-3);
        valid = replay.isDouble() && d == double(qint64(d));
        from = valid ? qint64(d) : 0;
        const bool retained = events ? from >= 0 && from <= last : changes.isValidReplayId(from);
        valid = valid && (from == -1 || from == -2 || (from >= 0 && retained));
    }
    if (!valid) {
        const QString given = replay.isDouble()
            ? QString::number(qint64(replay.toDouble()))
            : QString::fromUtf8(QJsonDocument(QJsonArray {replay}).toJson(QJsonDocument::Compact))
                  .mid(1)
                  .chopped(1);
        r = failure(message,
                    u"400::The replayId {%1} you provided was invalid.  Please provide a "
                    u"valid ID, -2 to replay all events, or -1 to replay only new "
                    u"events."_s.arg(given));
        r.insert(u"subscription"_s, channel);
        return r;
    }
    Subscription sub {channel, from == -1 ? last : from == -2 ? 0 : from};
    client.subscriptions.removeIf([&](const Subscription &s) { return s.channel == channel; });
    client.subscriptions.append(sub);
    Subscription &stored = client.subscriptions.last();
    if (events) {
        for (const PublishedEvent &e : published.events()) {
            if (e.eventType == channel.mid(7))
                queueFor(client, stored, e.replayId, platformEventData(e));
        }
        return r;
    }
    for (const ChangeEvent &e : changes.after(stored.position)) {
        if (channelCarries(channel, e))
            queueFor(client, stored, e.replayId, e.toData());
    }
    return r;
}

QJsonObject CometdEndpoint::unsubscribe(Client &client, const QJsonObject &message)
{
    const QString channel = message.value(u"subscription").toString();
    client.subscriptions.removeIf([&](const Subscription &s) { return s.channel == channel; });
    QJsonObject r = reply(message, true);
    r.insert(u"subscription"_s, channel);
    return r;
}

bool CometdEndpoint::queueFor(Client &client, Subscription &subscription, qint64 replayId,
                              const QJsonObject &data)
{
    if (replayId <= subscription.position)
        return false;
    subscription.position = replayId;
    client.queued.append(QJsonObject {{u"channel"_s, subscription.channel}, {u"data"_s, data}});
    return true;
}

void CometdEndpoint::onCommitted(const QList<ChangeEvent> &events)
{
    for (auto &[id, client] : m_clients) {
        for (const ChangeEvent &e : events) {
            for (Subscription &s : client.subscriptions) {
                if (!isEventChannel(s.channel) && channelCarries(s.channel, e))
                    queueFor(client, s, e.replayId, e.toData());
            }
        }
        if (client.held && !client.queued.isEmpty())
            release(client);
    }
}

void CometdEndpoint::onPublished(const QList<PublishedEvent> &events)
{
    for (auto &[id, client] : m_clients) {
        for (const PublishedEvent &e : events) {
            for (Subscription &s : client.subscriptions) {
                if (isEventChannel(s.channel) && s.channel.mid(7) == e.eventType)
                    queueFor(client, s, e.replayId, platformEventData(e));
            }
        }
        if (client.held && !client.queued.isEmpty())
            release(client);
    }
}

void CometdEndpoint::release(Client &client)
{
    if (m_silent)
        return; // the deliveries stay queued; the client will not get them from this server
    if (client.holdTimer) {
        client.holdTimer->stop();
        client.holdTimer.reset();
    }
    if (!client.held)
        return;
    QJsonArray body = client.queued;
    for (const QJsonValue &v : std::as_const(client.heldReplies))
        body.append(v);
    SfHttpServer::Responder responder = std::move(client.held);
    client.held = {};
    client.heldReplies = {};
    // A client that has gone keeps its deliveries for its next connect.
    if (responder(bayeux(200, body)))
        client.queued = {};
    client.lastSeenMs = m_org.nowMs();
}

void CometdEndpoint::expireIdleClients(qint64 nowMs)
{
    std::erase_if(m_clients, [&](const auto &entry) {
        const Client &c = entry.second;
        return !c.held && c.lastSeenMs < nowMs - kClientExpiryMs;
    });
}

void CometdEndpoint::setSilent(bool silent)
{
    if (silent == m_silent)
        return;
    m_silent = silent;
    for (auto &[id, client] : m_clients) {
        if (client.holdTimer)
            client.holdTimer.reset();
        client.held = {}; // never answered: the client's watchdog has to notice
        client.heldReplies = {};
    }
    if (!silent)
        m_clients.clear();
}

void CometdEndpoint::dropAllClients()
{
    for (auto &[id, client] : m_clients) {
        if (client.holdTimer)
            client.holdTimer.reset();
        if (client.held) {
            QJsonObject ack = client.heldReplies.isEmpty()
                ? QJsonObject {{u"channel"_s, u"/meta/connect"_s}}
                : client.heldReplies.last().toObject();
            ack.remove(u"advice"_s);
            QJsonArray body = client.heldReplies;
            if (!body.isEmpty())
                body.removeLast();
            body.append(unknownClient(ack));
            client.held(bayeux(200, body));
        }
    }
    m_clients.clear();
}

Result<void> CometdEndpoint::emitGap(const QString &object, const QString &changeType,
                                     const QStringList &recordIds)
{
    static const QStringList kGapTypes {u"GAP_CREATE"_s, u"GAP_UPDATE"_s, u"GAP_DELETE"_s,
                                        u"GAP_UNDELETE"_s, u"GAP_OVERFLOW"_s};
    if (!ChangeEventLog::tracks(object))
        return makeError(u"BAD_OBJECT"_s, u"no change events for object: "_s + object);
    if (!kGapTypes.contains(changeType))
        return makeError(u"BAD_CHANGE_TYPE"_s,
                         u"changeType must be one of "_s + kGapTypes.join(u", "_s));
    if (changeType != "GAP_OVERFLOW"_L1 && recordIds.isEmpty())
        return makeError(u"BAD_RECORD_IDS"_s, u"a gap event names at least one record"_s);
    ChangeEvent e;
    e.entityName = object;
    e.changeType = changeType;
    e.recordIds = recordIds;
    e.commitUser = m_org.users().constFirst().userId;
    m_org.data().changes().publish({e}, m_org.nowMs());
    return {};
}

QJsonObject CometdEndpoint::stats() const
{
    QJsonArray clients;
    for (const auto &[id, client] : m_clients) {
        QJsonObject subs;
        for (const Subscription &s : client.subscriptions)
            subs.insert(s.channel, s.position);
        clients.append(QJsonObject {{u"clientId"_s, id},
                                    {u"subscriptions"_s, subs},
                                    {u"queued"_s, client.queued.size()},
                                    {u"connectHeld"_s, bool(client.held)}});
    }
    const ChangeEventLog &changes = m_org.data().changes();
    return QJsonObject {
        {u"clients"_s, clients},
        {u"retainedEvents"_s, qint64(changes.retained().size())},
        {u"lastReplayId"_s, changes.lastReplayId()},
        {u"connectTimeoutMs"_s, holdMs()},
    };
}

ApiResponse CometdEndpoint::handleAdmin(const ApiRequest &request)
{
    const QString action = request.segments.value(2);
    if (request.method == "GET" && action.isEmpty())
        return ApiResponse::json(200, QJsonDocument(stats()).toJson(QJsonDocument::Compact));
    if (request.method != "POST")
        return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
    if (action == "drop-clients"_L1) {
        dropAllClients();
        return ApiResponse::noContent();
    }
    if (action == "expire-events"_L1) {
        m_org.data().changes().expireAll();
        return ApiResponse::noContent();
    }
    if (action == "gap"_L1) {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QStringList ids;
        for (const QJsonValue &v : body.value(u"recordIds").toArray())
            ids.append(v.toString());
        if (auto r
            = emitGap(body.value(u"object").toString(), body.value(u"changeType").toString(), ids);
            !r) {
            return ApiResponse::error(400, r.error().code, r.error().message);
        }
        return ApiResponse::noContent();
    }
    return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
}

} // namespace lb::sandbox
