#pragma once

#include "SalesforceConfig.h"
#include "auth/AuthorizationCodeFlow.h"
#include "auth/OAuthToken.h"
#include "util/Result.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

namespace lb {
class Clock;
class HttpClient;
namespace auth {
class OAuthTokenClient;
}
} // namespace lb

namespace lb::salesforce {

// Holds the access token and instance URL of one connection and knows how to get a new token
// with the configured grant (JWT bearer, refresh token, password, client credentials; the
// authorization code flow refreshes with the refresh token it produced). Callers that find
// their token rejected ask refreshAfterRejection(): concurrent callers share one token
// request, and a caller whose token was already replaced gets the new one without a request.
// One per thread, like the HttpClient it uses.
class SalesforceSession : public QObject
{
    Q_OBJECT
public:
    using DoneCallback = std::function<void(Result<void>)>;
    // Stores a refresh token Salesforce rotated (the keychain) and calls `stored` when it is
    // safe: only then does the session hand out the access token that came with it, so a
    // crash can never leave the only valid refresh token in memory.
    using TokenKeeper = std::function<void(const QString &refreshToken, DoneCallback stored)>;

    SalesforceSession(HttpClient &http, SalesforceConfig config, SalesforceSecrets secrets,
                      QObject *parent = nullptr);
    ~SalesforceSession() override;

    void setClock(const Clock &clock) { m_clock = &clock; }
    void setSecrets(const SalesforceSecrets &secrets) { m_secrets = secrets; }
    void setTokenKeeper(TokenKeeper keeper) { m_keeper = std::move(keeper); }
    const SalesforceConfig &config() const { return m_config; }
    auth::OAuthTokenClient &tokenClient() { return *m_tokens; }

    // The browser login for this connection (authorization code + PKCE):
    //   AuthorizationCodeFlow flow(session.tokenClient(), session.browserLoginOptions());
    //   flow.start(openUrl, ctx, [&](Result<OAuthToken> t) { if (t) session.setToken(*t); });
    auth::AuthorizationCodeFlow::Options browserLoginOptions() const;

    // A token obtained elsewhere (the browser login, a cache, tests). A refresh token in it
    // replaces the stored one (and is announced with refreshTokenChanged).
    void setToken(const auth::OAuthToken &token);
    void clearToken();
    bool hasToken() const { return !m_token.accessToken.isEmpty(); }
    QString accessToken() const { return m_token.accessToken; }
    QUrl instanceUrl() const { return m_token.instanceUrl; }
    auth::OAuthToken token() const { return m_token; }
    bool isRefreshing() const { return !m_waiters.isEmpty(); }
    // Token requests sent so far (each grant is one).
    int grantsRequested() const { return m_grants; }

    // Runs the grant now (or joins the one in flight).
    void authenticate(QObject *context, DoneCallback done);
    // Runs the grant only when there is no token yet.
    void ensureToken(QObject *context, DoneCallback done);
    // `rejectedToken` got 401 INVALID_SESSION_ID: run the grant unless the token has changed
    // since (then answer at once), or join the grant in flight.
    void refreshAfterRejection(const QString &rejectedToken, QObject *context, DoneCallback done);
    // Revokes the refresh token when there is one (that ends its access tokens too), else the
    // access token; forgets the access token either way, and a revoked refresh token
    // (refreshTokenChanged with an empty string: delete it from the keychain).
    void revoke(QObject *context, DoneCallback done);

signals:
    void authenticated();
    // Rotation or a new browser login: store it (keychain) so the next start can use it.
    void refreshTokenChanged(const QString &refreshToken);
    void authenticationFailed(const lb::Error &error);

private:
    struct Waiter
    {
        QPointer<QObject> context;
        DoneCallback done;
    };

    void startGrant();
    void finishGrant(Result<auth::OAuthToken> result);
    void completeGrant(Result<auth::OAuthToken> result);

    SalesforceConfig m_config;
    SalesforceSecrets m_secrets;
    const Clock *m_clock;
    std::unique_ptr<auth::OAuthTokenClient> m_tokens;
    auth::OAuthToken m_token;
    QList<Waiter> m_waiters;
    TokenKeeper m_keeper;
    int m_grants = 0;
};

} // namespace lb::salesforce
