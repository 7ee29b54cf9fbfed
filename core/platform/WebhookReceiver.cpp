#include "WebhookReceiver.h"

#include "BoundedBodyTcpServer.h"
#include "WebhookEvent.h"
#include "WebhookSignature.h"
#include "log/Logging.h"
#include "store/Store.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace lb::platform {

struct WebhookReceiver::Answer
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

namespace {

bool isJsonContentType(const QByteArray &value)
{
    // "application/json", optionally with parameters ("; charset=utf-8").
    const QByteArray type = value.split(';').value(0).trimmed().toLower();
    return type == "application/json";
}

} // namespace

Result<WebhookReceiver::Settings> WebhookReceiver::settingsFromProfile(const QString &webhookListen,
                                                                       const QByteArray &secret)
{
    Settings s;
    s.secret = secret;
    if (!webhookListen.trimmed().isEmpty()) {
        auto listen = WebhookListenAddress::parse(webhookListen);
        if (!listen)
            return listen.error();
        s.listen = *listen;
        s.listenFromProfile = true;
    }
    return s;
}

WebhookReceiver::WebhookReceiver(Store &store, const Clock &clock, Settings settings,
                                 QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_settings(std::move(settings))
{ }

WebhookReceiver::~WebhookReceiver() = default;

Result<quint16> WebhookReceiver::start()
{
    if (m_server)
        return makeError(QStringLiteral("already_listening"),
                         QStringLiteral("The webhook receiver is already listening."));
    const WebhookListenAddress &listen = m_settings.listen;
    if (!listen.isLoopback() && !m_settings.listenFromProfile)
        return makeError(QStringLiteral("webhook_listen_refused"),
                         QStringLiteral("The webhook receiver listens only on loopback unless "
                                        "the profile's webhook_listen names another address "
                                        "(asked for %1).")
                             .arg(listen.toString()));
    if (m_settings.secret.isEmpty())
        return makeError(QStringLiteral("webhook_secret_missing"),
                         QStringLiteral("No webhook secret is configured (keychain or "
                                        "LEADBRIDGE_WEBHOOK_SECRET); without it no webhook "
                                        "could be verified."));

    auto server = std::make_unique<QHttpServer>();
    server->setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const Answer answer = handle(request);
            QHttpServerResponse response(QByteArrayLiteral("application/json"), answer.body,
                                         QHttpServerResponse::StatusCode(answer.status));
            for (const auto &h : answer.headers)
                response.setHeader(h.first, h.second);
            response.write(std::move(responder));
        });
    auto *tcp = new BoundedBodyTcpServer(m_settings.maxBodyBytes);
    if (!tcp->listen(listen.address, listen.port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return makeError(QStringLiteral("webhook_listen_failed"),
                         QStringLiteral("The webhook receiver cannot listen on %1: %2")
                             .arg(listen.toString(), why));
    }
    server->bind(tcp); // takes ownership
    m_tcp = tcp;
    m_port = tcp->serverPort();
    m_server = std::move(server);
    if (!listen.isLoopback())
        qCWarning(lcPlatform) << "webhook receiver listening on a non-loopback address"
                              << listen.toString() << "(from the profile)";
    qCInfo(lcPlatform) << "webhook receiver listening on" << url();
    return m_port;
}

bool WebhookReceiver::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

QString WebhookReceiver::url() const
{
    WebhookListenAddress where = m_settings.listen;
    where.port = m_port;
    if (where.address == QHostAddress::Any || where.address == QHostAddress::AnyIPv4)
        where.address = QHostAddress(QHostAddress::LocalHost);
    else if (where.address == QHostAddress::AnyIPv6)
        where.address = QHostAddress(QHostAddress::LocalHostIPv6);
    return QStringLiteral("http://") + where.toString() + m_settings.path;
}

WebhookReceiver::Stats WebhookReceiver::stats() const
{
    Stats s = m_stats;
    if (m_tcp) {
        s.rejected += m_tcp->refusedEarly();
        s.requests += m_tcp->refusedEarly();
        s.refusedBeforeReading = m_tcp->refusedEarly();
        s.headersInPieces = m_tcp->headersInPieces();
    }
    return s;
}

WebhookReceiver::Answer WebhookReceiver::reject(int status, const QString &code,
                                                const QString &message)
{
    ++m_stats.rejected;
    ++m_stats.rejectedByCode[code];
    qCInfo(lcPlatform) << "webhook rejected:" << status << code;
    return Answer {status, BoundedBodyTcpServer::errorJson(code, message), {}};
}

WebhookReceiver::Answer WebhookReceiver::handle(const QHttpServerRequest &request)
{
    ++m_stats.requests;
    if (request.url().path() != m_settings.path)
        return reject(404, QStringLiteral("not_found"),
                      QStringLiteral("Webhooks are received at %1 only.").arg(m_settings.path));
    if (request.method() != QHttpServerRequest::Method::Post) {
        Answer a = reject(405, QStringLiteral("method_not_allowed"),
                          QStringLiteral("Webhooks are delivered with POST."));
        a.headers.append(qMakePair(QByteArray("Allow"), QByteArray("POST")));
        return a;
    }

    const QByteArray body = request.body();
    if (body.size() > m_settings.maxBodyBytes)
        return reject(413, QStringLiteral("payload_too_large"),
                      QStringLiteral("The body is %1 bytes; at most %2 are accepted.")
                          .arg(body.size())
                          .arg(m_settings.maxBodyBytes));

    const qint64 nowMs = m_clock.nowMs();
    const auto signature
        = WebhookSignature::verify(request.value(WebhookSignature::HeaderName), body,
                                   m_settings.secret, nowMs / 1000, m_settings.toleranceS);
    if (!signature)
        return reject(401, signature.error().code, signature.error().message);

    if (!isJsonContentType(request.value("Content-Type")))
        return reject(415, QStringLiteral("unsupported_media_type"),
                      QStringLiteral("Webhook bodies must be sent as application/json."));

    auto event = WebhookEvent::parse(body);
    if (!event)
        return reject(event.error().httpStatus, event.error().code, event.error().message);

    InboundEvent stored;
    stored.eventId = event->eventId;
    stored.source = QStringLiteral("webhook");
    stored.type = event->type;
    stored.occurredAt = event->occurredAt;
    stored.receivedAt = nowMs;
    stored.payload = body;
    const auto inserted = m_store.events().insert(stored);
    if (!inserted) {
        qCWarning(lcPlatform) << "webhook event could not be stored:"
                              << inserted.error().toString();
        Answer a = reject(503, QStringLiteral("store_unavailable"),
                          QStringLiteral("The event could not be stored; deliver it again."));
        a.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("5")));
        return a;
    }

    const QString eventId = event->eventId;
    if (*inserted) {
        ++m_stats.stored;
        // Queued, so the 2xx leaves before anyone reacts to the event.
        QTimer::singleShot(0, this, [this, eventId] { emit eventStored(eventId); });
    } else {
        ++m_stats.duplicates;
    }
    return Answer {200,
                   QJsonDocument(QJsonObject {{QStringLiteral("status"),
                                               *inserted ? QStringLiteral("stored")
                                                         : QStringLiteral("duplicate")},
                                              {QStringLiteral("event_id"), eventId}})
                       .toJson(QJsonDocument::Compact),
                   {}};
}

} // namespace lb::platform
