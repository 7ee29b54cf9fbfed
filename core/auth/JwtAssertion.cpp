#include "JwtAssertion.h"

#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace Qt::Literals::StringLiterals;

namespace lb::auth {

namespace {

struct BioFree
{
    void operator()(BIO *b) const { BIO_free(b); }
};
struct PkeyFree
{
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree
{
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString opensslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return u"unknown OpenSSL error"_s;
    char buffer[256] = {};
    ERR_error_string_n(code, buffer, sizeof buffer);
    return QString::fromLatin1(buffer);
}

// Without this, OpenSSL would prompt on the terminal for an encrypted key's passphrase.
int noPassphrase(char *, int, int, void *)
{
    return -1;
}

Error keyError(const QString &detail)
{
    return makeError(u"bad_private_key"_s,
                     u"The JWT signing key cannot be used (%1). It must be an unencrypted RSA "
                     u"private key in PEM form."_s.arg(detail));
}

} // namespace

Result<QByteArray> JwtAssertion::sign(const Claims &claims, const QByteArray &privateKeyPem)
{
    ERR_clear_error();
    if (privateKeyPem.trimmed().isEmpty())
        return makeError(u"missing_secret"_s,
                         u"The JWT signing key is not set; store it with \"leadbridge "
                         u"credentials set\" or LEADBRIDGE_SF_PRIVATE_KEY_FILE."_s);
    std::unique_ptr<BIO, BioFree> bio(
        BIO_new_mem_buf(privateKeyPem.constData(), int(privateKeyPem.size())));
    if (!bio)
        return keyError(opensslError());
    std::unique_ptr<EVP_PKEY, PkeyFree> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
    if (!key)
        return keyError(opensslError());
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return keyError(u"not an RSA key; RS256 needs RSA"_s);

    const QJsonObject header {{u"alg"_s, u"RS256"_s}};
    const QJsonObject payload {{u"iss"_s, claims.issuer},
                               {u"sub"_s, claims.subject},
                               {u"aud"_s, claims.audience},
                               {u"exp"_s, claims.expiresAt}};
    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact))
        + '.' + base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact));

    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
        return makeError(u"jwt_signing_failed"_s, opensslError());
    const auto *data = reinterpret_cast<const unsigned char *>(signingInput.constData());
    size_t length = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &length, data, size_t(signingInput.size())) != 1)
        return makeError(u"jwt_signing_failed"_s, opensslError());
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       data, size_t(signingInput.size()))
        != 1)
        return makeError(u"jwt_signing_failed"_s, opensslError());
    signature.resize(qsizetype(length));
    return QByteArray(signingInput + '.' + base64Url(signature));
}

Result<QByteArray> JwtAssertion::create(const QString &clientId, const QString &username,
                                        const QString &loginUrl, const QByteArray &privateKeyPem,
                                        const Clock &clock)
{
    QString audience = loginUrl;
    while (audience.endsWith(u'/'))
        audience.chop(1);
    return sign({clientId, username, audience, clock.nowMs() / 1000 + kLifetimeSecs},
                privateKeyPem);
}

} // namespace lb::auth
