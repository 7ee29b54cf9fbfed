#include "LoopbackServer.h"
#include "net/HttpClient.h"

#include <QHttpServerResponse>
#include <QNetworkAccessManager>
#include <QTest>

using namespace lb;

class TestHttpClient : public QObject
{
    Q_OBJECT

private:
    HttpResponse exchange(HttpClient &client, const HttpRequest &request)
    {
        std::optional<HttpResponse> response;
        client.send(request, this, [&](const HttpResponse &r) { response = r; });
        if (!QTest::qWaitFor([&] { return response.has_value(); }, 20'000))
            return {};
        return *response;
    }

    sandbox::LoopbackServer m_server;
    QNetworkAccessManager m_nam;
    QByteArray m_lastCallOptions;

private slots:
    void initTestCase()
    {
        m_server.http().route(QStringLiteral("/echo"), [this](const QHttpServerRequest &req) {
            m_lastCallOptions = req.value("Sforce-Call-Options");
            QHttpServerResponse r(QByteArrayLiteral("application/json"), req.body());
            r.setHeader("X-Test", "yes");
            return r;
        });
        m_server.http().route(QStringLiteral("/redirect"), [] {
            QHttpServerResponse r(QHttpServerResponder::StatusCode::Found);
            r.setHeader("Location", "https://example.org/");
            return r;
        });
        m_server.http().route(QStringLiteral("/status/<arg>"), [](int code) {
            return QHttpServerResponse(QByteArrayLiteral("text/plain"), QByteArrayLiteral("x"),
                                       QHttpServerResponder::StatusCode(code));
        });
        QVERIFY(m_server.listen());
    }

    void roundTripWithDefaultHeaders()
    {
        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        client.setDefaultHeader("Sforce-Call-Options", "client=LeadBridge");
        HttpRequest req;
        req.method = "POST";
        req.url = QUrl(m_server.baseUrl() + QStringLiteral("/echo"));
        req.body = R"({"a":1})";
        const HttpResponse r = exchange(client, req);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray(R"({"a":1})"));
        QCOMPARE(r.header("x-test"), QByteArray("yes"));
        QCOMPARE(m_lastCallOptions, QByteArray("client=LeadBridge"));
        QCOMPARE(client.requestsSent(), 1u);
    }

    void httpErrorsAreResponsesNotNetworkFailures()
    {
        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        HttpRequest req;
        req.url = QUrl(m_server.baseUrl() + QStringLiteral("/status/503"));
        const HttpResponse r = exchange(client, req);
        QCOMPARE(r.status, 503);
        QVERIFY(r.reachedServer());
        QVERIFY(!r.isSuccess());
    }

    void redirectsAreNotFollowed()
    {
        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        HttpRequest req;
        req.url = QUrl(m_server.baseUrl() + QStringLiteral("/redirect"));
        const HttpResponse r = exchange(client, req);
        QCOMPARE(r.status, 302);
    }

    void hostOutsideAllowlistFailsBeforeConnecting()
    {
        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("login.salesforce.com")}));
        HttpRequest req;
        req.url = QUrl(m_server.baseUrl() + QStringLiteral("/echo"));
        const HttpResponse r = exchange(client, req);
        QCOMPARE(r.status, 0);
        QCOMPARE(r.errorCode, QStringLiteral("host_not_allowed"));
        QCOMPARE(client.requestsSent(), 0u);
    }

    void connectionRefusedIsANetworkFailure()
    {
        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        HttpRequest req;
        req.url = QUrl(QStringLiteral("http://127.0.0.1:1/"));
        const HttpResponse r = exchange(client, req);
        QCOMPARE(r.status, 0);
        QCOMPARE(r.errorCode, QStringLiteral("network"));
        QVERIFY(!r.errorString.isEmpty());
    }

    void callbackDroppedWhenContextDies()
    {
        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        HttpRequest req;
        req.url = QUrl(m_server.baseUrl() + QStringLiteral("/echo"));
        bool called = false;
        auto *context = new QObject;
        client.send(req, context, [&](const HttpResponse &) { called = true; });
        delete context;
        QTRY_COMPARE(client.inFlight(), 0);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestHttpClient)
#include "TestHttpClient.moc"
