#pragma once

#include <QString>
#include <QUrl>

namespace lb::auth {

// A token endpoint answer (SALESFORCE_API.md section 1). Salesforce sends no expires_in: a
// token is good until a REST call answers 401 INVALID_SESSION_ID.
struct OAuthToken
{
    QString accessToken;
    QUrl instanceUrl;
    QUrl apiInstanceUrl; // newer answers (client credentials); not used for REST yet
    QString identityUrl; // "id": https://login.salesforce.com/id/<org>/<user>
    QString tokenType = QStringLiteral("Bearer");
    QString scope;
    QString refreshToken; // only from the code flow, or refresh with rotation enabled
    QString signature; // base64 HMAC-SHA256(id + issued_at), keyed with the client secret
    QString issuedAt; // epoch milliseconds, as the string Salesforce sends
    QString idToken; // with the openid scope

    qint64 issuedAtMs() const { return issuedAt.toLongLong(); }
    bool isValid() const { return !accessToken.isEmpty() && instanceUrl.isValid(); }
};

} // namespace lb::auth
