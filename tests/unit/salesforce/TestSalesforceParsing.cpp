#include "auth/JwtAssertion.h"
#include "auth/OAuthTokenClient.h"
#include "auth/Pkce.h"
#include "salesforce/LimitInfo.h"
#include "salesforce/SalesforceClient.h"
#include "salesforce/SalesforceErrors.h"
#include "salesforce/SalesforceIds.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

using namespace lb;
using namespace lb::salesforce;

class TestSalesforceParsing : public QObject
{
    Q_OBJECT

private slots:
    void ids_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("normalized");
        // Pairs from the reference (section 11).
        QTest::newRow("account") << QStringLiteral("001R0000005hDFY")
                                 << QStringLiteral("001R0000005hDFYIA2");
        QTest::newRow("account 2")
            << QStringLiteral("0013h00000Ffg19") << QStringLiteral("0013h00000Ffg19AAB");
        QTest::newRow("job") << QStringLiteral("7503h00000CV7Gp")
                             << QStringLiteral("7503h00000CV7GpAAL");
        QTest::newRow("org") << QStringLiteral("00Di0000000icUB")
                             << QStringLiteral("00Di0000000icUBEAY");
        QTest::newRow("18 lower suffix")
            << QStringLiteral("001R0000005hDFYia2") << QStringLiteral("001R0000005hDFYIA2");
        QTest::newRow("bad checksum") << QStringLiteral("001R0000005hDFYIA3") << QString();
        QTest::newRow("wrong length") << QStringLiteral("001R0000005hDF") << QString();
        QTest::newRow("bad char") << QStringLiteral("001R0000005hD!Y") << QString();
    }

    void ids()
    {
        QFETCH(QString, input);
        QFETCH(QString, normalized);
        QCOMPARE(SalesforceIds::normalize(input), normalized);
    }

    void limitHeader_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<qint64>("used");
        QTest::addColumn<qint64>("max");
        QTest::addColumn<int>("counters");
        QTest::newRow("plain") << QByteArray("api-usage=51/100000") << qint64(51) << qint64(100000)
                               << 0;
        QTest::newRow("per app") << QByteArray(
            "api-usage=18/5000; per-app-api-usage=17/250(appName=sample-app)")
                                 << qint64(18) << qint64(5000) << 1;
        QTest::newRow("spaces") << QByteArray(" api-usage = 7 / 15000 ") << qint64(7)
                                << qint64(15000) << 0;
        QTest::newRow("bursts first")
            << QByteArray("api-bursts=1/750;api-usage=3/100") << qint64(3) << qint64(100) << 1;
    }

    void limitHeader()
    {
        QFETCH(QByteArray, header);
        QFETCH(qint64, used);
        QFETCH(qint64, max);
        QFETCH(int, counters);
        const auto l = LimitInfo::fromHeader(header, 1);
        QVERIFY(l.has_value());
        QCOMPARE(l->used, used);
        QCOMPARE(l->max, max);
        QCOMPARE(l->counters.size(), counters);
        QVERIFY(!LimitInfo::fromHeader("garbage", 1).has_value());
        QVERIFY(!LimitInfo::fromHeader({}, 1).has_value());
    }

    void limitsResource()
    {
        const QJsonObject body = QJsonDocument::fromJson(R"({
            "DailyApiRequests": {"Max":15000,"Remaining":14998,"My App":{"Max":0,"Remaining":0}},
            "DailyBulkApiBatches": {"Max":15000,"Remaining":14000},
            "PermissionSets": {"Max":1500,"Remaining":1497,"CreateCustom":{"Max":1000,"Remaining":997}},
            "SomethingNew": {"Value": 3}})")
                                     .object();
        const ApiLimits l = LimitInfo::fromLimitsResource(body, 1);
        QCOMPARE(l.used, 2);
        QCOMPARE(l.max, 15000);
        QCOMPARE(l.counters.value(QStringLiteral("DailyBulkApiBatches")).used, 1000);
        QVERIFY(!l.counters.contains(QStringLiteral("SomethingNew")));
    }

    void errorEnvelopes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("rest array")
            << 400
            << QByteArray(
                   R"([{"message":"Required fields are missing: [Company]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Company"]}])")
            << QStringLiteral("REQUIRED_FIELD_MISSING") << false;
        QTest::newRow("code first")
            << 400
            << QByteArray(
                   R"([{"errorCode":"MALFORMED_QUERY","message":"unexpected token: SELEKT"}])")
            << QStringLiteral("MALFORMED_QUERY") << false;
        QTest::newRow("bare object")
            << 400 << QByteArray(R"({"message":"x","errorCode":"INVALID_FIELD"})")
            << QStringLiteral("INVALID_FIELD") << false;
        QTest::newRow("oauth")
            << 400
            << QByteArray(
                   R"({"error":"invalid_grant","error_description":"authentication failure"})")
            << QStringLiteral("invalid_grant") << false;
        QTest::newRow("limit")
            << 403
            << QByteArray(
                   R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])")
            << QStringLiteral("REQUEST_LIMIT_EXCEEDED") << true;
        QTest::newRow("lock")
            << 400
            << QByteArray(
                   R"([{"message":"unable to obtain exclusive access","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}])")
            << QStringLiteral("UNABLE_TO_LOCK_ROW") << true;
        QTest::newRow("503 no body") << 503 << QByteArray() << QStringLiteral("HTTP_503") << true;
        QTest::newRow("html") << 502 << QByteArray("<html>bad gateway</html>")
                              << QStringLiteral("HTTP_502") << true;
        QTest::newRow("session")
            << 401
            << QByteArray(
                   R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])")
            << QStringLiteral("INVALID_SESSION_ID") << false;
    }

    void errorEnvelopes()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(bool, retryable);
        HttpResponse r;
        r.status = status;
        r.body = body;
        const Error e = SalesforceErrors::fromResponse(r);
        QCOMPARE(e.code, code);
        QCOMPARE(e.retryable, retryable);
        QCOMPARE(e.httpStatus, status);
        QVERIFY(!e.message.isEmpty());
    }

    void saveResultItems()
    {
        const auto errors = SalesforceErrors::parseItems(
            QJsonDocument::fromJson(
                R"([{"statusCode":"MALFORMED_ID","message":"bad id","fields":["Id"]}])")
                .array());
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().code, QStringLiteral("MALFORMED_ID"));
        QCOMPARE(errors.first().fields, QStringList {QStringLiteral("Id")});
    }

    void soqlQuoting()
    {
        QCOMPARE(SalesforceClient::quoteSoql(QStringLiteral("O'Brien\\x")),
                 QStringLiteral("'O\\'Brien\\\\x'"));
        QCOMPARE(SalesforceClient::quoteSoql(QStringLiteral("a\nb")), QStringLiteral("'a\\nb'"));
    }

    void pkceMatchesRfc7636Example()
    {
        // RFC 7636 appendix B.
        QCOMPARE(Pkce::challengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                 QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        const Pkce p = Pkce::generate();
        QVERIFY(p.verifier.size() >= 43 && p.verifier.size() <= 128);
        QVERIFY(p.verifier != Pkce::generate().verifier);
    }

    void jwtIsSignedWithRs256()
    {
        EVP_PKEY *key = EVP_RSA_gen(2048);
        QVERIFY(key);
        BIO *bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
        char *data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        const QByteArray pem(data, len);
        BIO_free(bio);
        auto jwt
            = JwtAssertion::sign(pem, QStringLiteral("3MVG9"), QStringLiteral("a@b.c"),
                                 QStringLiteral("https://login.salesforce.com"), 1'700'000'000);
        QVERIFY2(jwt.ok(), jwt ? "" : qPrintable(jwt.error().message));
        const QList<QByteArray> parts = jwt->split('.');
        QCOMPARE(parts.size(), 3);
        const auto decode = [](const QByteArray &b) {
            return QByteArray::fromBase64(
                b, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        };
        QCOMPARE(decode(parts[0]), QByteArray("{\"alg\":\"RS256\"}"));
        const QJsonObject claims = QJsonDocument::fromJson(decode(parts[1])).object();
        QCOMPARE(claims.value(QStringLiteral("iss")).toString(), QStringLiteral("3MVG9"));
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(),
                 QStringLiteral("https://login.salesforce.com"));
        QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(), 1'700'000'000);
        // Verify with the public key.
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        const QByteArray input = parts[0] + '.' + parts[1];
        const QByteArray sig = decode(parts[2]);
        QCOMPARE(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key), 1);
        QCOMPARE(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(sig.constData()),
                                  size_t(sig.size()),
                                  reinterpret_cast<const unsigned char *>(input.constData()),
                                  size_t(input.size())),
                 1);
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(key);
        QVERIFY(!JwtAssertion::sign("not a key", QString(), QString(), QString(), 0).ok());
    }

    void tokenSignatureIsChecked()
    {
        QJsonObject o {
            {QStringLiteral("id"), QStringLiteral("https://login.salesforce.com/id/00D/005")},
            {QStringLiteral("issued_at"), QStringLiteral("1718000000123")}};
        const QByteArray sig = QMessageAuthenticationCode::hash(
                                   "https://login.salesforce.com/id/00D/0051718000000123", "secret",
                                   QCryptographicHash::Sha256)
                                   .toBase64();
        o.insert(QStringLiteral("signature"), QString::fromLatin1(sig));
        QVERIFY(OAuthTokenClient::signatureValid(o, QStringLiteral("secret")));
        QVERIFY(!OAuthTokenClient::signatureValid(o, QStringLiteral("other")));
    }

    void formEncoding()
    {
        QCOMPARE(OAuthTokenClient::formEncode(
                     {{QStringLiteral("password"), QStringLiteral("p+w&=x y")}}),
                 QByteArray("password=p%2Bw%26%3Dx%20y"));
    }
};

QTEST_GUILESS_MAIN(TestSalesforceParsing)
#include "TestSalesforceParsing.moc"
