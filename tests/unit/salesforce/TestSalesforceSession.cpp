#include "AsyncResult.h"
#include "FakeSalesforce.h"
#include "auth/OAuthTokenClient.h"
#include "net/HttpClient.h"
#include "salesforce/SalesforceSession.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

namespace {

QByteArray rsaKeyPem()
{
    EVP_PKEY *key = EVP_RSA_gen(2048);
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, size);
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

} // namespace

// Token handling of one connection: each grant, the host it goes to, refresh-token rotation,
// one shared token request for concurrent refreshes.
class TestSalesforceSession : public QObject
{
    Q_OBJECT

    FakeSalesforce m_fake;
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    QByteArray m_pem;
    int m_issued = 0;
    QString m_rotateTo;

    // Login host 127.0.0.1, My Domain "localhost": one fake, told apart by the Host header.
    QUrl loginUrl() const { return m_fake.url(); }
    QUrl myDomainUrl() const
    {
        QUrl u = m_fake.url();
        u.setHost(u"localhost"_s);
        return u;
    }

    SalesforceConfig config(AuthFlow flow) const
    {
        SalesforceConfig c;
        c.loginUrl = loginUrl();
        c.instanceUrl = myDomainUrl();
        c.flow = flow;
        c.clientId = u"cid"_s;
        c.username = u"integration@example.com"_s;
        return c;
    }

    SalesforceSecrets secrets() const
    {
        SalesforceSecrets s;
        s.clientSecret = u"secret"_s;
        s.password = u"pwTOKEN"_s;
        s.refreshToken = u"rt-1"_s;
        s.privateKeyPem = m_pem;
        return s;
    }

