#include "JwtVerifier.h"

#include <QJsonDocument>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

void JwtVerifier::KeyDeleter::operator()(evp_pkey_st *key) const
{
    EVP_PKEY_free(key);
}

JwtVerifier::JwtVerifier() = default;
JwtVerifier::~JwtVerifier() = default;

Result<void> JwtVerifier::setCertificate(const QByteArray &pem)
{
    m_key.reset();
    if (pem.isEmpty())
        return {};
    auto readKey = [&](bool asCertificate) -> EVP_PKEY * {
        BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
        if (!bio)
            return nullptr;
        EVP_PKEY *key = nullptr;
        if (asCertificate) {
            if (X509 *cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
                key = X509_get_pubkey(cert);
                X509_free(cert);
            }
        } else {
            key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
        }
        BIO_free(bio);
        return key;
    };
    EVP_PKEY *key = readKey(true);
    if (!key)
        key = readKey(false);
    if (!key)
        return makeError(u"BAD_CERTIFICATE"_s,
                         u"the JWT certificate is neither a PEM X.509 certificate nor a PEM "
                         u"public key"_s);
    if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        return makeError(u"BAD_CERTIFICATE"_s, u"the JWT certificate must hold an RSA key"_s);
    }
    m_key.reset(key);
    return {};
}

Result<QJsonObject> JwtVerifier::verify(const QByteArray &assertion) const
{
    const QList<QByteArray> parts = assertion.split('.');
    if (parts.size() != 3)
        return makeError(u"invalid_grant"_s, u"invalid assertion"_s);
    const auto decode = [](const QByteArray &part) {
        return QByteArray::fromBase64Encoding(
            part, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    };
    const auto header = decode(parts[0]);
    const auto payload = decode(parts[1]);
    const auto signature = decode(parts[2]);
    if (!header || !payload || !signature)
        return makeError(u"invalid_grant"_s, u"invalid assertion"_s);
    const QJsonDocument headerDoc = QJsonDocument::fromJson(*header);
    const QJsonDocument claims = QJsonDocument::fromJson(*payload);
    if (!headerDoc.isObject() || !claims.isObject())
        return makeError(u"invalid_grant"_s, u"invalid assertion"_s);
    // RS256 is the only algorithm Salesforce accepts (no "none", no HS256 with the public key).
    if (headerDoc.object().value("alg"_L1).toString() != "RS256"_L1)
        return makeError(u"invalid_grant"_s, u"invalid assertion"_s);
    if (!m_key)
        return makeError(u"invalid_grant"_s, u"invalid assertion"_s);

    const QByteArray signedPart = parts[0] + '.' + parts[1];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool valid = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, m_key.get()) == 1
        && EVP_DigestVerify(ctx,
                            reinterpret_cast<const unsigned char *>(signature.decoded.constData()),
                            size_t(signature.decoded.size()),
                            reinterpret_cast<const unsigned char *>(signedPart.constData()),
                            size_t(signedPart.size()))
            == 1;
    EVP_MD_CTX_free(ctx);
    if (!valid)
        return makeError(u"invalid_grant"_s, u"invalid assertion"_s);
    return claims.object();
}

} // namespace lb::sandbox
