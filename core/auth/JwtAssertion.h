#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace lb {
class Clock;
}

namespace lb::auth {

// The signed JWT of Salesforce's JWT bearer flow (SALESFORCE_API.md 1.4): header
// {"alg":"RS256"}, claims iss (consumer key), sub (username), aud (login URL), exp (seconds,
// at most 3 minutes ahead). Signed with OpenSSL's EVP_DigestSign (RSA PKCS#1 v1.5, SHA-256).
class JwtAssertion
{
public:
    struct Claims
    {
        QString issuer;
        QString subject;
        QString audience;
        qint64 expiresAt = 0; // epoch seconds
    };

    // Salesforce allows 3 minutes; stay well inside it to absorb clock skew.
    static constexpr qint64 kLifetimeSecs = 150;

    static Result<QByteArray> sign(const Claims &claims, const QByteArray &privateKeyPem);
    // Claims from the connection settings: aud = the login URL without a trailing slash.
    static Result<QByteArray> create(const QString &clientId, const QString &username,
                                     const QString &loginUrl, const QByteArray &privateKeyPem,
                                     const Clock &clock);
};

} // namespace lb::auth
