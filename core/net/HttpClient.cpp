#include "HttpClient.h"

#include "ContentDecoding.h"
#include "log/Logging.h"

#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslError>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace lb {

namespace {
constexpr char kCancelled[] = "lb_cancelled";
}

void HttpRequest::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

HttpClient::HttpClient(QNetworkAccessManager *nam, HostAllowlist allowlist, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_allowlist(std::move(allowlist))
{ }

void HttpClient::setDefaultHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : m_defaultHeaders) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    m_defaultHeaders.append({name, value});
}

namespace {

// What one request has read so far, and why we ended it if we did.
struct Exchange
{
    QByteArray body;
    qint64 maxBytes = HttpRequest::DefaultMaxResponseBytes;
    QString stopCode; // set when this client ended the request (deadline, size, cancel)
    QString stopMessage;
    QStringList tlsErrors;
};

QString seconds(qint64 ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(double(ms) / 1000.0);
}

// Errors of the transport (no complete answer), as opposed to the HTTP-status errors Qt also
// reports through QNetworkReply::error(): connection and proxy errors, and protocol failures.
bool isTransportError(QNetworkReply::NetworkError e)
{
    return (e > QNetworkReply::NoError && e < QNetworkReply::ContentAccessDenied)
        || e == QNetworkReply::ProtocolFailure;
}

// A sentence an operator can act on, naming the host, for a request that got no complete
// answer.
QString describeFailure(const QNetworkReply *reply, const Exchange &x, int timeoutMs)
{
    const QString host = reply->url().host();
    const int port = reply->url().port(reply->url().scheme() == QLatin1String("https") ? 443 : 80);
    switch (reply->error()) {
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("The host name %1 cannot be resolved (DNS lookup failed); check the "
                              "URL in the profile and the machine's name resolution.")
            .arg(host);
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("%1 refused the connection on port %2: nothing listens there or a "
                              "firewall rejects it.")
            .arg(host)
            .arg(port);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("The TLS connection to %1 was refused: %2. LeadBridge never ignores "
                              "certificate errors; install a certificate that a trusted authority "
                              "issued for this host.")
            .arg(host, x.tlsErrors.isEmpty() ? reply->errorString() : x.tlsErrors.join(u"; "));
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("%1 closed the connection before its answer was complete (%2 bytes "
                              "read).")
            .arg(host)
            .arg(x.body.size());
    case QNetworkReply::OperationCanceledError: // Qt's transfer timeout ends a request so
    case QNetworkReply::TimeoutError:
        return QStringLiteral("%1 sent nothing for %2 s (the request timeout); the request was "
                              "given up.")
            .arg(host, seconds(timeoutMs));
    default:
        return QStringLiteral("%1: %2").arg(host, reply->errorString());
    }
}

} // namespace

