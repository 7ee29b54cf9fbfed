// The transport promises, counted where a connection would land: a listening socket that
// counts every connection it accepts. Through the product's own HttpClient and a real
// QNetworkAccessManager:
//  - a host outside the allowlist is refused before any connection is opened (the allowlist
//    names 127.0.0.1; the request goes to 127.0.0.2, the same listening socket);
//  - plain http:// to a host that is not loopback is refused, even when the host is listed;
//  - a 302 from an allowed server to a host outside the allowlist is handed back, not followed.
// Each case has a control that reaches the same socket, so a counter that never counts (or a
// loopback alias this machine lacks) cannot pass for a refusal.
#include "LoopbackServer.h"
#include "net/HttpClient.h"

#include <QHttpServerResponse>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace lb;

namespace {

// Counts accepted connections and answers any request with an empty 200, so a control request
// finishes at once.
class CountingServer : public QObject
{
public:
    bool listen(const QHostAddress &address, quint16 port = 0)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                ++m_connections;
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    s->readAll();
                    s->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        return m_server.listen(address, port);
    }
    quint16 port() const { return m_server.serverPort(); }
    int connections() const { return m_connections; }

private:
    QTcpServer m_server;
    int m_connections = 0;
};

// The first IPv4 address of this machine that is not loopback, or a null address.
QHostAddress externalAddress()
{
    for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
        if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback() && !a.isLinkLocal())
            return a;
    }
    return {};
}

} // namespace

class TestTransportPromises : public QObject
{
    Q_OBJECT

private:
    HttpResponse exchange(HttpClient &client, const QUrl &url)
    {
        HttpRequest req;
        req.url = url;
        req.timeoutMs = 10'000;
        std::optional<HttpResponse> response;
        client.send(req, this, [&](const HttpResponse &r) { response = r; });
        if (!QTest::qWaitFor([&] { return response.has_value(); }, 20'000))
            return {};
        return *response;
    }

    // Whether a plain TCP connection to address:port is accepted (the control).
    static bool reachable(const QHostAddress &address, quint16 port)
    {
        QTcpSocket s;
        s.connectToHost(address, port);
        return s.waitForConnected(5'000);
    }

    // Lets anything the refused request might still start reach the counting socket: a
    // connection attempt is made within the event loop turns the request takes, so a refusal
    // that leaked would show here.
    static void settle() { QTest::qWait(500); }

    QNetworkAccessManager m_nam;

private slots:
    void hostOutsideAllowlistOpensNoConnection_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("other loopback address") << QStringLiteral("127.0.0.2");
        QTest::newRow("name of this machine") << QStringLiteral("localhost");
    }

    void hostOutsideAllowlistOpensNoConnection()
    {
        QFETCH(QString, host);
        CountingServer server;
        QVERIFY(server.listen(QHostAddress::Any));
        if (!reachable(QHostAddress(QStringLiteral("127.0.0.2")), server.port()))
            QSKIP("127.0.0.2 does not reach this machine's loopback here (no 127.0.0.0/8 route)");
        QTRY_COMPARE(server.connections(), 1); // the control

        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        const HttpResponse refused = exchange(
            client, QUrl(QStringLiteral("http://%1:%2/v1/leads").arg(host).arg(server.port())));
        QCOMPARE(refused.status, 0);
        QCOMPARE(refused.errorCode, QStringLiteral("host_not_allowed"));
        QCOMPARE(client.requestsSent(), 0u);
        settle();
        QCOMPARE(server.connections(), 1);

        // The same socket through the allowed name: one more connection, counted.
        const HttpResponse allowed = exchange(
            client, QUrl(QStringLiteral("http://127.0.0.1:%1/v1/leads").arg(server.port())));
        QCOMPARE(allowed.status, 200);
        QTRY_COMPARE(server.connections(), 2);
    }

    void plainHttpToANonLoopbackHostIsRefused()
    {
        const QHostAddress external = externalAddress();
        if (external.isNull())
            QSKIP("this machine has no IPv4 address besides loopback to listen on");
        CountingServer server;
        QVERIFY(server.listen(external));
        QVERIFY(reachable(external, server.port()));
        QTRY_COMPARE(server.connections(), 1); // the control

        // Listed, but not loopback: http:// is refused before a connection.
        HttpClient client(&m_nam, HostAllowlist({external.toString()}));
        const HttpResponse r = exchange(
            client,
            QUrl(QStringLiteral("http://%1:%2/").arg(external.toString()).arg(server.port())));
        QCOMPARE(r.status, 0);
        QCOMPARE(r.errorCode, QStringLiteral("insecure_url"));
        settle();
        QCOMPARE(server.connections(), 1);

        // The same host with https:// is attempted (the TLS handshake then fails against this
        // plain socket): only the scheme made the difference.
        const HttpResponse tls = exchange(
            client,
            QUrl(QStringLiteral("https://%1:%2/").arg(external.toString()).arg(server.port())));
        QCOMPARE(tls.errorCode, QStringLiteral("network"));
        QTRY_COMPARE(server.connections(), 2);
    }

    void redirectOutsideTheAllowlistIsNotFollowed_data()
    {
        QTest::addColumn<QString>("target");
        QTest::newRow("other loopback address") << QStringLiteral("http://127.0.0.2:%1/stolen");
        QTest::newRow("name of this machine") << QStringLiteral("http://localhost:%1/stolen");
        QTest::newRow("https elsewhere") << QStringLiteral("https://127.0.0.2:%1/stolen");
    }

    void redirectOutsideTheAllowlistIsNotFollowed()
    {
        QFETCH(QString, target);
        CountingServer other;
        QVERIFY(other.listen(QHostAddress::Any));
        const QUrl location(target.arg(other.port()));
        if (!reachable(QHostAddress(QStringLiteral("127.0.0.2")), other.port()))
            QSKIP("127.0.0.2 does not reach this machine's loopback here (no 127.0.0.0/8 route)");
        QTRY_COMPARE(other.connections(), 1); // the control above

        sandbox::LoopbackServer allowed;
        allowed.http().route(QStringLiteral("/services/oauth2/token"), [location] {
            QHttpServerResponse r(QHttpServerResponder::StatusCode::Found);
            r.setHeader("Location", location.toEncoded());
            return r;
        });
        QVERIFY(allowed.listen());

        HttpClient client(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        QVERIFY(!client.allowlist().allows(location));
        const HttpResponse r
            = exchange(client, QUrl(allowed.baseUrl() + QStringLiteral("/services/oauth2/token")));
        QCOMPARE(r.status, 302);
        QCOMPARE(QUrl(QString::fromUtf8(r.header("Location"))), location);
        settle();
        QCOMPARE(other.connections(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTransportPromises)
#include "TestTransportPromises.moc"
