#include "CometdChangeEventSource.h"

#include "log/Logging.h"
#include "net/HttpClient.h"
#include "salesforce/SalesforceSession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce::streaming {

namespace {

const QString kHandshake = u"/meta/handshake"_s;
const QString kConnect = u"/meta/connect"_s;
const QString kSubscribe = u"/meta/subscribe"_s;
const QString kDisconnect = u"/meta/disconnect"_s;

const BayeuxMessage *reply(const QList<BayeuxMessage> &answer, const QString &channel)
{
    for (const BayeuxMessage &m : answer) {
        if (m.channel == channel)
            return &m;
    }
    // A failure without a channel (a malformed request) answers whatever was asked.
    for (const BayeuxMessage &m : answer) {
        if (m.channel.isEmpty() && m.successful.has_value())
            return &m;
    }
    return nullptr;
}

Error bayeuxError(const BayeuxMessage &m, const QString &what)
{
    Error e {u"bayeux_failed"_s, u"%1 failed: %2"_s.arg(what, m.error)};
    e.httpStatus = m.errorStatus();
    return e;
}

} // namespace

CometdChangeEventSource::CometdChangeEventSource(HttpClient &http, SalesforceSession &session,
                                                 Options options, QObject *parent)
    : ChangeEventSource(parent)
    , m_http(http)
    , m_session(session)
    , m_options(std::move(options))
    , m_epoch(std::make_unique<QObject>())
{ }

CometdChangeEventSource::CometdChangeEventSource(HttpClient &http, SalesforceSession &session,
                                                 QObject *parent)
    : CometdChangeEventSource(http, session, Options(), parent)
{ }

CometdChangeEventSource::~CometdChangeEventSource() = default;

void CometdChangeEventSource::newEpoch()
{
    m_epoch = std::make_unique<QObject>();
    ++m_generation;
}

void CometdChangeEventSource::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

qint64 CometdChangeEventSource::replayPosition(const QString &channel) const
{
    return m_positions.value(channel, ChannelStart::kNewOnly);
}

QStringList CometdChangeEventSource::subscribedChannels() const
{
    return m_subscribed;
}

void CometdChangeEventSource::start(const QList<ChannelStart> &channels)
{
    newEpoch();
    m_channels.clear();
    m_positions.clear();
    for (const ChannelStart &c : channels) {
        m_channels.append(c.channel);
        m_positions.insert(c.channel, c.replayFrom);
    }
    m_failures = 0;
    m_timeoutMs = m_options.defaultTimeoutMs;
    m_intervalMs = 0;
    setState(State::Connecting);
    handshake();
}

void CometdChangeEventSource::stop()
{
    if (m_state == State::Stopped)
        return;
    if (!m_clientId.isEmpty() && m_session.hasToken()) {
        // Politely: the server releases the held connect. The answer does not matter.
        const QJsonArray bye {QJsonObject {
            {u"channel"_s, kDisconnect}, {u"clientId"_s, m_clientId}, {u"id"_s, nextId()}}};
        HttpRequest request;
        request.method = "POST";
        request.url = m_session.instanceUrl();
        request.url.setPath(u"/cometd/"_s + m_options.apiVersion);
        request.body = QJsonDocument(bye).toJson(QJsonDocument::Compact);
        request.setHeader("Authorization", "Bearer " + m_session.accessToken().toUtf8());
        request.setHeader("Content-Type", "application/json");
        request.timeoutMs = 10'000;
        m_http.send(request, this, [](const HttpResponse &) {});
    }
    newEpoch();
    m_clientId.clear();
    m_subscribed.clear();
    setState(State::Stopped);
}

