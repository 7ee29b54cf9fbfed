#include "SfHttpServer.h"

#include "SfDateTime.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QTimer>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

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
        return "UNKNOWN";
    }
}

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 300:
        return "Multiple Choices";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 412:
        return "Precondition Failed";
    case 410:
        return "Gone";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

SfHttpServer::SfHttpServer(Handler handler, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
{ }

SfHttpServer::~SfHttpServer()
{
    releaseHungRequests();
}

quint16 SfHttpServer::listenLoopback(quint16 port)
{
    m_port = listen(QHostAddress::LocalHost, port);
    return m_port;
}

QString SfHttpServer::baseUrl() const
{
    return u"http://127.0.0.1:%1"_s.arg(m_port);
}

void SfHttpServer::releaseHungRequests()
{
    for (const QPointer<QTcpSocket> &socket : std::as_const(m_hung)) {
        if (socket)
            socket->abort();
    }
    m_hung.clear();
}

QByteArray SfHttpServer::serialize(const ApiResponse &response, bool headRequest)
{
    QByteArray out;
    out.reserve(response.body.size() + 256);
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status)
        + "\r\n";
    out += "Date: " + SfDateTime::httpDate(QDateTime::currentMSecsSinceEpoch()) + "\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    const bool bodyless = response.status == 204 || response.status == 304;
    if (!bodyless)
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "\r\n";
    if (!bodyless && !headRequest)
        out += response.body;
    return out;
}

bool SfHttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_handled;
    ApiRequest api;
    api.method = methodName(request.method());
    const QUrl url = request.url();
    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    api.setTarget(target);
    for (const auto &[name, value] : request.headers())
        api.headers.insert(name.toLower(), value);
    api.body = request.body();

    const Outcome outcome = m_handler(api);
    switch (outcome.action) {
    case Outcome::Action::Drop:
        socket->abort();
        return true;
    case Outcome::Action::Hang:
        m_hung.append(QPointer<QTcpSocket>(socket));
        return true;
    case Outcome::Action::Defer: {
        const bool closeLater = api.header("connection").toLower() == "close";
        const bool head = api.method == "HEAD";
        QPointer<QTcpSocket> guarded(socket);
        outcome.defer([guarded, closeLater, head](const ApiResponse &response) {
            if (!guarded || guarded->state() != QAbstractSocket::ConnectedState)
                return false;
            guarded->write(serialize(response, head));
            if (closeLater)
                guarded->disconnectFromHost();
            return true;
        });
        return true;
    }
    case Outcome::Action::Respond:
        break;
    }
    const bool close = api.header("connection").toLower() == "close";
    const QByteArray bytes = serialize(outcome.response, api.method == "HEAD");
    if (outcome.delayMs <= 0) {
        socket->write(bytes);
        if (close)
            socket->disconnectFromHost();
        return true;
    }
    // The socket is the timer's context: if the client gives up first, nothing is written.
    QPointer<QTcpSocket> guarded(socket);
    QTimer::singleShot(outcome.delayMs, socket, [guarded, bytes, close] {
        if (!guarded || guarded->state() != QAbstractSocket::ConnectedState)
            return;
        guarded->write(bytes);
        if (close)
            guarded->disconnectFromHost();
    });
    return true;
}

void SfHttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    socket->write(serialize(
        ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s),
        false));
}

} // namespace lb::sandbox
