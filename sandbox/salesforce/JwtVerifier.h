#pragma once

#include "util/Result.h"

#include <QJsonObject>

#include <memory>

struct evp_pkey_st;

namespace lb::sandbox {

// Checks RS256 JWT bearer assertions against the connected app's certificate (OpenSSL EVP).
// It verifies the structure, the algorithm and the signature; the claims (iss, sub, aud, exp)
// are the OAuth endpoint's business.
class JwtVerifier
{
public:
    JwtVerifier();
    ~JwtVerifier();

    // An X.509 certificate or a public key, PEM.
    Result<void> setCertificate(const QByteArray &pem);
    bool isConfigured() const { return m_key != nullptr; }

    // The claims of a valid assertion; errors are "invalid assertion" style messages.
    Result<QJsonObject> verify(const QByteArray &assertion) const;

private:
    struct KeyDeleter
    {
        void operator()(evp_pkey_st *key) const;
    };
    std::unique_ptr<evp_pkey_st, KeyDeleter> m_key;
};

} // namespace lb::sandbox
