#include "AsyncResult.h"
#include "FakeSalesforce.h"
#include "auth/AuthorizationCodeFlow.h"
#include "auth/Pkce.h"
#include "net/HttpClient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::auth;
using namespace lb::test;

// The browser login: authorize URL with PKCE S256 and state, loopback redirect, code exchange.
class TestAuthorizationCodeFlow : public QObject
{
    Q_OBJECT

    FakeSalesforce m_fake;
    QNetworkAccessManager m_nam; // the client's
    QNetworkAccessManager m_browser; // plays the user's browser
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<OAuthTokenClient> m_tokens;
    int m_browserStatus = 0;

    // What the browser does after the user logs in: follow the redirect to our listener.
    void browse(const QUrl &url)
    {
        QNetworkReply *reply = m_browser.get(QNetworkRequest(url));
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            m_browserStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            reply->deleteLater();
        });
    }

    AuthorizationCodeFlow::Options options() const
    {
        AuthorizationCodeFlow::Options o;
        o.loginUrl = m_fake.url();
        o.clientId = QStringLiteral("cid");
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fake.listenLoopback());
        m_http = std::make_unique<HttpClient>(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        m_tokens = std::make_unique<OAuthTokenClient>(*m_http);
        m_fake.setHandler([this](const FakeRequest &) {
            return FakeReply::json(
                200,
                "{\"access_token\":\"00D!web\",\"refresh_token\":\"5Aep-refresh\","
                "\"instance_url\":\""
                    + m_fake.url().toString().toUtf8()
                    + "\",\"id\":\"x\",\"token_type\":\"Bearer\",\"issued_at\":\"1\"}");
        });
    }

    void init()
    {
        m_fake.requests.clear();
        m_browserStatus = 0;
    }

    void redirectOutcomes_data()
    {
        QTest::addColumn<QString>("redirectQuery"); // what the authorization server sends back;
                                                    // STATE is replaced by the flow's state
        QTest::addColumn<QString>("code"); // expected error code, empty = success
        QTest::addColumn<int>("tokenRequests");
        QTest::addColumn<int>("browserStatus");
        QTest::newRow("code") << u"code=aPrx%2Bcode&state=STATE"_s << QString() << 1 << 200;
        QTest::newRow("denied")
            << u"error=access_denied&error_description=end-user+denied+authorization&state=STATE"_s
            << u"access_denied"_s << 0 << 200;
        QTest::newRow("wrong state")
            << u"code=stolen&state=forged"_s << u"state_mismatch"_s << 0 << 400;
        QTest::newRow("no state") << u"code=stolen"_s << u"state_mismatch"_s << 0 << 400;
        QTest::newRow("neither code nor error")
            << u"state=STATE"_s << u"invalid_redirect"_s << 0 << 400;
    }

    void redirectOutcomes()
    {
        QFETCH(QString, redirectQuery);
        QFETCH(QString, code);
        QFETCH(int, tokenRequests);
        QFETCH(int, browserStatus);
        AuthorizationCodeFlow flow(*m_tokens, options());
        AsyncResult<OAuthToken> r;
        QUrl opened;
        flow.start([&](const QUrl &url) { opened = url; }, this, r.callback());
        QVERIFY(opened.isValid());

        // The authorize URL (SALESFORCE_API.md 1.6).
        QCOMPARE(opened.path(), QStringLiteral("/services/oauth2/authorize"));
        const QUrlQuery q(opened);
        auto value = [&q](const char *key) {
            return q.queryItemValue(QString::fromLatin1(key), QUrl::FullyDecoded);
        };
        QCOMPARE(value("response_type"), QStringLiteral("code"));
        QCOMPARE(value("client_id"), QStringLiteral("cid"));
        QCOMPARE(value("code_challenge_method"), QStringLiteral("S256"));
        QCOMPARE(value("code_challenge").size(), 43);
        const QUrl redirect(value("redirect_uri"));
        QCOMPARE(redirect.scheme(), QStringLiteral("http"));
        QCOMPARE(redirect.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(redirect.port() > 0);
        QCOMPARE(redirect, flow.redirectUri());
        const QString state = value("state");
        QVERIFY(state.size() >= 32);

        QUrl back = redirect;
        back.setQuery(QString(redirectQuery).replace(QStringLiteral("STATE"), state));
        browse(back);
        QVERIFY(r.wait());
        QTRY_COMPARE(m_browserStatus, browserStatus);
        QCOMPARE(m_fake.requests.size(), tokenRequests);
        if (code.isEmpty()) {
            QVERIFY2(r.get().ok(),
                     qPrintable(r.get().ok() ? QString() : r.get().error().toString()));
            QCOMPARE(r->value().refreshToken, QStringLiteral("5Aep-refresh"));
            const QMap<QString, QString> form = m_fake.requests.constFirst().form();
            QCOMPARE(form.value(QStringLiteral("grant_type")),
                     QStringLiteral("authorization_code"));
            QCOMPARE(form.value(QStringLiteral("code")), QStringLiteral("aPrx+code"));
            QCOMPARE(form.value(QStringLiteral("redirect_uri")), redirect.toString());
            // The verifier sent matches the challenge in the authorize URL.
            QCOMPARE(Pkce::challengeFor(form.value(QStringLiteral("code_verifier"))),
                     value("code_challenge"));
        } else {
            QVERIFY(!r.get().ok());
            QCOMPARE(r.get().error().code, code);
        }
        // A second redirect (replay) is refused and changes nothing.
        m_browserStatus = 0;
        browse(back);
        QTRY_COMPARE(m_browserStatus, 410);
        QCOMPARE(r.calls(), 1);
    }

    void nonLoopbackRedirectIsRefused()
    {
        auto o = options();
        o.redirectUri = QUrl(QStringLiteral("http://example.com:8080/callback"));
        AuthorizationCodeFlow flow(*m_tokens, o);
        AsyncResult<OAuthToken> r;
        bool opened = false;
        flow.start([&](const QUrl &) { opened = true; }, this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, QStringLiteral("bad_redirect_uri"));
        QVERIFY(!opened);
    }

    void fixedPortAndPathAreKept()
    {
        auto o = options();
        // A port that is free now: let the OS choose one, then ask for it explicitly.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        o.redirectUri = QUrl(QStringLiteral("http://127.0.0.1:%1/oauth/done").arg(port));
        AuthorizationCodeFlow flow(*m_tokens, o);
        AsyncResult<OAuthToken> r;
        flow.start([](const QUrl &) {}, this, r.callback());
        QCOMPARE(flow.redirectUri(), o.redirectUri);
        flow.cancel();
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, QStringLiteral("cancelled"));
    }

    void timesOutWhenTheUserNeverReturns()
    {
        auto o = options();
        o.timeoutMs = 50;
        AuthorizationCodeFlow flow(*m_tokens, o);
        AsyncResult<OAuthToken> r;
        flow.start([](const QUrl &) {}, this, r.callback());
        QVERIFY(r.wait());
        QCOMPARE(r.get().error().code, QStringLiteral("timeout"));
        QCOMPARE(m_fake.requests.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAuthorizationCodeFlow)
#include "TestAuthorizationCodeFlow.moc"