void HttpClient::send(const HttpRequest &request, QObject *context, Callback done)
{
    if (auto allowed = m_allowlist.check(request.url); !allowed) {
        HttpResponse refused;
        refused.errorCode = allowed.error().code;
        refused.errorString = allowed.error().message;
        qCWarning(lcNet) << "refused" << request.method << refused.errorString;
        QMetaObject::invokeMethod(
            context, [done = std::move(done), refused] { done(refused); }, Qt::QueuedConnection);
        return;
    }

    QNetworkRequest req(request.url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    req.setTransferTimeout(request.timeoutMs);
    for (const auto &h : m_defaultHeaders)
        req.setRawHeader(h.first, h.second);
    for (const auto &h : request.headers)
        req.setRawHeader(h.first, h.second);
    if (!request.body.isEmpty() && !req.hasRawHeader("Content-Type"))
        req.setRawHeader("Content-Type", "application/json");
    // Asked for explicitly, a compressed answer is left to us to decode (ContentDecoding.h).
    if (!req.hasRawHeader("Accept-Encoding"))
        req.setRawHeader("Accept-Encoding", "gzip, deflate");

    auto x = std::make_shared<Exchange>();
    if (request.maxResponseBytes > 0)
        x->maxBytes = request.maxResponseBytes;
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = m_nam->sendCustomRequest(req, request.method, request.body);
    ++m_sent;
    m_inFlight.append(reply);

    // Ends the request ourselves, once, with what to report (finished follows).
    auto stop = [reply, x](const QString &code, const QString &message) {
        if (!x->stopCode.isEmpty() || reply->isFinished())
            return;
        x->stopCode = code;
        x->stopMessage = message;
        x->body = QByteArray(); // the memory goes now, not when the callback is done
        reply->abort();
    };
    const QString host = request.url.host();
    const qint64 maxBytes = x->maxBytes;
    auto tooLarge = [stop, host, maxBytes](qint64 seen) {
        stop(QStringLiteral("response_too_large"),
             QStringLiteral("The answer from %1 is larger than %2 bytes (at least %3), the most "
                            "LeadBridge reads of one answer; it stopped reading.")
                 .arg(host)
                 .arg(maxBytes)
                 .arg(seen));
    };
    connect(reply, &QNetworkReply::sslErrors, reply,
            [url = request.url, x](const QList<QSslError> &errors) {
                // Never ignored: the request fails with the TLS error.
                for (const QSslError &e : errors) {
                    qCWarning(lcNet) << "TLS error for" << url.host() << e.errorString();
                    x->tlsErrors.append(e.errorString());
                }
            });
    connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, x, tooLarge] {
        bool known = false;
        const qint64 length
            = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&known);
        if (known && length > x->maxBytes)
            tooLarge(length); // refused before its body is read
    });
    connect(reply, &QNetworkReply::readyRead, reply, [reply, x, tooLarge] {
        if (!x->stopCode.isEmpty())
            return;
        const qint64 seen = x->body.size() + reply->bytesAvailable();
        if (seen > x->maxBytes)
            return tooLarge(seen);
        x->body += reply->readAll();
    });
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    const int deadlineMs = request.effectiveDeadlineMs();
    connect(deadline, &QTimer::timeout, reply, [stop, host, deadlineMs] {
        stop(QStringLiteral("timeout"),
             QStringLiteral("%1 did not finish its answer within %2 s (the request deadline); "
                            "the request was given up.")
                 .arg(host, seconds(deadlineMs)));
    });
    deadline->start(deadlineMs);

    QPointer<QObject> guard(context);
    const QByteArray method = request.method;
    const int timeoutMs = request.timeoutMs;
    connect(
        reply, &QNetworkReply::finished, this,
        [this, reply, x, deadline, guard, done = std::move(done), timer, method, timeoutMs] {
            deadline->stop();
            m_inFlight.removeOne(reply);
            reply->deleteLater();
            if (x->stopCode.isEmpty() && reply->property(kCancelled).toBool()) {
                x->stopCode = QStringLiteral("cancelled");
                x->stopMessage
                    = QStringLiteral("The request to %1 was cancelled.").arg(reply->url().host());
            }
            if (x->stopCode.isEmpty() && reply->isOpen()) { // closed once aborted
                if (x->body.size() + reply->bytesAvailable() > x->maxBytes) {
                    x->stopCode = QStringLiteral("response_too_large");
                    x->stopMessage
                        = QStringLiteral("The answer from %1 is larger than %2 bytes, the "
                                         "most LeadBridge reads of one answer.")
                              .arg(reply->url().host())
                              .arg(x->maxBytes);
                    x->body = QByteArray();
                } else {
                    x->body += reply->readAll();
                }
            }
            HttpResponse response;
            response.elapsedMs = timer.elapsed();
            response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            response.networkError = reply->error();
            response.headers = reply->rawHeaderPairs();
            if (!x->stopCode.isEmpty()) {
                response.errorCode = x->stopCode;
                response.errorString = x->stopMessage;
            } else if (response.status == 0 || isTransportError(reply->error())) {
                const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
                    || reply->error() == QNetworkReply::TimeoutError;
                response.errorCode
                    = timedOut ? QStringLiteral("timeout") : QStringLiteral("network");
                response.errorString = describeFailure(reply, *x, timeoutMs);
                response.body = std::move(x->body);
            } else {
                auto decoded
                    = decodeContent(response.header("Content-Encoding"), x->body, x->maxBytes);
                if (decoded) {
                    response.body = std::move(*decoded);
                } else {
                    response.errorCode = decoded.error().code;
                    response.errorString
                        = QStringLiteral("The answer from %1 (HTTP %2) cannot be used: %3")
                              .arg(reply->url().host())
                              .arg(response.status)
                              .arg(decoded.error().message);
                    response.networkError = QNetworkReply::ProtocolFailure;
                }
            }
            if (!response.errorCode.isEmpty())
                qCWarning(lcNet).noquote()
                    << method << reply->url().toDisplayString(QUrl::RemoveQuery)
                    << response.errorCode << response.errorString;
            qCDebug(lcNet).noquote() << method << reply->url().toDisplayString(QUrl::RemoveQuery)
                                     << response.status << response.elapsedMs << "ms";
            emit exchanged(method, reply->url(), response.status, response.elapsedMs);
            if (guard)
                done(response);
        });
}

void HttpClient::abortAll()
{
    const auto replies = m_inFlight;
    for (QNetworkReply *reply : replies) {
        reply->setProperty(kCancelled, true);
        reply->abort();
    }
}

} // namespace lb
