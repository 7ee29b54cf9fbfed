#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace lb::salesforce {

// How LeadBridge gets its access token (PROFILE.md "auth_flow").
enum class AuthFlow { JwtBearer, RefreshToken, Password, ClientCredentials, AuthorizationCode };

QString authFlowName(AuthFlow flow); // "jwt_bearer", ...
Result<AuthFlow> authFlowFromName(const QString &name);

// Everything about the org connection that is not a secret (it comes from the profile).
struct SalesforceConfig
{
    QUrl loginUrl; // https://login.salesforce.com or https://test.salesforce.com
    QUrl instanceUrl; // My Domain; needed for client credentials (the token response wins later)
    QString apiVersion = QStringLiteral("62.0");
    AuthFlow flow = AuthFlow::JwtBearer;
    QString clientId; // connected app consumer key
    QString username; // JWT subject / password-flow user
    QString callOptionsClient = QStringLiteral("LeadBridge");
    QUrl redirectUri; // authorization code flow: a loopback URL (port 0 = pick one)
    int timeoutMs = 60'000;
};

// Secrets, read from the keychain or the environment; never logged, never in the profile.
struct SalesforceSecrets
{
    QString clientSecret;
    QString password; // including the security token
    QString refreshToken;
    QByteArray privateKeyPem; // JWT bearer signing key
};

} // namespace lb::salesforce
