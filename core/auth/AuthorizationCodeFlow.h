#pragma once

#include "OAuthTokenClient.h"
#include "Pkce.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

namespace lb::auth {

class LoopbackRedirectListener;

// The web-server flow with PKCE S256 for the console (SALESFORCE_API.md 1.6, RFC 8252):
// build the authorize URL with a fresh verifier and state, let the caller open it in the
// browser (core cannot use QDesktopServices), receive the redirect on a loopback listener,
// exchange the code. The token holds the refresh token the caller must keep (keychain).
class AuthorizationCodeFlow : public QObject
{
    Q_OBJECT
public:
    using OpenBrowser = std::function<void(const QUrl &)>;

    struct Options
    {
        QUrl loginUrl;
        QString clientId;
        QString clientSecret; // may be empty for apps that do not require it with PKCE
        QUrl redirectUri; // http://127.0.0.1:0/callback when empty
        QString scope = QStringLiteral("api refresh_token");
        QString loginHint; // pre-fills the username on the login page
        int timeoutMs = 5 * 60'000;
    };

    AuthorizationCodeFlow(OAuthTokenClient &tokens, Options options, QObject *parent = nullptr);
    ~AuthorizationCodeFlow() override;

    // Runs the flow once; `done` gets the token or the error (also "timeout", "cancelled").
    void start(OpenBrowser openBrowser, QObject *context, OAuthTokenClient::TokenCallback done);
    void cancel();

    QUrl authorizeUrl() const { return m_authorizeUrl; }
    QUrl redirectUri() const;

private:
    void finish(Result<OAuthToken> result);

    OAuthTokenClient &m_tokens;
    Options m_options;
    Pkce m_pkce;
    QString m_state;
    QUrl m_authorizeUrl;
    std::unique_ptr<LoopbackRedirectListener> m_listener;
    QTimer m_timeout;
    QPointer<QObject> m_context;
    OAuthTokenClient::TokenCallback m_done;
};

} // namespace lb::auth
