#include "HttpClient.h"

#include "log/Logging.h"

#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslError>

namespace lb {

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

    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = m_nam->sendCustomRequest(req, request.method, request.body);
    ++m_sent;
    m_inFlight.append(reply);
    connect(reply, &QNetworkReply::sslErrors, reply,
            [url = request.url](const QList<QSslError> &errors) {
                // Never ignored: the request fails with the TLS error.
                for (const QSslError &e : errors)
                    qCWarning(lcNet) << "TLS error for" << url.host() << e.errorString();
            });
    QPointer<QObject> guard(context);
    const QByteArray method = request.method;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, guard, done = std::move(done), timer, method] {
                m_inFlight.removeOne(reply);
                reply->deleteLater();
                HttpResponse response;
                response.elapsedMs = timer.elapsed();
                response.status
                    = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                response.networkError = reply->error();
                response.body = reply->readAll();
                response.headers = reply->rawHeaderPairs();
                if (response.status == 0) {
                    const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
                        || reply->error() == QNetworkReply::TimeoutError;
                    response.errorCode
                        = timedOut ? QStringLiteral("timeout") : QStringLiteral("network");
                    response.errorString = reply->errorString();
                }
                qCDebug(lcNet).noquote()
                    << method << reply->url().toDisplayString(QUrl::RemoveQuery) << response.status
                    << response.elapsedMs << "ms";
                emit exchanged(method, reply->url(), response.status, response.elapsedMs);
                if (guard)
                    done(response);
            });
}

void HttpClient::abortAll()
{
    const auto replies = m_inFlight;
    for (QNetworkReply *reply : replies)
        reply->abort();
}

} // namespace lb
