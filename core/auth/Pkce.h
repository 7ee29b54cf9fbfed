#pragma once

#include <QString>

namespace lb::auth {

// Proof Key for Code Exchange (RFC 7636) with the S256 method; Qt 6.4's network-auth module
// has no PKCE, and this is small.
struct Pkce
{
    QString verifier; // 43..128 characters of [A-Za-z0-9-_] from a CSPRNG
    QString challenge; // base64url(SHA-256(verifier)) without padding
    static constexpr const char *method = "S256";

    static Pkce generate(int length = 64);
    static QString challengeFor(const QString &verifier);
    // `bytes` random bytes from the CSPRNG as base64url without padding (also for `state`).
    static QString randomToken(int bytes);
};

} // namespace lb::auth
