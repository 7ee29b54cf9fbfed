#include "AsyncResult.h"
#include "FakeSalesforce.h"
#include "auth/OAuthTokenClient.h"
#include "net/HttpClient.h"

#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::auth;
using namespace lb::test;

namespace {

const QString kSecret = QStringLiteral("consumer-secret");

QByteArray tokenBody(const QString &instance, bool withSignature, const QString &secret,
                     const QString &refreshToken = {})
{
    const QString id = QStringLiteral("https://login.salesforce.com/id/00D5g000000AbcdEAC/"
                                      "0055g00000XyZ12AAF");
    const QString issuedAt = QStringLiteral("1718000000123");
    QJsonObject o {{QStringLiteral("access_token"), QStringLiteral("00D5g000000Abcd!AQ0Token")},
                   {QStringLiteral("instance_url"), instance},
                   {QStringLiteral("id"), id},
                   {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                   {QStringLiteral("issued_at"), issuedAt},
                   {QStringLiteral("scope"), QStringLiteral("api refresh_token")},
                   {QStringLiteral("some_future_field"), 1}};
    if (withSignature)
        o.insert(QStringLiteral("signature"),
                 QString::fromLatin1(QMessageAuthenticationCode::hash((id + issuedAt).toUtf8(),
                                                                      secret.toUtf8(),
                                                                      QCryptographicHash::Sha256)
                                         .toBase64()));
    if (!refreshToken.isEmpty())
        o.insert(QStringLiteral("refresh_token"), refreshToken);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestOAuthTokenClient : public QObject
{
    Q_OBJECT

    FakeSalesforce m_fake;
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<OAuthTokenClient> m_tokens;

private slots:
    void initTestCase()
    {
        QVERIFY(m_fake.listenLoopback());
        m_http = std::make_unique<HttpClient>(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        m_tokens = std::make_unique<OAuthTokenClient>(*m_http);
        m_tokens->setCallOptionsClient(QStringLiteral("LeadBridge"));
    }

    void init()
    {
        m_fake.requests.clear();
        m_fake.setHandler([this](const FakeRequest &) {
            return FakeReply::json(200, tokenBody(m_fake.url().toString(), true, kSecret));
        });
    }

    void grantsPostTheirForm_data()
    {
        QTest::addColumn<QString>("grant");
        QTest::addColumn<QStringList>("expectedPairs"); // key=value that must be in the form
        QTest::addColumn<QStringList>("absentKeys");

        QTest::newRow("password") << u"password"_s
                                  << QStringList {u"grant_type=password"_s, u"client_id=cid"_s,
                                                  u"client_secret=consumer-secret"_s,
                                                  u"username=u@example.com"_s,
                                                  u"password=p&ss+w=rdTOKEN"_s}
                                  << QStringList {};
        QTest::newRow("refresh") << u"refresh_token"_s
                                 << QStringList {u"grant_type=refresh_token"_s, u"client_id=cid"_s,
                                                 u"refresh_token=5Aep861+/="_s,
                                                 u"client_secret=consumer-secret"_s}
                                 << QStringList {u"password"_s};
        QTest::newRow("jwt") << u"jwt"_s
                             << QStringList {u"grant_type=urn:ietf:params:oauth:grant-type:"
                                             "jwt-bearer"_s,
                                             u"assertion=aaa.bbb.ccc"_s}
                             << QStringList {u"client_secret"_s, u"client_id"_s};
        QTest::newRow("client credentials, form")
            << u"client_credentials"_s
            << QStringList {u"grant_type=client_credentials"_s, u"client_id=cid"_s,
                            u"client_secret=consumer-secret"_s}
            << QStringList {};
        QTest::newRow("client credentials, basic")
            << u"client_credentials_basic"_s << QStringList {u"grant_type=client_credentials"_s}
            << QStringList {u"client_id"_s, u"client_secret"_s};
        QTest::newRow("authorization code")
            << u"authorization_code"_s
            << QStringList {u"grant_type=authorization_code"_s, u"code=aPrx#1"_s,
                            u"client_id=cid"_s, u"redirect_uri=http://127.0.0.1:5555/callback"_s,
                            u"code_verifier=verifier-123"_s}
            << QStringList {u"client_secret"_s};
    }

    void grantsPostTheirForm()
    {
        QFETCH(QString, grant);
        QFETCH(QStringList, expectedPairs);
        QFETCH(QStringList, absentKeys);
        const QUrl host = m_fake.url();
        AsyncResult<OAuthToken> r;
        if (grant == QLatin1String("password"))
            m_tokens->password(host, QStringLiteral("cid"), kSecret,
                               QStringLiteral("u@example.com"), QStringLiteral("p&ss+w=rdTOKEN"),
                               this, r.callback());
        else if (grant == QLatin1String("refresh_token"))
            m_tokens->refreshToken(host, QStringLiteral("cid"), kSecret,
                                   QStringLiteral("5Aep861+/="), this, r.callback());
        else if (grant == QLatin1String("jwt"))
            m_tokens->jwtBearer(host, "aaa.bbb.ccc", this, r.callback());
        else if (grant == QLatin1String("client_credentials"))
            m_tokens->clientCredentials(host, QStringLiteral("cid"), kSecret,
                                        OAuthTokenClient::ClientAuth::FormFields, this,
                                        r.callback());
        else if (grant == QLatin1String("client_credentials_basic"))
            m_tokens->clientCredentials(host, QStringLiteral("cid"), kSecret,
                                        OAuthTokenClient::ClientAuth::HttpBasic, this,
                                        r.callback());
        else
            m_tokens->authorizationCode(host, QStringLiteral("cid"), QString(),
                                        QStringLiteral("aPrx#1"),
                                        QStringLiteral("http://127.0.0.1:5555/callback"),
                                        QStringLiteral("verifier-123"), this, r.callback());
        QVERIFY(r.wait());
        QVERIFY2(r.get().ok(), qPrintable(r.get().ok() ? QString() : r.get().error().toString()));
        QCOMPARE(m_fake.requests.size(), 1);
        const FakeRequest &req = m_fake.requests.constFirst();
        QCOMPARE(req.method, QByteArray("POST"));
        QCOMPARE(req.path, QStringLiteral("/services/oauth2/token"));
        QCOMPARE(req.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
        QCOMPARE(req.header("Sforce-Call-Options"), QByteArray("client=LeadBridge"));
        const QMap<QString, QString> form = req.form();
        for (const QString &pair : expectedPairs) {
            const QString key = pair.section(u'=', 0, 0);
            QCOMPARE(form.value(key), pair.section(u'=', 1));
        }
        for (const QString &key : absentKeys)
            QVERIFY2(!form.contains(key), qPrintable(key));
        if (grant == QLatin1String("client_credentials_basic"))
            QCOMPARE(req.header("Authorization"),
                     QByteArray("Basic " + QByteArray("cid:consumer-secret").toBase64()));

        const OAuthToken &t = *r.get();
        QCOMPARE(t.accessToken, QStringLiteral("00D5g000000Abcd!AQ0Token"));
        QCOMPARE(t.instanceUrl, m_fake.url());
        QCOMPARE(t.issuedAt, QStringLiteral("1718000000123"));
        QCOMPARE(t.issuedAtMs(), qint64(1718000000123));
        QCOMPARE(t.tokenType, QStringLiteral("Bearer"));
        QVERIFY(t.refreshToken.isEmpty());
    }

    void signatureIsChecked_data()
    {
        QTest::addColumn<bool>("withSignature");
        QTest::addColumn<QString>("signedWith");
        QTest::addColumn<QString>("clientSecret");
        QTest::addColumn<QString>("code"); // empty: accepted
        QTest::newRow("valid") << true << kSecret << kSecret << QString();
        QTest::newRow("tampered") << true << QStringLiteral("other") << kSecret
                                  << QStringLiteral("invalid_signature");
        QTest::newRow("no secret known")
            << true << QStringLiteral("other") << QString() << QString();
        QTest::newRow("no signature (jwt flow)") << false << QString() << kSecret << QString();
    }

    void signatureIsChecked()
    {
        QFETCH(bool, withSignature);
        QFETCH(QString, signedWith);
        QFETCH(QString, clientSecret);
        QFETCH(QString, code);
        m_fake.setHandler([&](const FakeRequest &) {
            return FakeReply::json(200,
                                   tokenBody(m_fake.url().toString(), withSignature, signedWith));
        });
        AsyncResult<OAuthToken> r;
        m_tokens->refreshToken(m_fake.url(), QStringLiteral("cid"), clientSecret,
                               QStringLiteral("rt"), this, r.callback());
        QVERIFY(r.wait());
        if (code.isEmpty()) {
            QVERIFY(r.get().ok());
        } else {
            QVERIFY(!r.get().ok());
            QCOMPARE(r.get().error().code, code);
        }
    }

    void rotatedRefreshTokenIsReturned()
    {
        m_fake.setHandler([&](const FakeRequest &) {
            return FakeReply::json(
                200, tokenBody(m_fake.url().toString(), true, kSecret, QStringLiteral("rt-2")));
        });
        AsyncResult<OAuthToken> r;
        m_tokens->refreshToken(m_fake.url(), QStringLiteral("cid"), kSecret, QStringLiteral("rt-1"),
                               this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        QCOMPARE(r->value().refreshToken, QStringLiteral("rt-2"));
    }

    void failuresUseTheOAuthEnvelope_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("bad password")
            << 400
            << QByteArray("{\"error\":\"invalid_grant\",\"error_description\":\"authentication "
                          "failure\"}")
            << u"invalid_grant"_s << false;
        QTest::newRow("unknown client")
            << 400
            << QByteArray("{\"error_description\":\"client identifier invalid\",\"error\":"
                          "\"invalid_client_id\"}")
            << u"invalid_client_id"_s << false;
        QTest::newRow("401 invalid client")
            << 401 << QByteArray("{\"error\":\"invalid_client\",\"error_description\":\"x\"}")
            << u"invalid_client"_s << false;
        QTest::newRow("503") << 503 << QByteArray("<html>down</html>") << u"http_503"_s << true;
        QTest::newRow("200 but not json") << 200 << QByteArray("access_token=x&instance_url=y")
                                          << u"unexpected_response"_s << false;
        QTest::newRow("200 without token") << 200 << QByteArray("{\"instance_url\":\"https://x\"}")
                                           << u"unexpected_response"_s << false;
        QTest::newRow("200 without instance")
            << 200 << QByteArray("{\"access_token\":\"t\"}") << u"unexpected_response"_s << false;
    }

    void failuresUseTheOAuthEnvelope()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(bool, retryable);
        m_fake.setHandler([&](const FakeRequest &) { return FakeReply::json(status, body); });
        AsyncResult<OAuthToken> r;
        m_tokens->password(m_fake.url(), QStringLiteral("cid"), kSecret, QStringLiteral("u"),
                           QStringLiteral("p"), this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(!r.get().ok());
        QCOMPARE(r.get().error().code, code);
        QCOMPARE(r.get().error().httpStatus, status);
        QCOMPARE(r.get().error().retryable, retryable);
        // The message never carries what was sent (password, secret).
        QVERIFY(!r.get().error().message.contains(kSecret));
    }

    void missingSecretsFailWithoutARequest_data()
    {
        QTest::addColumn<QString>("grant");
        QTest::newRow("password") << u"password"_s;
        QTest::newRow("refresh") << u"refresh"_s;
        QTest::newRow("client credentials") << u"client_credentials"_s;
    }

    void missingSecretsFailWithoutARequest()
    {
        QFETCH(QString, grant);
        AsyncResult<OAuthToken> r;
        if (grant == QLatin1String("password"))
            m_tokens->password(m_fake.url(), QStringLiteral("cid"), kSecret, QStringLiteral("u"),
                               QString(), this, r.callback());
        else if (grant == QLatin1String("refresh"))
            m_tokens->refreshToken(m_fake.url(), QStringLiteral("cid"), kSecret, QString(), this,
                                   r.callback());
        else
            m_tokens->clientCredentials(m_fake.url(), QStringLiteral("cid"), QString(),
                                        OAuthTokenClient::ClientAuth::FormFields, this,
                                        r.callback());
        QVERIFY(!r.has()); // always asynchronous
        QVERIFY(r.wait());
        QVERIFY(!r.get().ok());
        QCOMPARE(r.get().error().code, QStringLiteral("missing_secret"));
        QCOMPARE(m_fake.requests.size(), 0);
    }

    void revoke_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("revoked") << 200 << QString();
        QTest::newRow("unknown token") << 400 << QStringLiteral("invalid_token");
    }

    void revoke()
    {
        QFETCH(int, status);
        QFETCH(QString, code);
        m_fake.setHandler([&](const FakeRequest &) {
            return status == 200 ? FakeReply::empty(200)
                                 : FakeReply::json(status, "{\"error\":\"invalid_token\"}");
        });
        AsyncResult<void> r;
        m_tokens->revoke(m_fake.url(), QStringLiteral("rt+/="), this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(m_fake.requests.size(), 1);
        QCOMPARE(m_fake.requests.constFirst().path, QStringLiteral("/services/oauth2/revoke"));
        QCOMPARE(m_fake.requests.constFirst().form().value(QStringLiteral("token")),
                 QStringLiteral("rt+/="));
        QCOMPARE(r.get().ok(), code.isEmpty());
        if (!code.isEmpty())
            QCOMPARE(r.get().error().code, code);
    }

    void tokenEndpointOutsideAllowlistIsRefused()
    {
        AsyncResult<OAuthToken> r;
        m_tokens->jwtBearer(QUrl(QStringLiteral("https://login.evil.example")), "a.b.c", this,
                            r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, QStringLiteral("host_not_allowed"));
        QCOMPARE(m_fake.requests.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestOAuthTokenClient)
#include "TestOAuthTokenClient.moc"