void CometdChangeEventSource::post(const QJsonArray &messages, qint64 timeoutMs,
                                   AnswerCallback done)
{
    HttpRequest request;
    request.method = "POST";
    request.url = m_session.instanceUrl();
    request.url.setPath(u"/cometd/"_s + m_options.apiVersion);
    request.url.setQuery(QString());
    request.body = QJsonDocument(messages).toJson(QJsonDocument::Compact);
    request.timeoutMs = int(qMin<qint64>(timeoutMs, std::numeric_limits<int>::max()));
    m_sentToken = m_session.accessToken();
    request.setHeader("Authorization", "Bearer " + m_sentToken.toUtf8());
    request.setHeader("Content-Type", "application/json");
    if (!m_options.callOptionsClient.isEmpty())
        request.setHeader("Sforce-Call-Options", "client=" + m_options.callOptionsClient.toUtf8());
    m_http.send(request, m_epoch.get(), [done = std::move(done)](const HttpResponse &r) {
        if (!r.reachedServer() || !r.complete()) {
            // No answer, or one cut short: the stream is down until a handshake succeeds.
            Error e {r.errorCode.isEmpty() ? u"network"_s : r.errorCode, r.errorString};
            e.retryable = r.errorCode == "network"_L1 || r.errorCode == "timeout"_L1
                || r.errorCode == "undecodable_response"_L1;
            done(e, 0);
            return;
        }
        auto answer = BayeuxMessage::parseAnswer(r.body);
        if (!answer) {
            Error e = answer.error();
            e.httpStatus = r.status;
            e.message += u" (HTTP %1)"_s.arg(r.status);
            done(e, r.status);
            return;
        }
        done(std::move(answer), r.status);
    });
}

void CometdChangeEventSource::handshake()
{
    if (!m_session.hasToken()) {
        m_session.ensureToken(m_epoch.get(), [this](Result<void> ok) {
            if (!ok) {
                emit streamError({StreamError::Kind::AuthFailed, {}, 0, ok.error()});
                backoffThen(&CometdChangeEventSource::handshake, ok.error());
                return;
            }
            handshake();
        });
        return;
    }
    ++m_handshakes;
    m_clientId.clear();
    m_subscribed.clear();
    setState(State::Connecting);
    const QJsonArray hello {QJsonObject {
        {u"channel"_s, kHandshake},
        {u"version"_s, u"1.0"_s},
        {u"minimumVersion"_s, u"1.0"_s},
        {u"supportedConnectionTypes"_s, QJsonArray {u"long-polling"_s}},
        {u"id"_s, nextId()},
    }};
    post(hello, m_options.requestTimeoutMs,
         [this](Result<QList<BayeuxMessage>> answer, int status) {
             onHandshake(std::move(answer), status);
         });
}

void CometdChangeEventSource::onHandshake(Result<QList<BayeuxMessage>> answer, int status)
{
    const BayeuxMessage *m = answer ? reply(*answer, kHandshake) : nullptr;
    if (status == 401 || (m && m->isAuthenticationFailure())) {
        refreshThenHandshake();
        return;
    }
    if (!answer) {
        const auto kind = status == 0 ? StreamError::Kind::Network : StreamError::Kind::Protocol;
        emit streamError({kind, {}, 0, answer.error()});
        backoffThen(&CometdChangeEventSource::handshake, answer.error());
        return;
    }
    if (!m || m->successful != true || m->clientId.isEmpty()) {
        const Error e = m ? bayeuxError(*m, u"The Streaming API handshake"_s)
                          : Error {u"bayeux_malformed"_s, u"the handshake was not answered"_s};
        emit streamError({StreamError::Kind::Protocol, {}, 0, e});
        backoffThen(&CometdChangeEventSource::handshake, e);
        return;
    }
    if (!m->replaySupported)
        qCWarning(lcSalesforce) << "the Streaming API does not advertise durable replay";
    m_clientId = m->clientId;
    m_refreshedSinceHandshake = false;
    subscribeAll();
}

