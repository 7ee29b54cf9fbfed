#include "SfWire.h"
#include "salesforce/OAuthEndpoint.h"
#include "util/Clock.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QTest>
#include <QUrlQuery>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

namespace {

// An RSA key and a self-signed certificate made at test time (no key is committed).
struct TestKey
{
    EVP_PKEY *key = nullptr;
    QByteArray certificatePem;

    TestKey()
    {
        key = EVP_RSA_gen(2048);
        X509 *cert = X509_new();
        X509_set_version(cert, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert), 0);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_set_pubkey(cert, key);
        X509_NAME *name = X509_get_subject_name(cert);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char *>("LeadBridge test"), -1,
                                   -1, 0);
        X509_set_issuer_name(cert, name);
        X509_sign(cert, key, EVP_sha256());
        BIO *bio = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(bio, cert);
        char *data = nullptr;
        const long size = BIO_get_mem_data(bio, &data);
        certificatePem = QByteArray(data, int(size));
        BIO_free(bio);
        X509_free(cert);
    }
    ~TestKey() { EVP_PKEY_free(key); }
    TestKey(const TestKey &) = delete;
    TestKey &operator=(const TestKey &) = delete;

    QByteArray sign(const QByteArray &data) const
    {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        size_t size = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
        EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char *>(data.data()),
                       size_t(data.size()));
        QByteArray signature(qsizetype(size), Qt::Uninitialized);
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &size,
                       reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size()));
        EVP_MD_CTX_free(ctx);
        signature.truncate(qsizetype(size));
        return signature;
    }
};

QByteArray b64url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray jwt(const TestKey &signer, const QJsonObject &header, const QJsonObject &claims)
{
    const QByteArray head = b64url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + b64url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return head + '.' + b64url(signer.sign(head));
}

const QString kJsonError = u"{\"error\":\"%1\",\"error_description\":\"%2\"}"_s;

} // namespace

class TestSandboxOAuth : public QObject
{
    Q_OBJECT

    ManualClock m_clock;
    TestKey m_key;
    TestKey m_otherKey;
    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;

    void start(SandboxConfig config = {})
    {
        config.jwtCertificatePem = m_key.certificatePem;
        config.sessionLifetimeSecs = 600;
        SandboxUser user = SandboxConfig::defaultUser();
        SandboxUser tokenUser;
        tokenUser.username = u"token@leadbridge.sandbox"_s;
        tokenUser.password = u"pw"_s;
        tokenUser.securityToken = u"TOKEN123"_s;
        tokenUser.jwtApproved = false;
        config.users = {user, tokenUser};
        m_wire.reset();
        m_sandbox = std::make_unique<SalesforceSandbox>(config, m_clock);
        const auto started = m_sandbox->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        m_wire = std::make_unique<SfWire>(*m_sandbox);
    }
    QString tokenUrl(bool instance = false) const
    {
        return (instance ? m_sandbox->instanceUrl() : m_sandbox->loginUrl())
            + u"/services/oauth2/token"_s;
    }
    QString clientId() const { return m_sandbox->config().clientId; }
    QString secret() const { return m_sandbox->config().clientSecret; }
    int restStatus(const QString &token)
    {
        m_wire->token = token;
        return m_wire->rest("GET", u"/limits"_s).status;
    }
    // Authorize as the default user; returns the code (empty on failure) and the redirect.
    QString authorize(const QList<std::pair<QString, QString>> &params, QString *location)
    {
        QUrlQuery query;
        for (const auto &[k, v] : params)
            query.addQueryItem(k, v);
        const WireReply r = m_wire->send("GET",
                                         m_sandbox->loginUrl() + u"/services/oauth2/authorize?"_s
                                             + query.toString(QUrl::FullyEncoded));
        *location = QString::fromUtf8(r.header("Location"));
        return QUrlQuery(QUrl(*location).query()).queryItemValue(u"code"_s, QUrl::FullyDecoded);
    }

private slots:
    void init() { start(); }
    void cleanup()
    {
        m_wire.reset();
        m_sandbox.reset();
    }

