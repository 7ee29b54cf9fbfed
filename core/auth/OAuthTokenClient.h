#pragma once

#include "net/HttpClient.h"
#include "salesforce/SalesforceTypes.h"
#include "util/Clock.h"
#include "util/Result.h"

#include <QObject>

namespace lb {

// What Salesforce's token endpoint gives back (reference section 1): never an expires_in;
// issued_at is a string of epoch milliseconds; refresh_token only where the flow issues one.
struct TokenResponse
{
    QString accessToken;
    QUrl instanceUrl;
    QString refreshToken;
    QString identityUrl;
    QString scope;
    qint64 issuedAt = 0;
};

// Runs Salesforce OAuth 2.0 grants at the token endpoint: password, refresh_token, JWT bearer
// (RS256 assertion), client_credentials (My Domain host only) and authorization_code with a
// PKCE verifier; and revokes tokens. Form-encoded requests, every failure an lb::Error with
// the OAuth error code.
class OAuthTokenClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(Result<TokenResponse>)>;

    OAuthTokenClient(HttpClient &http, salesforce::SalesforceConfig config,
                     salesforce::SalesforceSecrets secrets, const Clock &clock = Clock::system(),
                     QObject *parent = nullptr);

    // The grant of the configured flow (for authorization_code: the stored refresh token).
    void requestToken(QObject *context, Callback done);
    void exchangeCode(const QString &code, const QByteArray &verifier, QObject *context,
                      Callback done);
    void revoke(const QString &token, QObject *context, std::function<void(Result<void>)> done);

    void setRefreshToken(const QString &token) { m_secrets.refreshToken = token; }
    const salesforce::SalesforceConfig &config() const { return m_config; }

    static QByteArray formEncode(const QList<QPair<QString, QString>> &fields);
    // Checks the HMAC-SHA256 `signature` of id + issued_at with the consumer secret.
    static bool signatureValid(const QJsonObject &response, const QString &clientSecret);

private:
    void post(const QUrl &endpoint, const QList<QPair<QString, QString>> &form, QObject *context,
              Callback done);
    QUrl tokenUrl(const QUrl &host) const;

    HttpClient &m_http;
    salesforce::SalesforceConfig m_config;
    salesforce::SalesforceSecrets m_secrets;
    const Clock &m_clock;
};

} // namespace lb