void CometdChangeEventSource::subscribeAll()
{
    m_pendingSubscribes = int(m_channels.size());
    if (m_pendingSubscribes == 0) {
        connectOnce();
        return;
    }
    for (const QString &channel : std::as_const(m_channels)) {
        const qint64 from = m_positions.value(channel, ChannelStart::kNewOnly);
        const QJsonArray subscribe {QJsonObject {
            {u"channel"_s, kSubscribe},
            {u"clientId"_s, m_clientId},
            {u"subscription"_s, channel},
            {u"id"_s, nextId()},
            {u"ext"_s, QJsonObject {{u"replay"_s, QJsonObject {{channel, double(from)}}}}},
        }};
        const quint64 generation = m_generation;
        post(subscribe, m_options.requestTimeoutMs,
             [this, channel, from, generation](Result<QList<BayeuxMessage>> answer, int status) {
                 if (generation == m_generation)
                     onSubscribed(channel, from, std::move(answer), status);
             });
    }
}

void CometdChangeEventSource::onSubscribed(const QString &channel, qint64 from,
                                           Result<QList<BayeuxMessage>> answer, int status)
{
    const quint64 generation = m_generation;
    const BayeuxMessage *m = answer ? reply(*answer, kSubscribe) : nullptr;
    // Anything that spoils the session starts it again (a new epoch drops the other replies).
    if (status == 401 || (m && m->isAuthenticationFailure())) {
        newEpoch();
        refreshThenHandshake();
        return;
    }
    if (m && m->successful == false && m->isUnknownClient()) {
        emit clientDropped(m->error);
        newEpoch();
        handshake();
        return;
    }
    if (!answer || !m) {
        const Error e = !answer
            ? answer.error()
            : Error {u"bayeux_malformed"_s, u"the subscribe was not answered"_s};
        emit streamError({status == 0 ? StreamError::Kind::Network : StreamError::Kind::Protocol,
                          channel, 0, e});
        if (generation != m_generation)
            return;
        newEpoch();
        backoffThen(&CometdChangeEventSource::handshake, e);
        return;
    }
    if (m->successful == true) {
        if (!m_subscribed.contains(channel))
            m_subscribed.append(channel);
        // Subscribed for new events only: a later re-subscribe (the server dropped this
        // client) asks for everything retained instead, as the caller stored for a restart.
        // Asked for new events again it would miss whatever changed while it had no client.
        if (m_positions.value(channel) == ChannelStart::kNewOnly)
            m_positions.insert(channel, ChannelStart::kAllRetained);
    } else {
        // Refused for this channel alone: it leaves the stream; the others go on.
        m_channels.removeAll(channel);
        const bool badReplay = m->error.contains(u"replayId"_s, Qt::CaseInsensitive);
        const Error e = bayeuxError(*m, u"Subscribing to %1"_s.arg(channel));
        emit streamError(
            {badReplay ? StreamError::Kind::InvalidReplayId : StreamError::Kind::UnknownChannel,
             channel, badReplay ? from : 0, e});
        if (generation != m_generation)
            return;
    }
    if (--m_pendingSubscribes == 0)
        connectOnce();
}

void CometdChangeEventSource::connectOnce()
{
    const QJsonArray connect {QJsonObject {
        {u"channel"_s, kConnect},
        {u"clientId"_s, m_clientId},
        {u"connectionType"_s, u"long-polling"_s},
        {u"id"_s, nextId()},
    }};
    // The watchdog: a connect that outlives the advised hold plus a margin is given up.
    post(connect, m_timeoutMs + m_options.watchdogMarginMs,
         [this](Result<QList<BayeuxMessage>> answer, int status) {
             onConnect(std::move(answer), status);
         });
}

