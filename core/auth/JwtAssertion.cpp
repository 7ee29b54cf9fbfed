#include "JwtAssertion.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace lb {
namespace {

QByteArray b64url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace

Result<QByteArray> JwtAssertion::sign(const QByteArray &privateKeyPem, const QString &issuer,
                                      const QString &subject, const QString &audience,
                                      qint64 expiresAt)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(privateKeyPem.constData(), int(privateKeyPem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
        EVP_PKEY_free);
    if (!key)
        return makeError(QStringLiteral("jwt_key"),
                         QStringLiteral("The JWT private key is not a PEM private key (or it is "
                                        "encrypted); export it unencrypted in PEM form."));
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return makeError(QStringLiteral("jwt_key"),
                         QStringLiteral("The JWT private key must be an RSA key (RS256)."));

    const QByteArray header = b64url(QByteArrayLiteral("{\"alg\":\"RS256\"}"));
    const QByteArray claims = b64url(QJsonDocument(QJsonObject {{QStringLiteral("iss"), issuer},
                                                                {QStringLiteral("sub"), subject},
                                                                {QStringLiteral("aud"), audience},
                                                                {QStringLiteral("exp"), expiresAt}})
                                         .toJson(QJsonDocument::Compact));
    const QByteArray input = QByteArray(header + '.' + claims);

    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length,
                          reinterpret_cast<const unsigned char *>(input.constData()),
                          size_t(input.size()))
            != 1)
        return makeError(QStringLiteral("jwt_sign"),
                         QStringLiteral("OpenSSL could not sign the JWT."));
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(input.constData()),
                       size_t(input.size()))
        != 1)
        return makeError(QStringLiteral("jwt_sign"),
                         QStringLiteral("OpenSSL could not sign the JWT."));
    signature.resize(qsizetype(length));
    return QByteArray(input + '.' + b64url(signature));
}

} // namespace lb
