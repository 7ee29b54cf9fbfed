#pragma once

#include "OAuthToken.h"
#include "util/Result.h"

#include <QObject>
#include <QPair>
#include <QUrl>

#include <functional>

namespace lb {
class HttpClient;
struct HttpResponse;
} // namespace lb

namespace lb::auth {

// Talks to Salesforce's token and revoke endpoints (every grant of SALESFORCE_API.md section
// 1) through the injected HttpClient. Asynchronous; callbacks run on this thread unless
// `context` is destroyed first. Failures carry the OAuth `error` as code and
// `error_description` as message; tokens are never logged.
class OAuthTokenClient : public QObject
{
    Q_OBJECT
public:
    using TokenCallback = std::function<void(Result<OAuthToken>)>;
    using DoneCallback = std::function<void(Result<void>)>;
    using Form = QList<QPair<QString, QString>>;

    enum class ClientAuth { FormFields, HttpBasic };

    explicit OAuthTokenClient(HttpClient &http, QObject *parent = nullptr);

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    // Sent as Sforce-Call-Options: client=<name> (empty: not sent).
    void setCallOptionsClient(const QString &name) { m_callOptionsClient = name; }

    // grant_type=password; `password` includes the security token.
    void password(const QUrl &loginUrl, const QString &clientId, const QString &clientSecret,
                  const QString &username, const QString &password, QObject *context,
                  TokenCallback done);
    // grant_type=refresh_token; the answer holds a new refresh_token only with rotation on.
    void refreshToken(const QUrl &loginUrl, const QString &clientId, const QString &clientSecret,
                      const QString &refreshToken, QObject *context, TokenCallback done);
    // grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with a signed assertion.
    void jwtBearer(const QUrl &loginUrl, const QByteArray &assertion, QObject *context,
                   TokenCallback done);
    // grant_type=client_credentials; must go to the My Domain host.
    void clientCredentials(const QUrl &myDomainUrl, const QString &clientId,
                           const QString &clientSecret, ClientAuth auth, QObject *context,
                           TokenCallback done);
    // grant_type=authorization_code (+ PKCE verifier); the secret may be empty for PKCE apps.
    void authorizationCode(const QUrl &loginUrl, const QString &clientId,
                           const QString &clientSecret, const QString &code,
                           const QString &redirectUri, const QString &codeVerifier,
                           QObject *context, TokenCallback done);
    // POST /services/oauth2/revoke token=<access or refresh token>.
    void revoke(const QUrl &host, const QString &token, QObject *context, DoneCallback done);

    // Parses a token endpoint answer; checks `signature` when both it and the secret exist.
    static Result<OAuthToken> parseTokenResponse(const HttpResponse &response,
                                                 const QString &clientSecret);
    static bool signatureMatches(const OAuthToken &token, const QString &clientSecret);
    static QUrl endpoint(const QUrl &host, const QString &path);

private:
    void failLater(QObject *context, TokenCallback done, Error error);
    void postToken(const QUrl &host, const Form &form, const QByteArray &basicAuth,
                   const QString &clientSecret, QObject *context, TokenCallback done);

    HttpClient &m_http;
    int m_timeoutMs = 60'000;
    QString m_callOptionsClient;
};

} // namespace lb::auth