void CometdChangeEventSource::onConnect(Result<QList<BayeuxMessage>> answer, int status)
{
    const quint64 generation = m_generation;
    if (status == 401) {
        refreshThenHandshake();
        return;
    }
    if (!answer) {
        emit streamError({status == 0 ? StreamError::Kind::Network : StreamError::Kind::Protocol,
                          {},
                          0,
                          answer.error()});
        if (generation == m_generation)
            backoffThen(&CometdChangeEventSource::connectOnce, answer.error());
        return;
    }
    // Deliveries first (they precede the ack), each one checked for a stop() by a receiver.
    for (const BayeuxMessage &m : std::as_const(*answer)) {
        if (m.isDelivery()) {
            deliver(m);
            if (generation != m_generation)
                return;
        }
    }
    const BayeuxMessage *ack = reply(*answer, kConnect);
    if (!ack) {
        const Error e {u"bayeux_malformed"_s, u"the connect was not acknowledged"_s};
        emit streamError({StreamError::Kind::Protocol, {}, 0, e});
        if (generation == m_generation)
            backoffThen(&CometdChangeEventSource::connectOnce, e);
        return;
    }
    if (ack->advice) {
        if (ack->advice->timeoutMs)
            m_timeoutMs = *ack->advice->timeoutMs;
        if (ack->advice->intervalMs)
            m_intervalMs = *ack->advice->intervalMs;
    }
    if (ack->successful == true) {
        m_failures = 0;
        setState(State::Connected);
        if (generation != m_generation)
            return;
        if (m_intervalMs > 0)
            QTimer::singleShot(m_intervalMs, m_epoch.get(), [this] { connectOnce(); });
        else
            connectOnce();
        return;
    }
    if (ack->isAuthenticationFailure() || (ack->advice && ack->advice->reconnect == "none"_L1)) {
        refreshThenHandshake();
    } else if (ack->isUnknownClient()) {
        qCInfo(lcSalesforce) << "Streaming API:" << ack->error << "- handshaking again";
        emit clientDropped(ack->error);
        handshake();
    } else {
        const Error e = bayeuxError(*ack, u"The Streaming API connect"_s);
        emit streamError({StreamError::Kind::Protocol, {}, 0, e});
        if (generation == m_generation)
            backoffThen(&CometdChangeEventSource::handshake, e);
    }
}

void CometdChangeEventSource::deliver(const BayeuxMessage &message)
{
    if (!m_channels.contains(message.channel))
        return; // a late delivery for a channel that has left the stream
    auto event = ChangeEvent::fromDelivery(message);
    if (!event) {
        emit streamError({StreamError::Kind::Protocol, message.channel, 0, event.error()});
        return;
    }
    // After a re-subscribe the server may repeat what was already delivered.
    qint64 &position = m_positions[message.channel];
    if (position >= 0 && event->replayId <= position)
        return;
    position = event->replayId;
    emit eventReceived(*event);
}

void CometdChangeEventSource::refreshThenHandshake()
{
    if (m_refreshedSinceHandshake) {
        // A fresh token was refused too: say so, wait, and try again with another refresh.
        m_refreshedSinceHandshake = false;
        const Error e {u"auth_failed"_s, u"The Streaming API refused a freshly issued token."_s};
        emit streamError({StreamError::Kind::AuthFailed, {}, 0, e});
        backoffThen(&CometdChangeEventSource::refreshThenHandshake, e);
        return;
    }
    m_refreshedSinceHandshake = true;
    // The token that was refused: if another caller has replaced it since, no new grant.
    m_session.refreshAfterRejection(m_sentToken, m_epoch.get(), [this](Result<void> ok) {
        if (!ok) {
            emit streamError({StreamError::Kind::AuthFailed, {}, 0, ok.error()});
            backoffThen(&CometdChangeEventSource::handshake, ok.error());
            return;
        }
        handshake();
    });
}

void CometdChangeEventSource::backoffThen(void (CometdChangeEventSource::*step)(), const Error &why)
{
    if (m_state == State::Stopped)
        return;
    ++m_failures;
    setState(State::Backoff);
    const qint64 delay = m_options.backoff.backoffMs(m_failures, *QRandomGenerator::global());
    qCInfo(lcSalesforce).noquote()
        << "Streaming API:" << why.toString() << "- retrying in" << delay << "ms";
    QTimer::singleShot(delay, m_epoch.get(), [this, step] { (this->*step)(); });
}

} // namespace lb::salesforce::streaming