    void passwordFlow_data()
    {
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("rightSecret");
        QTest::addColumn<QString>("client");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("body"); // expected exact error body, empty on success
        QTest::newRow("ok") << u"integration@leadbridge.sandbox"_s << u"sandbox-password"_s << true
                            << QString() << 200 << QString();
        QTest::newRow("username is case-insensitive")
            << u"Integration@LeadBridge.Sandbox"_s << u"sandbox-password"_s << true << QString()
            << 200 << QString();
        QTest::newRow("password plus security token")
            << u"token@leadbridge.sandbox"_s << u"pwTOKEN123"_s << true << QString() << 200
            << QString();
        QTest::newRow("missing security token")
            << u"token@leadbridge.sandbox"_s << u"pw"_s << true << QString() << 400
            << kJsonError.arg(u"invalid_grant"_s, u"authentication failure"_s);
        QTest::newRow("bad password")
            << u"integration@leadbridge.sandbox"_s << u"nope"_s << true << QString() << 400
            << kJsonError.arg(u"invalid_grant"_s, u"authentication failure"_s);
        QTest::newRow("unknown user")
            << u"who@leadbridge.sandbox"_s << u"x"_s << true << QString() << 400
            << kJsonError.arg(u"invalid_grant"_s, u"authentication failure"_s);
        QTest::newRow("wrong secret")
            << u"integration@leadbridge.sandbox"_s << u"sandbox-password"_s << false << QString()
            << 400 << kJsonError.arg(u"invalid_client"_s, u"invalid client credentials"_s);
        QTest::newRow("unknown client")
            << u"integration@leadbridge.sandbox"_s << u"sandbox-password"_s << true << u"nobody"_s
            << 400 << kJsonError.arg(u"invalid_client_id"_s, u"client identifier invalid"_s);
    }
    void passwordFlow()
    {
        QFETCH(QString, username);
        QFETCH(QString, password);
        QFETCH(bool, rightSecret);
        QFETCH(QString, client);
        QFETCH(int, status);
        QFETCH(QString, body);
        const WireReply r = m_wire->form(tokenUrl(),
                                         {{u"grant_type"_s, u"password"_s},
                                          {u"client_id"_s, client.isEmpty() ? clientId() : client},
                                          {u"client_secret"_s, rightSecret ? secret() : u"bad"_s},
                                          {u"username"_s, username},
                                          {u"password"_s, password}});
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json;charset=UTF-8"));
        if (!body.isEmpty()) {
            QCOMPARE(QString::fromUtf8(r.body), body);
            return;
        }
        const QJsonObject o = r.object();
        QVERIFY(!o.contains(u"expires_in"));
        QVERIFY(!o.contains(u"refresh_token"));
        QCOMPARE(o.value(u"token_type").toString(), u"Bearer"_s);
        QCOMPARE(o.value(u"instance_url").toString(), m_sandbox->instanceUrl());
        // issued_at: epoch milliseconds, as a string
        QCOMPARE(o.value(u"issued_at").toString(), QString::number(m_clock.nowMs()));
        const QString id = o.value(u"id").toString();
        QVERIFY2(id.startsWith(m_sandbox->loginUrl() + u"/id/00D"_s), qPrintable(id));
        QCOMPARE(id.section(u'/', -1).size(), 18);
        QVERIFY(id.section(u'/', -1).startsWith(u"005"_s));
        const QByteArray signature
            = QMessageAuthenticationCode::hash((id + o.value(u"issued_at").toString()).toUtf8(),
                                               secret().toUtf8(), QCryptographicHash::Sha256);
        QCOMPARE(o.value(u"signature").toString().toLatin1(), signature.toBase64());
        const QString token = o.value(u"access_token").toString();
        QCOMPARE(token.section(u'!', 0, 0), id.section(u'/', -2, -2).left(15));
        QCOMPARE(restStatus(token), 200);
        // The identity URL answers with the same user.
        const WireReply identity
            = m_wire->send("GET", id, {}, {{"Authorization", "Bearer " + token.toLatin1()}});
        QCOMPARE(identity.status, 200);
        QCOMPARE(identity.object().value(u"user_id").toString(), id.section(u'/', -1));
    }

