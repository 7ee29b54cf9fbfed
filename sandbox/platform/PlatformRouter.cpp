#include "PlatformRouter.h"

#include "log/Logging.h"
#include "platform/WebhookSignature.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace lb::sandbox {
namespace {

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

} // namespace

PlatformRouter::PlatformRouter(PlatformApi &api, RateLimitWindow &rate, PlatformFaults &faults)
    : m_api(api)
    , m_rate(rate)
    , m_faults(faults)
{ }

PlatformRouter::~PlatformRouter() = default;

void PlatformRouter::install(QHttpServer &server)
{
    server.setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handle(request, std::move(responder));
        });
}

void PlatformRouter::releaseHung()
{
    m_hung.clear();
}

bool PlatformRouter::authorized(const QHttpServerRequest &request) const
{
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer ") || m_apiKey.isEmpty())
        return false;
    return lb::platform::WebhookSignature::constantTimeEquals(header.mid(7).trimmed(), m_apiKey);
}

void PlatformRouter::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    ++m_stats.requests;
    const QByteArray method = methodName(request.method());
    const QString path = request.url().path(QUrl::FullyDecoded);

    switch (m_faults.nextRequest()) {
    case PlatformFaults::Action::Hang:
        ++m_stats.hung;
        m_hung.push_back(std::make_unique<QHttpServerResponder>(std::move(responder)));
        return;
    case PlatformFaults::Action::Drop:
        ++m_stats.dropped;
        if (QTcpSocket *socket = responder.socket())
            socket->abort();
        return;
    case PlatformFaults::Action::Fail503:
        ++m_stats.injected503;
        return send(method, path,
                    PlatformAnswer::error(503, QStringLiteral("service_unavailable"),
                                          QStringLiteral("The platform is busy; try again.")),
                    m_rate.peek(), std::move(responder));
    case PlatformFaults::Action::None:
        break;
    }

    if (!authorized(request)) {
        ++m_stats.unauthorized;
        PlatformAnswer a = PlatformAnswer::error(401, QStringLiteral("unauthorized"),
                                                 QStringLiteral("Missing or wrong API key "
                                                                "(Authorization: Bearer <key>)."));
        a.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
        return send(method, path, a, m_rate.peek(), std::move(responder));
    }

    const RateLimitWindow::Decision limits = m_rate.take();
    if (!limits.allowed) {
        ++m_stats.rateLimited;
        PlatformAnswer a = PlatformAnswer::error(429, QStringLiteral("rate_limited"),
                                                 QStringLiteral("Too many requests; see "
                                                                "Retry-After."));
        a.headers.append(
            qMakePair(QByteArray("Retry-After"), QByteArray::number(limits.retryAfterS)));
        return send(method, path, a, limits, std::move(responder));
    }

    const QByteArray body = request.body();
    if (body.size() > MaxBodyBytes) {
        ++m_stats.tooLarge;
        return send(method, path,
                    PlatformAnswer::error(413, QStringLiteral("payload_too_large"),
                                          QStringLiteral("Bodies may be at most 1 MiB.")),
                    limits, std::move(responder));
    }

    PlatformApi::Request r;
    r.method = method;
    r.path = path.split(u'/', Qt::SkipEmptyParts);
    r.query = QUrlQuery(request.url());
    r.ifMatch = request.value("If-Match");
    r.body = body;
    send(method, path, m_api.handle(r), limits, std::move(responder));
}

void PlatformRouter::send(const QByteArray &method, const QString &path, PlatformAnswer answer,
                          const RateLimitWindow::Decision &limits, QHttpServerResponder &&responder)
{
    ++m_stats.byStatus[answer.status];
    if (m_observer)
        m_observer(method, path, answer.status);

    const auto status = QHttpServerResponse::StatusCode(answer.status);
    auto response = answer.body.isEmpty()
        ? std::make_shared<QHttpServerResponse>(status)
        : std::make_shared<QHttpServerResponse>(QByteArrayLiteral("application/json"), answer.body,
                                                status);
    response->setHeader("X-RateLimit-Limit", QByteArray::number(limits.limit));
    response->setHeader("X-RateLimit-Remaining", QByteArray::number(limits.remaining));
    response->setHeader("X-RateLimit-Reset", QByteArray::number(limits.resetAt));
    for (const auto &h : answer.headers)
        response->setHeader(h.first, h.second);

    const int delay = m_faults.slowMs();
    if (delay <= 0) {
        response->write(std::move(responder));
        return;
    }
    ++m_stats.slowed;
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QTcpSocket> socket(held->socket());
    QTimer::singleShot(delay, socket.data(), [socket, held, response] {
        if (socket && socket->state() == QAbstractSocket::ConnectedState)
            response->write(std::move(*held));
    });
}

} // namespace lb::sandbox