    int tokenRequests() const { return m_fake.countPath(u"/services/oauth2/token"_s); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fake.listenLoopback());
        m_pem = rsaKeyPem();
        m_http
            = std::make_unique<HttpClient>(&m_nam, HostAllowlist({u"127.0.0.1"_s, u"localhost"_s}));
        m_fake.setHandler([this](const FakeRequest &req) {
            if (req.path == "/services/oauth2/revoke"_L1)
                return FakeReply::empty(200);
            ++m_issued;
            QByteArray body = "{\"access_token\":\"00D!token-" + QByteArray::number(m_issued)
                + "\",\"instance_url\":\"" + myDomainUrl().toString().toUtf8()
                + "\",\"id\":\"https://login.salesforce.com/id/00D/005\",\"token_type\":"
                  "\"Bearer\"";
            if (!m_rotateTo.isEmpty())
                body += ",\"refresh_token\":\"" + m_rotateTo.toUtf8() + '"';
            return FakeReply::json(200, body + '}');
        });
    }

    void init()
    {
        m_fake.requests.clear();
        m_rotateTo.clear();
    }

    void everyFlowGetsAToken_data()
    {
        QTest::addColumn<int>("flow");
        QTest::addColumn<QString>("grantType");
        QTest::addColumn<QString>("host");
        QTest::newRow("jwt") << int(AuthFlow::JwtBearer)
                             << u"urn:ietf:params:oauth:grant-type:jwt-bearer"_s << u"127.0.0.1"_s;
        QTest::newRow("refresh") << int(AuthFlow::RefreshToken) << u"refresh_token"_s
                                 << u"127.0.0.1"_s;
        QTest::newRow("password") << int(AuthFlow::Password) << u"password"_s << u"127.0.0.1"_s;
        QTest::newRow("client credentials on My Domain")
            << int(AuthFlow::ClientCredentials) << u"client_credentials"_s << u"localhost"_s;
        QTest::newRow("authorization code refreshes")
            << int(AuthFlow::AuthorizationCode) << u"refresh_token"_s << u"127.0.0.1"_s;
    }

    void everyFlowGetsAToken()
    {
        QFETCH(int, flow);
        QFETCH(QString, grantType);
        QFETCH(QString, host);
        SalesforceSession session(*m_http, config(AuthFlow(flow)), secrets());
        QSignalSpy authenticated(&session, &SalesforceSession::authenticated);
        AsyncResult<void> r;
        session.authenticate(this, r.callback());
        QVERIFY(r.wait());
        QVERIFY2(r.get().ok(), qPrintable(r.get().ok() ? QString() : r.get().error().toString()));
        QCOMPARE(authenticated.size(), 1);
        QVERIFY(session.hasToken());
        QVERIFY(session.accessToken().startsWith(u"00D!token-"_s));
        QCOMPARE(session.instanceUrl(), myDomainUrl());
        QCOMPARE(tokenRequests(), 1);
        const FakeRequest &req = m_fake.requests.constFirst();
        QCOMPARE(req.form().value(u"grant_type"_s), grantType);
        QVERIFY(req.header("Host").startsWith(host.toUtf8()));
        if (AuthFlow(flow) == AuthFlow::JwtBearer) {
            // aud is the login URL, whatever host the token request goes to.
            const QByteArray payload = req.form().value(u"assertion"_s).toLatin1().split('.')[1];
            const QJsonObject claims
                = QJsonDocument::fromJson(
                      QByteArray::fromBase64(payload, QByteArray::Base64UrlEncoding))
                      .object();
            QCOMPARE(claims.value(u"aud"_s).toString(), loginUrl().toString());
            QCOMPARE(claims.value(u"sub"_s).toString(), u"integration@example.com"_s);
            QCOMPARE(claims.value(u"iss"_s).toString(), u"cid"_s);
        }
    }

    void preconditionsFailWithoutARequest_data()
    {
        QTest::addColumn<int>("flow");
        QTest::addColumn<QString>("code");
        QTest::newRow("code flow without a login")
            << int(AuthFlow::AuthorizationCode) << u"interactive_login_required"_s;
        QTest::newRow("jwt without a key") << int(AuthFlow::JwtBearer) << u"missing_secret"_s;
        QTest::newRow("client credentials without My Domain")
            << int(AuthFlow::ClientCredentials) << u"missing_instance_url"_s;
    }

    void preconditionsFailWithoutARequest()
    {
        QFETCH(int, flow);
        QFETCH(QString, code);
        SalesforceConfig c = config(AuthFlow(flow));
        SalesforceSecrets s = secrets();
        s.refreshToken.clear();
        s.privateKeyPem.clear();
        c.instanceUrl.clear();
        SalesforceSession session(*m_http, c, s);
        QSignalSpy failed(&session, &SalesforceSession::authenticationFailed);
        AsyncResult<void> r;
        session.authenticate(this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, code);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(tokenRequests(), 0);
    }

    void rotatedRefreshTokenIsAnnounced()
    {
        SalesforceSession session(*m_http, config(AuthFlow::RefreshToken), secrets());
        QSignalSpy changed(&session, &SalesforceSession::refreshTokenChanged);
        m_rotateTo = u"rt-2"_s;
        AsyncResult<void> r;
        session.authenticate(this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.constFirst().constFirst().toString(), u"rt-2"_s);
        // The next refresh uses the rotated token; the same token again is no change.
        r.reset();
        session.authenticate(this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(m_fake.requests.last().form().value(u"refresh_token"_s), u"rt-2"_s);
        QCOMPARE(changed.size(), 1);
    }

    void concurrentRefreshesShareOneTokenRequest()
    {
        SalesforceSession session(*m_http, config(AuthFlow::Password), secrets());
        AsyncResult<void> first;
        session.authenticate(this, first.callback());
        QVERIFY(first.wait());
        const QString rejected = session.accessToken();
        QCOMPARE(tokenRequests(), 1);

        std::vector<AsyncResult<void>> waiters(6);
        for (auto &w : waiters)
            session.refreshAfterRejection(rejected, this, w.callback());
        for (auto &w : waiters) {
            QVERIFY(w.wait());
            QVERIFY(w.get().ok());
        }
        QCOMPARE(tokenRequests(), 2);
        QVERIFY(session.accessToken() != rejected);

        // A request that was rejected with the old token after the refresh finished gets the
        // new token without another grant.
        AsyncResult<void> late;
        session.refreshAfterRejection(rejected, this, late.callback());
        QVERIFY(late.wait());
        QVERIFY(late.get().ok());
        QCOMPARE(tokenRequests(), 2);
    }

    void callbacksOfDeadContextsAreDropped()
    {
        SalesforceSession session(*m_http, config(AuthFlow::Password), secrets());
        auto *context = new QObject;
        bool called = false;
        session.authenticate(context, [&](Result<void>) { called = true; });
        delete context;
        AsyncResult<void> r;
        session.authenticate(this, r.callback()); // joins the same grant
        QVERIFY(r.wait());
        QVERIFY(!called);
        QCOMPARE(tokenRequests(), 1);
    }

    void revokeForgetsTheRefreshToken()
    {
        SalesforceSession session(*m_http, config(AuthFlow::RefreshToken), secrets());
        QSignalSpy changed(&session, &SalesforceSession::refreshTokenChanged);
        AsyncResult<void> r;
        session.revoke(this, r.callback());
        QVERIFY(r.wait());
        QVERIFY(r.get().ok());
        QCOMPARE(m_fake.requests.constFirst().path, u"/services/oauth2/revoke"_s);
        QCOMPARE(m_fake.requests.constFirst().form().value(u"token"_s), u"rt-1"_s);
        QCOMPARE(changed.size(), 1);
        QVERIFY(changed.constFirst().constFirst().toString().isEmpty());
        QVERIFY(!session.hasToken());
    }
};

QTEST_GUILESS_MAIN(TestSalesforceSession)
#include "TestSalesforceSession.moc"
