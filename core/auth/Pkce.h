#pragma once

#include <QByteArray>

namespace lb {

// Proof Key for Code Exchange (RFC 7636, S256). Qt 6.4's network-auth module predates PKCE,
// and it is small: a high-entropy verifier and its SHA-256 challenge, base64url without padding.
struct Pkce
{
    QByteArray verifier;
    QByteArray challenge;

    static Pkce generate();
    static QByteArray challengeFor(const QByteArray &verifier);
    static QByteArray randomToken(int bytes); // base64url, for `state` too
};

} // namespace lb
