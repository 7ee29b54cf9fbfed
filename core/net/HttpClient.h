#pragma once

#include "HostAllowlist.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPair>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace lb {

struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // The longest silence: no byte of the answer for this long ends the request ("timeout").
    int timeoutMs = 60'000;
    // The whole exchange, so a server that trickles a byte now and then cannot hold a request
    // for ever; 0 = three times timeoutMs.
    int deadlineMs = 0;
    // The most of an answer that is read (decoded size for gzip): a larger one fails with
    // "response_too_large" and stops being read, so memory stays bounded.
    static constexpr qint64 DefaultMaxResponseBytes = 32LL << 20;
    qint64 maxResponseBytes = DefaultMaxResponseBytes;

    int effectiveDeadlineMs() const { return deadlineMs > 0 ? deadlineMs : 3 * timeoutMs; }
    void setHeader(const QByteArray &name, const QByteArray &value);
};

struct HttpResponse
{
    int status = 0; // 0: no HTTP answer (refused before sending, network error, timeout)
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    // Set whenever no complete answer arrived, also after a status line was read (the
    // connection dropped mid-body, a cut gzip stream, a too large answer): "host_not_allowed",
    // "insecure_url", "network", "timeout", "response_too_large", "undecodable_response".
    QString errorCode;
    QString errorString; // for people: what failed, naming the host
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    qint64 elapsedMs = 0;

    QByteArray header(const QByteArray &name) const; // case-insensitive
    // A complete 2xx answer; a 2xx whose body did not arrive whole is no success.
    bool isSuccess() const { return status >= 200 && status < 300 && errorCode.isEmpty(); }
    bool reachedServer() const { return status > 0; }
    // Whether the answer arrived whole (its status, if any, and body can be read).
    bool complete() const { return errorCode.isEmpty(); }
};

// The one way LeadBridge talks HTTP. Every request goes through the injected
// QNetworkAccessManager (so tests can substitute it) and the host allowlist; redirects are not
// followed (a redirect could leave the allowlist) and TLS errors are never ignored. Every
// request is bounded in time (silence and whole exchange) and in size, and gzip answers are
// decoded here so that a cut stream is an error (ContentDecoding.h). Use it from the thread
// that owns the QNetworkAccessManager.
class HttpClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const HttpResponse &)>;

    HttpClient(QNetworkAccessManager *nam, HostAllowlist allowlist, QObject *parent = nullptr);

    // Headers added to every request (e.g. Sforce-Call-Options), unless the request sets them.
    void setDefaultHeader(const QByteArray &name, const QByteArray &value);
    const HostAllowlist &allowlist() const { return m_allowlist; }
    void setAllowlist(const HostAllowlist &allowlist) { m_allowlist = allowlist; }

    // `done` runs once, on this thread, unless `context` is destroyed first.
    void send(const HttpRequest &request, QObject *context, Callback done);

    // Cancels every request in flight (their callbacks report OperationCanceledError).
    void abortAll();

    quint64 requestsSent() const { return m_sent; }
    int inFlight() const { return int(m_inFlight.size()); }

signals:
    // After each exchange that reached the network; for metrics and the audit of API usage.
    void exchanged(const QByteArray &method, const QUrl &url, int status, qint64 elapsedMs);

private:
    QNetworkAccessManager *m_nam;
    HostAllowlist m_allowlist;
    QList<QPair<QByteArray, QByteArray>> m_defaultHeaders;
    QList<QNetworkReply *> m_inFlight;
    quint64 m_sent = 0;
};

} // namespace lb
