#pragma once

#include "util/Result.h"

#include <QObject>
#include <QUrl>

#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

namespace lb::auth {

// Receives the browser's redirect at the end of the authorization code flow: a QHttpServer
// on the loopback interface only (RFC 8252 7.3) that answers one request on `path`, checks
// `state` (CSRF) and reports the code or the authorization server's error once.
class LoopbackRedirectListener : public QObject
{
    Q_OBJECT
public:
    explicit LoopbackRedirectListener(QObject *parent = nullptr);
    ~LoopbackRedirectListener() override;

    // `redirectUri` must be http:// on a loopback host; port 0 picks a free port. Returns the
    // redirect URI to register and send (with the actual port).
    Result<QUrl> listen(const QUrl &redirectUri);
    void expectState(const QString &state) { m_state = state; }
    QUrl redirectUri() const { return m_redirectUri; }
    bool isFinished() const { return m_finished; }

signals:
    void codeReceived(const QString &code);
    void failed(const lb::Error &error);

private:
    QHttpServerResponse handle(const QHttpServerRequest &request);

    std::unique_ptr<QHttpServer> m_server;
    QUrl m_redirectUri;
    QString m_state;
    bool m_finished = false;
};

} // namespace lb::auth
