#include "auth/JwtAssertion.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::auth;

namespace {

QByteArray pemOf(EVP_PKEY *key, bool publicOnly, const char *passphrase = nullptr)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (publicOnly)
        PEM_write_bio_PUBKEY(bio, key);
    else if (passphrase)
        PEM_write_bio_PrivateKey(bio, key, EVP_aes_128_cbc(), nullptr, 0, nullptr,
                                 const_cast<char *>(passphrase));
    else
        PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray out(data, size);
    BIO_free(bio);
    return out;
}

bool verifyRs256(const QByteArray &jwt, EVP_PKEY *key)
{
    const qsizetype dot = jwt.lastIndexOf('.');
    const QByteArray input = jwt.left(dot);
    const QByteArray signature = QByteArray::fromBase64(
        jwt.mid(dot + 1), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1
        && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(signature.constData()),
                            size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(input.constData()),
                            size_t(input.size()))
            == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

QJsonObject part(const QByteArray &jwt, int index)
{
    return QJsonDocument::fromJson(QByteArray::fromBase64(jwt.split('.').value(index),
                                                          QByteArray::Base64UrlEncoding
                                                              | QByteArray::OmitTrailingEquals))
        .object();
}

} // namespace

class TestJwtAssertion : public QObject
{
    Q_OBJECT

    EVP_PKEY *m_rsa = nullptr;
    EVP_PKEY *m_ec = nullptr;

private slots:
    void initTestCase()
    {
        m_rsa = EVP_RSA_gen(2048);
        m_ec = EVP_EC_gen("P-256");
        QVERIFY(m_rsa);
        QVERIFY(m_ec);
    }

    void cleanupTestCase()
    {
        EVP_PKEY_free(m_rsa);
        EVP_PKEY_free(m_ec);
    }

    void signsRs256WithSalesforceClaims()
    {
        ManualClock clock(1'767'225'600'000);
        const Result<QByteArray> jwt = JwtAssertion::create(
            QStringLiteral("3MVG9consumer"), QStringLiteral("integration@example.com"),
            QStringLiteral("https://login.salesforce.com/"), pemOf(m_rsa, false), clock);
        QVERIFY2(jwt.ok(), qPrintable(jwt.ok() ? QString() : jwt.error().toString()));
        QCOMPARE(jwt->count('.'), 2);
        QCOMPARE(part(*jwt, 0), (QJsonObject {{QStringLiteral("alg"), QStringLiteral("RS256")}}));
        const QJsonObject claims = part(*jwt, 1);
        QCOMPARE(claims.value(QStringLiteral("iss")).toString(), QStringLiteral("3MVG9consumer"));
        QCOMPARE(claims.value(QStringLiteral("sub")).toString(),
                 QStringLiteral("integration@example.com"));
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(),
                 QStringLiteral("https://login.salesforce.com"));
        const qint64 exp = qint64(claims.value(QStringLiteral("exp")).toDouble());
        QVERIFY(exp > clock.nowMs() / 1000);
        QVERIFY(exp <= clock.nowMs() / 1000 + 180); // Salesforce's 3-minute window
        QVERIFY(!jwt->contains('='));
        QVERIFY(verifyRs256(*jwt, m_rsa));
    }

    void signatureCoversTheClaims()
    {
        const Result<QByteArray> jwt
            = JwtAssertion::sign({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), 1},
                                 pemOf(m_rsa, false));
        QVERIFY(jwt.ok());
        QByteArray tampered = *jwt;
        const QList<QByteArray> parts = tampered.split('.');
        QJsonObject claims = part(tampered, 1);
        claims.insert(QStringLiteral("sub"), QStringLiteral("admin@example.com"));
        tampered = parts[0] + '.'
            + QJsonDocument(claims)
                  .toJson(QJsonDocument::Compact)
                  .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            + '.' + parts[2];
        QVERIFY(verifyRs256(*jwt, m_rsa));
        QVERIFY(!verifyRs256(tampered, m_rsa));
    }

    void unusableKeysAreClearErrors_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("code");
        QTest::newRow("empty") << 0 << u"missing_secret"_s;
        QTest::newRow("garbage") << 1 << u"bad_private_key"_s;
        QTest::newRow("public key only") << 2 << u"bad_private_key"_s;
        QTest::newRow("EC key") << 3 << u"bad_private_key"_s;
        QTest::newRow("encrypted, no prompt") << 4 << u"bad_private_key"_s;
        QTest::newRow("truncated") << 5 << u"bad_private_key"_s;
    }

    void unusableKeysAreClearErrors()
    {
        QFETCH(int, kind);
        QFETCH(QString, code);
        QByteArray pem;
        switch (kind) {
        case 1:
            pem = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
            break;
        case 2:
            pem = pemOf(m_rsa, true);
            break;
        case 3:
            pem = pemOf(m_ec, false);
            break;
        case 4:
            pem = pemOf(m_rsa, false, "secret");
            break;
        case 5:
            pem = pemOf(m_rsa, false).left(200);
            break;
        default:
            break;
        }
        const Result<QByteArray> jwt = JwtAssertion::sign(
            {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), 1}, pem);
        QVERIFY(!jwt.ok());
        QCOMPARE(jwt.error().code, code);
        QVERIFY(!jwt.error().message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJwtAssertion)
#include "TestJwtAssertion.moc"