    void tokenEndpointRejects_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("json body")
            << QByteArray("application/json") << QByteArray("{\"grant_type\":\"password\"}")
            << kJsonError.arg(u"unsupported_grant_type"_s, u"grant type not supported"_s);
        QTest::newRow("unknown grant")
            << QByteArray("application/x-www-form-urlencoded") << QByteArray("grant_type=magic")
            << kJsonError.arg(u"unsupported_grant_type"_s, u"grant type not supported"_s);
        QTest::newRow("no grant") << QByteArray("application/x-www-form-urlencoded") << QByteArray()
                                  << kJsonError.arg(u"unsupported_grant_type"_s,
                                                    u"grant type not supported"_s);
    }
    void tokenEndpointRejects()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        const WireReply r = m_wire->send("POST", tokenUrl(), body, {{"Content-Type", contentType}});
        QCOMPARE(r.status, 400);
        QCOMPARE(QString::fromUtf8(r.body), expected);
    }

    void jwtBearer_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<bool>("toInstance");
        QTest::addColumn<QString>("expected"); // empty = success
        const QString invalidAssertion = kJsonError.arg(u"invalid_grant"_s, u"invalid assertion"_s);
        QTest::newRow("valid, exp as string") << u"exp-string"_s << false << QString();
        QTest::newRow("valid, aud without scheme") << u"aud-host"_s << false << QString();
        QTest::newRow("valid, sent to the instance host") << QString() << true << QString();
        QTest::newRow("valid, legacy prn claim") << u"prn"_s << false << QString();
        QTest::newRow("wrong aud") << u"aud-wrong"_s << false
                                   << kJsonError.arg(u"invalid_grant"_s, u"audience is invalid"_s);
        QTest::newRow("expired") << u"expired"_s << false << invalidAssertion;
        QTest::newRow("exp too far ahead") << u"far"_s << false << invalidAssertion;
        QTest::newRow("no exp") << u"no-exp"_s << false << invalidAssertion;
        QTest::newRow("signed by another key") << u"other-key"_s << false << invalidAssertion;
        QTest::newRow("alg HS256") << u"hs256"_s << false << invalidAssertion;
        QTest::newRow("alg none") << u"none"_s << false << invalidAssertion;
        QTest::newRow("tampered claims") << u"tampered"_s << false << invalidAssertion;
        QTest::newRow("garbage") << u"garbage"_s << false << invalidAssertion;
        QTest::newRow("unknown issuer")
            << u"iss"_s << false
            << kJsonError.arg(u"invalid_client_id"_s, u"client identifier invalid"_s);
        QTest::newRow("unknown user")
            << u"sub-unknown"_s << false
            << kJsonError.arg(u"invalid_grant"_s, u"user hasn't approved this consumer"_s);
        QTest::newRow("user not pre-authorised")
            << u"sub-unapproved"_s << false
            << kJsonError.arg(u"invalid_grant"_s, u"user hasn't approved this consumer"_s);
    }
    void jwtBearer()
    {
        QFETCH(QString, change);
        QFETCH(bool, toInstance);
        QFETCH(QString, expected);
        const qint64 now = m_clock.nowMs() / 1000;
        QJsonObject header {{u"alg"_s, u"RS256"_s}};
        QJsonObject claims {{u"iss"_s, clientId()},
                            {u"sub"_s, u"integration@leadbridge.sandbox"_s},
                            {u"aud"_s, m_sandbox->loginUrl()},
                            {u"exp"_s, now + 120}};
        if (change == "exp-string"_L1)
            claims[u"exp"_s] = QString::number(now + 120);
        if (change == "aud-host"_L1)
            claims[u"aud"_s] = m_sandbox->loginUrl().mid(7);
        if (change == "prn"_L1) {
            claims.remove(u"sub"_s);
            claims[u"prn"_s] = u"integration@leadbridge.sandbox"_s;
        }
        if (change == "aud-wrong"_L1)
            claims[u"aud"_s] = u"https://login.salesforce.com"_s;
        if (change == "expired"_L1)
            claims[u"exp"_s] = now - 1;
        if (change == "far"_L1)
            claims[u"exp"_s] = now + 600;
        if (change == "no-exp"_L1)
            claims.remove(u"exp"_s);
        if (change == "iss"_L1)
            claims[u"iss"_s] = u"someone-else"_s;
        if (change == "sub-unknown"_L1)
            claims[u"sub"_s] = u"nobody@leadbridge.sandbox"_s;
        if (change == "sub-unapproved"_L1)
            claims[u"sub"_s] = u"token@leadbridge.sandbox"_s;
        if (change == "hs256"_L1 || change == "none"_L1)
            header[u"alg"_s] = change == "none"_L1 ? u"none"_s : u"HS256"_s;
        QByteArray assertion = jwt(change == "other-key"_L1 ? m_otherKey : m_key, header, claims);
        if (change == "none"_L1)
            assertion = assertion.left(assertion.lastIndexOf('.') + 1);
        if (change == "tampered"_L1) {
            QList<QByteArray> parts = assertion.split('.');
            claims[u"sub"_s] = u"token@leadbridge.sandbox"_s;
            parts[1] = b64url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
            assertion = parts.join('.');
        }
        if (change == "garbage"_L1)
            assertion = "not.a.jwt!";
        const WireReply r
            = m_wire->form(tokenUrl(toInstance),
                           {{u"grant_type"_s, u"urn:ietf:params:oauth:grant-type:jwt-bearer"_s},
                            {u"assertion"_s, QString::fromLatin1(assertion)}});
        if (!expected.isEmpty()) {
            QCOMPARE(r.status, 400);
            QCOMPARE(QString::fromUtf8(r.body), expected);
            return;
        }
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.object();
        QVERIFY(!o.contains(u"refresh_token"));
        QVERIFY(!o.contains(u"expires_in"));
        QCOMPARE(o.value(u"instance_url").toString(), m_sandbox->instanceUrl());
        QVERIFY(!o.value(u"scope").toString().isEmpty());
        QCOMPARE(restStatus(o.value(u"access_token").toString()), 200);
    }

    void clientCredentials_data()
    {
        QTest::addColumn<bool>("instanceHost");
        QTest::addColumn<bool>("basicAuth");
        QTest::addColumn<QString>("secretUsed");
        QTest::addColumn<QString>("expected");
        QTest::newRow("My Domain host, form fields") << true << false << QString() << QString();
        QTest::newRow("My Domain host, basic auth") << true << true << QString() << QString();
        QTest::newRow("login host")
            << false << false << QString()
            << kJsonError.arg(u"invalid_grant"_s, u"request not supported on this domain"_s);
        QTest::newRow("wrong secret")
            << true << false << u"wrong"_s
            << kJsonError.arg(u"invalid_client"_s, u"invalid client credentials"_s);
    }
    void clientCredentials()
    {
        QFETCH(bool, instanceHost);
        QFETCH(bool, basicAuth);
        QFETCH(QString, secretUsed);
        QFETCH(QString, expected);
        const QString usedSecret = secretUsed.isEmpty() ? secret() : secretUsed;
        QList<std::pair<QString, QString>> fields {{u"grant_type"_s, u"client_credentials"_s}};
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (basicAuth)
            headers.emplaceBack("Authorization",
                                "Basic "
                                    + QString(clientId() + u':' + usedSecret).toUtf8().toBase64());
        else
            fields += {{u"client_id"_s, clientId()}, {u"client_secret"_s, usedSecret}};
        const WireReply r = m_wire->form(tokenUrl(instanceHost), fields, headers);
        if (!expected.isEmpty()) {
            QCOMPARE(r.status, 400);
            QCOMPARE(QString::fromUtf8(r.body), expected);
            return;
        }
        QCOMPARE(r.status, 200);
        QVERIFY(r.object().contains(u"signature"));
        QVERIFY(!r.object().contains(u"refresh_token"));
        QCOMPARE(restStatus(r.object().value(u"access_token").toString()), 200);
    }

    void authorizationCodeWithPkce_data()
    {
        QTest::addColumn<QString>("verifierSent");
        QTest::addColumn<QString>("expected");
        QTest::newRow("right verifier") << u"right"_s << QString();
        QTest::newRow("wrong verifier")
            << u"wrong"_s << kJsonError.arg(u"invalid_grant"_s, u"invalid code verifier"_s);
        QTest::newRow("no verifier")
            << QString() << kJsonError.arg(u"invalid_grant"_s, u"invalid code verifier"_s);
    }
    void authorizationCodeWithPkce()
    {
        QFETCH(QString, verifierSent);
        QFETCH(QString, expected);
        const QString verifier = u"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"_s;
        // RFC 7636 appendix B.
        QCOMPARE(OAuthEndpoint::s256(verifier), u"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"_s);
        const QString redirect = u"http://127.0.0.1:7777/callback"_s;
        QString location;
        const QString code = authorize({{u"response_type"_s, u"code"_s},
                                        {u"client_id"_s, clientId()},
                                        {u"redirect_uri"_s, redirect},
                                        {u"state"_s, u"xyz 1"_s},
                                        {u"code_challenge"_s, OAuthEndpoint::s256(verifier)},
                                        {u"code_challenge_method"_s, u"S256"_s}},
                                       &location);
        QVERIFY2(!code.isEmpty(), qPrintable(location));
        QVERIFY(location.startsWith(redirect + u"?code="_s));
        QCOMPARE(QUrlQuery(QUrl(location).query()).queryItemValue(u"state"_s, QUrl::FullyDecoded),
                 u"xyz 1"_s);
        QList<std::pair<QString, QString>> fields {{u"grant_type"_s, u"authorization_code"_s},
                                                   {u"code"_s, code},
                                                   {u"client_id"_s, clientId()},
                                                   {u"redirect_uri"_s, redirect}};
        if (!verifierSent.isEmpty())
            fields.append({u"code_verifier"_s, verifierSent == "right"_L1 ? verifier : u"x"_s});
        const WireReply r = m_wire->form(tokenUrl(), fields);
        if (!expected.isEmpty()) {
            QCOMPARE(r.status, 400);
            QCOMPARE(QString::fromUtf8(r.body), expected);
            return;
        }
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.object();
        QVERIFY(o.value(u"refresh_token").toString().startsWith(u"5Aep861"_s));
        QVERIFY(!o.contains(u"expires_in"));
        QCOMPARE(restStatus(o.value(u"access_token").toString()), 200);
        // A code works once.
        const WireReply again = m_wire->form(tokenUrl(), fields);
        QCOMPARE(QString::fromUtf8(again.body),
                 kJsonError.arg(u"invalid_grant"_s, u"invalid authorization code"_s));
    }

    void authorizeRejects_data()
    {
        QTest::addColumn<bool>("requirePkce");
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("error");
        QTest::newRow("pkce required, none sent") << true << QString() << u"invalid_request"_s;
        QTest::newRow("plain method") << false << u"plain"_s << u"invalid_request"_s;
    }
    void authorizeRejects()
    {
        QFETCH(bool, requirePkce);
        QFETCH(QString, method);
        QFETCH(QString, error);
        SandboxConfig config;
        config.requirePkce = requirePkce;
        start(config);
        QList<std::pair<QString, QString>> params {{u"response_type"_s, u"code"_s},
                                                   {u"client_id"_s, clientId()},
                                                   {u"redirect_uri"_s, u"http://127.0.0.1/cb"_s},
                                                   {u"state"_s, u"s"_s}};
        if (!method.isEmpty())
            params += {{u"code_challenge"_s, u"abc"_s}, {u"code_challenge_method"_s, method}};
        QString location;
        QVERIFY(authorize(params, &location).isEmpty());
        const QUrlQuery q(QUrl(location).query());
        QCOMPARE(q.queryItemValue(u"error"_s), error);
        QCOMPARE(q.queryItemValue(u"state"_s), u"s"_s);
    }

    void refreshTokens_data()
    {
        QTest::addColumn<bool>("rotation");
        QTest::newRow("no rotation") << false;
        QTest::newRow("rotation") << true;
    }
    void refreshTokens()
    {
        QFETCH(bool, rotation);
        SandboxConfig config;
        config.refreshTokenRotation = rotation;
        start(config);
        QString location;
        const QString code = authorize({{u"response_type"_s, u"code"_s},
                                        {u"client_id"_s, clientId()},
                                        {u"redirect_uri"_s, u"http://127.0.0.1/cb"_s}},
                                       &location);
        const WireReply exchanged = m_wire->form(tokenUrl(),
                                                 {{u"grant_type"_s, u"authorization_code"_s},
                                                  {u"code"_s, code},
                                                  {u"client_id"_s, clientId()},
                                                  {u"client_secret"_s, secret()},
                                                  {u"redirect_uri"_s, u"http://127.0.0.1/cb"_s}});
        QCOMPARE(exchanged.status, 200);
        const QString refresh = exchanged.object().value(u"refresh_token").toString();
        auto refreshWith = [&](const QString &token) {
            return m_wire->form(tokenUrl(),
                                {{u"grant_type"_s, u"refresh_token"_s},
                                 {u"refresh_token"_s, token},
                                 {u"client_id"_s, clientId()},
                                 {u"client_secret"_s, secret()}});
        };
        const WireReply r = refreshWith(refresh);
        QCOMPARE(r.status, 200);
        QVERIFY(r.object().contains(u"scope"));
        QCOMPARE(restStatus(r.object().value(u"access_token").toString()), 200);
        QCOMPARE(r.object().contains(u"refresh_token"), rotation);
        const WireReply second = refreshWith(refresh);
        if (rotation) {
            QCOMPARE(QString::fromUtf8(second.body),
                     kJsonError.arg(u"invalid_grant"_s, u"expired access/refresh token"_s));
            QCOMPARE(refreshWith(r.object().value(u"refresh_token").toString()).status, 200);
        } else {
            QCOMPARE(second.status, 200);
        }
    }

    void revoke()
    {
        QString location;
        const QString code = authorize({{u"response_type"_s, u"code"_s},
                                        {u"client_id"_s, clientId()},
                                        {u"redirect_uri"_s, u"http://127.0.0.1/cb"_s}},
                                       &location);
        const WireReply exchanged = m_wire->form(tokenUrl(),
                                                 {{u"grant_type"_s, u"authorization_code"_s},
                                                  {u"code"_s, code},
                                                  {u"client_id"_s, clientId()},
                                                  {u"client_secret"_s, secret()},
                                                  {u"redirect_uri"_s, u"http://127.0.0.1/cb"_s}});
        const QString access = exchanged.object().value(u"access_token").toString();
        const QString refresh = exchanged.object().value(u"refresh_token").toString();
        const QString password = m_wire->login();
        QCOMPARE(restStatus(access), 200);
        const QString revokeUrl = m_sandbox->loginUrl() + u"/services/oauth2/revoke"_s;
        // Revoking the refresh token ends the access tokens issued from it, not others.
        WireReply r = m_wire->form(revokeUrl, {{u"token"_s, refresh}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(restStatus(access), 401);
        QCOMPARE(restStatus(password), 200);
        // An access token by GET.
        r = m_wire->send("GET",
                         revokeUrl + u"?token="_s
                             + QString::fromLatin1(QUrl::toPercentEncoding(password)));
        QCOMPARE(r.status, 200);
        QCOMPARE(restStatus(password), 401);
        r = m_wire->form(revokeUrl, {{u"token"_s, password}});
        QCOMPARE(r.status, 400);
        QCOMPARE(QString::fromUtf8(r.body), kJsonError.arg(u"invalid_token"_s, u"invalid token"_s));
    }

    void sessionLifetime()
    {
        const QString token = m_wire->login();
        QCOMPARE(restStatus(token), 200);
        m_clock.advanceMs(599'000);
        QCOMPARE(restStatus(token), 200);
        m_clock.advanceMs(1'000);
        const WireReply r = m_wire->rest("GET", u"/limits"_s);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body,
                 QByteArray("[{\"message\":\"Session expired or "
                            "invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json;charset=UTF-8"));
        QVERIFY(r.hasHeader("Sforce-Limit-Info"));
        // A new login works again.
        QCOMPARE(restStatus(m_wire->login()), 200);
    }

    void expireAllSessions()
    {
        const QString token = m_wire->login();
        QCOMPARE(restStatus(token), 200);
        const WireReply admin
            = m_wire->send("POST", m_sandbox->instanceUrl() + u"/__sandbox/expire-sessions"_s);
        QCOMPARE(admin.status, 200);
        QCOMPARE(admin.object().value(u"expired").toInt(), 1);
        QCOMPARE(restStatus(token), 401);
    }

    void authorizationHeader_data()
    {
        QTest::addColumn<QByteArray>("scheme");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("Bearer") << QByteArray("Bearer ") << 200 << QByteArray();
        QTest::newRow("OAuth (legacy)") << QByteArray("OAuth ") << 200 << QByteArray();
        QTest::newRow("missing")
            << QByteArray() << 401
            << QByteArray(
                   "[{\"message\":\"INVALID_HEADER_TYPE\",\"errorCode\":\"INVALID_AUTH_HEADER\"}]");
        QTest::newRow("unknown token")
            << QByteArray("Bearer x") << 401
            << QByteArray("[{\"message\":\"Session expired or "
                          "invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
    }
    void authorizationHeader()
    {
        QFETCH(QByteArray, scheme);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        const QString token = m_wire->login();
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!scheme.isEmpty())
            headers.emplaceBack("Authorization",
                                scheme.endsWith(' ') ? scheme + token.toLatin1() : scheme);
        const WireReply r
            = m_wire->send("GET", m_sandbox->restBaseUrl() + u"/limits"_s, {}, headers);
        QCOMPARE(r.status, status);
        if (!body.isEmpty())
            QCOMPARE(r.body, body);
    }
};

QTEST_GUILESS_MAIN(TestSandboxOAuth)
#include "TestSandboxOAuth.moc"
