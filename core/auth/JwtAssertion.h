#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace lb {

// The signed JWT of the OAuth 2.0 JWT bearer flow (RFC 7523, Salesforce's variant):
// header {"alg":"RS256"}, claims iss (consumer key), sub (username), aud (login URL), exp.
// Signed with OpenSSL's EVP API; no hand-written crypto.
class JwtAssertion
{
public:
    static Result<QByteArray> sign(const QByteArray &privateKeyPem, const QString &issuer,
                                   const QString &subject, const QString &audience,
                                   qint64 expiresAt);
};

} // namespace lb
