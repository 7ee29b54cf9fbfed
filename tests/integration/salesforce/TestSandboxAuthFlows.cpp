#include "AsyncResult.h"
#include "SandboxHarness.h"
#include "auth/AuthorizationCodeFlow.h"
#include "auth/OAuthTokenClient.h"
#include "salesforce/ErrorClassification.h"
#include "salesforce/SandboxOrg.h"

#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::auth;
using namespace lb::salesforce;
using namespace lb::test;

// Every OAuth flow of the client against the sandbox org's login and My Domain hosts, and
// the token-endpoint error paths (SALESFORCE_API.md section 1).
class TestSandboxAuthFlows : public QObject
{
    Q_OBJECT

    SandboxHarness m_h;
    QNetworkAccessManager m_browser;

    // The user's browser: open the authorize URL (the sandbox approves at once and
    // redirects), then follow the redirect to LeadBridge's loopback listener.
    void browse(const QUrl &authorizeUrl)
    {
        QNetworkRequest request(authorizeUrl);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply *reply = m_browser.get(request);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            const QUrl location = reply->header(QNetworkRequest::LocationHeader).toUrl();
            if (location.isValid()) {
                QNetworkReply *back = m_browser.get(QNetworkRequest(location));
                connect(back, &QNetworkReply::finished, back, &QObject::deleteLater);
            }
        });
    }

    Result<OAuthToken> browserLogin(const QString &loginHint = {})
    {
        OAuthTokenClient tokens(m_h.http());
        AuthorizationCodeFlow::Options o;
        o.loginUrl = QUrl(m_h.sandbox().loginUrl());
        o.clientId = m_h.sandbox().config().clientId;
        o.clientSecret = m_h.sandbox().config().clientSecret;
        o.loginHint = loginHint;
        AuthorizationCodeFlow flow(tokens, o);
        AsyncResult<OAuthToken> r;
        flow.start([this](const QUrl &url) { browse(url); }, this, r.callback());
        if (!r.wait())
            return makeError(u"test"_s, u"no answer"_s);
        return r.get();
    }

    Result<void> authenticate()
    {
        AsyncResult<void> r;
        m_h.session().authenticate(this, r.callback());
        if (!r.wait())
            return makeError(u"test"_s, u"no answer"_s);
        return r.get();
    }

    Result<ApiLimits> callRest()
    {
        AsyncResult<ApiLimits> r;
        m_h.client().limits(this, r.callback());
        if (!r.wait())
            return makeError(u"test"_s, u"no answer"_s);
        return r.get();
    }

private slots:
    void init()
    {
        sandbox::SandboxConfig config;
        config.requirePkce = true;
        config.refreshTokenRotation
            = qstrcmp(QTest::currentTestFunction(), "refreshTokenRotationIsAnnounced") == 0;
        sandbox::SandboxUser unapproved;
        unapproved.username = u"unapproved@leadbridge.sandbox"_s;
        unapproved.password = u"pw"_s;
        unapproved.securityToken = u"TOKEN"_s;
        unapproved.jwtApproved = false;
        config.users = {sandbox::SandboxConfig::defaultUser(), unapproved};
        const Result<void> started = m_h.start(config);
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
    }

    void everyFlowAuthenticatesAndCallsRest_data()
    {
        QTest::addColumn<int>("flow");
        QTest::newRow("jwt bearer") << int(AuthFlow::JwtBearer);
        QTest::newRow("password") << int(AuthFlow::Password);
        QTest::newRow("client credentials") << int(AuthFlow::ClientCredentials);
        QTest::newRow("refresh token") << int(AuthFlow::RefreshToken);
        QTest::newRow("authorization code") << int(AuthFlow::AuthorizationCode);
    }

    void everyFlowAuthenticatesAndCallsRest()
    {
        QFETCH(int, flow);
        SalesforceSecrets secrets = m_h.secrets();
        if (AuthFlow(flow) == AuthFlow::RefreshToken
            || AuthFlow(flow) == AuthFlow::AuthorizationCode) {
            const Result<OAuthToken> login = browserLogin();
            QVERIFY2(login.ok(), qPrintable(login.ok() ? QString() : login.error().toString()));
            QVERIFY(!login->refreshToken.isEmpty());
            secrets.refreshToken = login->refreshToken;
        }
        m_h.connect(m_h.config(AuthFlow(flow)), secrets);
        const Result<void> auth = authenticate();
        QVERIFY2(auth.ok(), qPrintable(auth.ok() ? QString() : auth.error().toString()));
        QCOMPARE(m_h.session().instanceUrl(), QUrl(m_h.sandbox().instanceUrl()));
        QCOMPARE(m_h.session().grantsRequested(), 1);
        const Result<ApiLimits> limits = callRest();
        QVERIFY2(limits.ok(), qPrintable(limits.ok() ? QString() : limits.error().toString()));
        QCOMPARE(limits->max, m_h.sandbox().apiMax());
    }

    void expiredSessionIsRenewedWithTheSameFlow_data()
    {
        everyFlowAuthenticatesAndCallsRest_data();
    }

    void expiredSessionIsRenewedWithTheSameFlow()
    {
        QFETCH(int, flow);
        SalesforceSecrets secrets = m_h.secrets();
        if (AuthFlow(flow) == AuthFlow::RefreshToken
            || AuthFlow(flow) == AuthFlow::AuthorizationCode) {
            const Result<OAuthToken> login = browserLogin();
            QVERIFY(login.ok());
            secrets.refreshToken = login->refreshToken;
        }
        m_h.connect(m_h.config(AuthFlow(flow)), secrets);
        QVERIFY(callRest().ok());
        m_h.sandbox().expireAllSessions();
        QSignalSpy failed(&m_h.client(), &SalesforceClient::authenticationFailed);
        const qint64 callsBefore = m_h.restCalls();
        QVERIFY(callRest().ok());
        QCOMPARE(m_h.session().grantsRequested(), 2);
        QCOMPARE(m_h.restCalls() - callsBefore, qint64(2)); // 401, then the replay
        QCOMPARE(failed.size(), 0);
    }

    void browserLoginUsesPkceAndTheLoginHint()
    {
        // requirePkce is on: the sandbox refuses a code flow without a challenge.
        const Result<OAuthToken> login = browserLogin(u"unapproved@leadbridge.sandbox"_s);
        QVERIFY2(login.ok(), qPrintable(login.ok() ? QString() : login.error().toString()));
        QVERIFY(login->identityUrl.endsWith(
            m_h.sandbox().org().findUser(u"unapproved@leadbridge.sandbox"_s)->userId));
        // The answer's signature was checked with the client secret on the way in.
        QVERIFY(!login->signature.isEmpty());
        QVERIFY(OAuthTokenClient::signatureMatches(*login, m_h.sandbox().config().clientSecret));
        QVERIFY(!OAuthTokenClient::signatureMatches(*login, u"another secret"_s));
    }

    void browserLoginFeedsTheSession()
    {
        SalesforceConfig config = m_h.config(AuthFlow::AuthorizationCode);
        config.username = u"unapproved@leadbridge.sandbox"_s; // the login hint
        config.redirectUri = QUrl(u"http://127.0.0.1:0/leadbridge/callback"_s);
        SalesforceSecrets secrets = m_h.secrets();
        m_h.connect(config, secrets);
        QSignalSpy stored(&m_h.session(), &SalesforceSession::refreshTokenChanged);
        AuthorizationCodeFlow flow(m_h.session().tokenClient(),
                                   m_h.session().browserLoginOptions());
        AsyncResult<OAuthToken> login;
        flow.start([this](const QUrl &url) { browse(url); }, this, login.callback());
        QVERIFY(login.wait());
        QVERIFY2(login.get().ok(),
                 qPrintable(login.get().ok() ? QString() : login.get().error().toString()));
        QCOMPARE(flow.redirectUri().path(), u"/leadbridge/callback"_s);
        m_h.session().setToken(*login.get());
        QCOMPARE(stored.size(), 1); // the caller keeps it in the keychain
        QCOMPARE(stored.constFirst().constFirst().toString(), login->value().refreshToken);
        QVERIFY(callRest().ok());
        QCOMPARE(m_h.session().grantsRequested(), 0); // the login's token was used as is
        const auto who = m_h.sandbox().org().findUser(u"unapproved@leadbridge.sandbox"_s);
        QVERIFY(login->value().identityUrl.endsWith(who->userId));
        // When it expires, the refresh token from the login renews it.
        m_h.sandbox().expireAllSessions();
        QVERIFY(callRest().ok());
        QCOMPARE(m_h.session().grantsRequested(), 1);
    }

    void refreshTokenRotationIsAnnounced()
    {
        const Result<OAuthToken> login = browserLogin();
        QVERIFY(login.ok());
        SalesforceSecrets secrets = m_h.secrets();
        secrets.refreshToken = login->refreshToken;
        m_h.connect(m_h.config(AuthFlow::RefreshToken), secrets);
        QSignalSpy rotated(&m_h.session(), &SalesforceSession::refreshTokenChanged);
        QVERIFY(authenticate().ok());
        QCOMPARE(rotated.size(), 1);
        const QString next = rotated.constFirst().constFirst().toString();
        QVERIFY(!next.isEmpty() && next != login->refreshToken);
        // The old refresh token is dead; a second session still holding it fails.
        m_h.connect(m_h.config(AuthFlow::RefreshToken), secrets);
        const Result<void> stale = authenticate();
        QVERIFY(!stale.ok());
        QCOMPARE(stale.error().code, u"invalid_grant"_s);
        // The rotated one works (and rotates again).
        secrets.refreshToken = next;
        m_h.connect(m_h.config(AuthFlow::RefreshToken), secrets);
        QVERIFY(authenticate().ok());
    }

    void tokenEndpointErrors_data()
    {
        QTest::addColumn<int>("flow");
        QTest::addColumn<QString>("breakWhat");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong password") << int(AuthFlow::Password) << u"password"_s
                                        << u"invalid_grant"_s << u"authentication failure"_s;
        QTest::newRow("password without security token")
            << int(AuthFlow::Password) << u"token"_s << u"invalid_grant"_s
            << u"authentication failure"_s;
        QTest::newRow("unknown consumer key")
            << int(AuthFlow::Password) << u"clientId"_s << u"invalid_client_id"_s
            << u"client identifier invalid"_s;
        QTest::newRow("wrong consumer secret")
            << int(AuthFlow::Password) << u"secret"_s << u"invalid_client"_s
            << u"invalid client credentials"_s;
        QTest::newRow("jwt: user not pre-approved")
            << int(AuthFlow::JwtBearer) << u"user"_s << u"invalid_grant"_s
            << u"user hasn't approved this consumer"_s;
        QTest::newRow("jwt: signed with another key")
            << int(AuthFlow::JwtBearer) << u"key"_s << u"invalid_grant"_s << QString();
        QTest::newRow("jwt: unknown consumer key")
            << int(AuthFlow::JwtBearer) << u"clientId"_s << u"invalid_client_id"_s << QString();
        QTest::newRow("client credentials on the login host")
            << int(AuthFlow::ClientCredentials) << u"host"_s << u"invalid_grant"_s
            << u"request not supported on this domain"_s;
        QTest::newRow("unknown refresh token")
            << int(AuthFlow::RefreshToken) << u"refresh"_s << u"invalid_grant"_s
            << u"Salesforce refused the refresh token (expired access/refresh token): it was "
               "revoked or has expired. Sign in to Salesforce again."_s;
    }

    void tokenEndpointErrors()
    {
        QFETCH(int, flow);
        QFETCH(QString, breakWhat);
        QFETCH(QString, code);
        QFETCH(QString, message);
        SalesforceConfig config = m_h.config(AuthFlow(flow));
        SalesforceSecrets secrets = m_h.secrets();
        if (breakWhat == "password"_L1)
            secrets.password = u"wrong"_s;
        else if (breakWhat == "token"_L1) {
            // This user has a security token, which must follow the password.
            config.username = u"unapproved@leadbridge.sandbox"_s;
            secrets.password = u"pw"_s;
        } else if (breakWhat == "clientId"_L1)
            config.clientId = u"3MVG9Unknown"_s;
        else if (breakWhat == "secret"_L1)
            secrets.clientSecret = u"wrong"_s;
        else if (breakWhat == "user"_L1)
            config.username = u"unapproved@leadbridge.sandbox"_s;
        else if (breakWhat == "key"_L1)
            secrets.privateKeyPem = m_h.otherPrivateKeyPem();
        else if (breakWhat == "host"_L1)
            config.instanceUrl = config.loginUrl;
        else if (breakWhat == "refresh"_L1)
            secrets.refreshToken = u"5Aep861NoSuchToken"_s;
        m_h.connect(config, secrets);
        QSignalSpy failed(&m_h.client(), &SalesforceClient::authenticationFailed);
        const Result<ApiLimits> r = callRest();
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, code);
        if (!message.isEmpty())
            QCOMPARE(r.error().message, message);
        QCOMPARE(r.error().httpStatus, 400);
        QVERIFY(!r.error().retryable);
        QCOMPARE(classify(r.error()), FailureKind::AuthFailed);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(m_h.restCalls(), qint64(0)); // no REST call without a token
    }

    void revokeEndsTheSession()
    {
        const Result<OAuthToken> login = browserLogin();
        QVERIFY(login.ok());
        SalesforceSecrets secrets = m_h.secrets();
        secrets.refreshToken = login->refreshToken;
        m_h.connect(m_h.config(AuthFlow::RefreshToken), secrets);
        QVERIFY(callRest().ok());
        AsyncResult<void> revoked;
        m_h.session().revoke(this, revoked.callback());
        QVERIFY(revoked.wait());
        QVERIFY(revoked.get().ok());
        // Revoking the refresh token ends its sessions and the token itself.
        const Result<ApiLimits> after = callRest();
        QVERIFY(!after.ok());
        QCOMPARE(after.error().code, u"missing_secret"_s); // the session forgot it
        m_h.connect(m_h.config(AuthFlow::RefreshToken), secrets);
        const Result<ApiLimits> again = callRest();
        QCOMPARE(again.error().code, u"invalid_grant"_s);
    }
};

QTEST_GUILESS_MAIN(TestSandboxAuthFlows)
#include "TestSandboxAuthFlows.moc"
