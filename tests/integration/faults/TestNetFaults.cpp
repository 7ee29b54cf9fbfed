// The fault matrix at the network layer (docs/RELIABILITY.md, "Fault matrix"): every fault a
// server or the network can put between LeadBridge and an answer, through the product's one
// HttpClient, against loopback servers written here. Each row checks the three promises:
// a clear error that names the host and the problem, nothing taken for an answer that is
// not one (no success, no partial body), and the same client working again once the fault
// ends.
#include "FaultServer.h"
#include "net/HttpClient.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lb;
using lb::test::FaultServer;

namespace {

enum class Where { Server, UnresolvableHost, ClosedPort, SelfSignedTls };

// Short on purpose: the request's silence limit and, by default, three times it for the whole
// exchange. Test settings, not sleeps: the client's own timers end the requests.
constexpr int kTimeoutMs = 300;

} // namespace

Q_DECLARE_METATYPE(Where)
Q_DECLARE_METATYPE(FaultServer::Mode)

class TestNetFaults : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;
    QSslCertificate m_certificate; // self-signed
    QSslKey m_key;
    QSslCertificate m_goodCertificate; // issued by the trusted test CA
    QSslKey m_goodKey;
    QSslConfiguration m_defaultTls;

    HttpResponse exchange(HttpClient &http, const QString &url, int timeoutMs = 10'000)
    {
        HttpRequest request;
        request.url = QUrl(url + QStringLiteral("/services/data/v62.0/query"));
        request.timeoutMs = timeoutMs;
        std::optional<HttpResponse> out;
        QEventLoop loop;
        http.send(request, this, [&](const HttpResponse &r) {
            out = r;
            loop.quit();
        });
        // Only a backstop for a client that never calls back (itself a failure below).
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        loop.exec();
        if (!out) {
            HttpResponse none;
            none.errorCode = QStringLiteral("no_callback");
            none.errorString = QStringLiteral("the client never called back");
            return none;
        }
        return *out;
    }

    static QByteArray healthyBody()
    {
        return QByteArray("{\"records\":[") + QByteArray(4000, ' ') + "]}";
    }

private slots:
    // Runs openssl with `args`; false (and the reason in the log) when it fails.
    static bool openssl(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral("openssl"), args);
        const bool ok = p.waitForFinished(60'000) && p.exitCode() == 0;
        if (!ok)
            qWarning("openssl %s: %s", qPrintable(args.join(u' ')),
                     p.readAllStandardError().constData());
        return ok;
    }
    static QByteArray readFile(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Throwaway keys made now, never committed: a test CA that this process trusts, a
        // certificate for 127.0.0.1 it issued, and a self-signed one nobody trusts.
        auto path = [this](const char *name) { return m_dir.filePath(QString::fromLatin1(name)); };
        QFile ext(path("ext.cnf"));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=IP:127.0.0.1\n");
        ext.close();
        const QString days = QStringLiteral("2");
        const QString rsa = QStringLiteral("rsa:2048");
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                         rsa, QStringLiteral("-nodes"), QStringLiteral("-keyout"), path("ca.key"),
                         QStringLiteral("-out"), path("ca.pem"), QStringLiteral("-days"), days,
                         QStringLiteral("-subj"), QStringLiteral("/CN=LeadBridge fault test CA")}));
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-newkey"), rsa,
                         QStringLiteral("-nodes"), QStringLiteral("-keyout"), path("good.key"),
                         QStringLiteral("-out"), path("good.csr"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=127.0.0.1")}));
        QVERIFY(
            openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                     path("good.csr"), QStringLiteral("-CA"), path("ca.pem"),
                     QStringLiteral("-CAkey"), path("ca.key"), QStringLiteral("-CAcreateserial"),
                     QStringLiteral("-out"), path("good.pem"), QStringLiteral("-days"), days,
                     QStringLiteral("-extfile"), path("ext.cnf")}));
        QVERIFY(
            openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), rsa,
                     QStringLiteral("-nodes"), QStringLiteral("-keyout"), path("self.key"),
                     QStringLiteral("-out"), path("self.pem"), QStringLiteral("-days"), days,
                     QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                     QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")}));
        m_certificate = QSslCertificate(readFile(path("self.pem")), QSsl::Pem);
        m_key = QSslKey(readFile(path("self.key")), QSsl::Rsa, QSsl::Pem);
        m_goodCertificate = QSslCertificate(readFile(path("good.pem")), QSsl::Pem);
        m_goodKey = QSslKey(readFile(path("good.key")), QSsl::Rsa, QSsl::Pem);
        const QSslCertificate ca(readFile(path("ca.pem")), QSsl::Pem);
        QVERIFY(!m_certificate.isNull() && !m_key.isNull() && !m_goodCertificate.isNull()
                && !m_goodKey.isNull() && !ca.isNull());
        m_defaultTls = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = m_defaultTls;
        trusting.addCaCertificate(ca); // as the machine's trust store would hold it
        QSslConfiguration::setDefaultConfiguration(trusting);
    }

    void cleanupTestCase() { QSslConfiguration::setDefaultConfiguration(m_defaultTls); }

    void faultGivesClearErrorKeepsNothingAndRecovers_data()
    {
        QTest::addColumn<Where>("where");
        QTest::addColumn<FaultServer::Mode>("mode");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("says"); // part of the operator's sentence

        using M = FaultServer::Mode;
        QTest::newRow("1 name resolution fails")
            << Where::UnresolvableHost << M::Healthy << "network"
            << "cannot be resolved";
        QTest::newRow("2 connection refused") << Where::ClosedPort << M::Healthy << "network"
                                              << "refused the connection";
        QTest::newRow("3 self-signed TLS certificate")
            << Where::SelfSignedTls << M::Healthy << "network"
            << "self-signed";
        QTest::newRow("4a hung answer") << Where::Server << M::Silent << "timeout"
                                        << "sent nothing for 0.3 s (the request timeout)";
        QTest::newRow("4b trickling answer") << Where::Server << M::Trickle << "timeout"
                                             << "within 0.9 s (the request deadline)";
        QTest::newRow("5a 200 MB answer with its length")
            << Where::Server << M::Huge << "response_too_large"
            << "larger than 33554432 bytes";
        QTest::newRow("5b 200 MB answer without a length")
            << Where::Server << M::HugeUnannounced << "response_too_large"
            << "larger than 33554432 bytes";
        QTest::newRow("5c gzip bomb") << Where::Server << M::GzipBomb << "response_too_large"
                                      << "decodes to more than 33554432 bytes";
        QTest::newRow("6a body cut short") << Where::Server << M::CutBody << "network"
                                           << "closed the connection before its answer";
        QTest::newRow("6b truncated gzip")
            << Where::Server << M::TruncatedGzip << "undecodable_response"
            << "ends before its end marker";
    }

    void faultGivesClearErrorKeepsNothingAndRecovers()
    {
        QFETCH(Where, where);
        QFETCH(FaultServer::Mode, mode);
        QFETCH(QString, code);
        QFETCH(QString, says);

        HttpClient http(
            &m_nam,
            HostAllowlist({QStringLiteral("127.0.0.1"), QStringLiteral("nonexistent.invalid")}));
        FaultServer server;
        const QByteArray body = healthyBody();
        server.setHandler([body](const FaultServer::Request &) {
            return FaultServer::Answer {200, "application/json", body};
        });
        QString url;
        switch (where) {
        case Where::Server:
            QVERIFY(server.start());
            server.setMode(mode);
            url = server.baseUrl();
            break;
        case Where::UnresolvableHost:
            url = QStringLiteral("https://nonexistent.invalid");
            break;
        case Where::ClosedPort: {
            QTcpServer probe; // a port that was free a moment ago: nothing listens there
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            url = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
            probe.close();
            break;
        }
        case Where::SelfSignedTls:
            server.useTls(m_certificate, m_key);
            QVERIFY(server.start());
            url = server.baseUrl();
            break;
        }

        // (a) a clear error, (b) nothing taken for an answer.
        // The time-out rows use the short timeout; the others a generous one, so a slow name
        // server cannot turn a DNS failure into a time-out.
        const bool timing = mode == FaultServer::Mode::Silent || mode == FaultServer::Mode::Trickle;
        const HttpResponse failed = exchange(http, url, timing ? kTimeoutMs : 10'000);
        QVERIFY2(!failed.isSuccess(), "a fault was taken for a successful answer");
        QCOMPARE(failed.errorCode, code);
        QVERIFY2(failed.errorString.contains(says),
                 qPrintable(QStringLiteral("the operator reads: ") + failed.errorString));
        if (where == Where::UnresolvableHost)
            QVERIFY(failed.errorString.contains(QLatin1String("nonexistent.invalid")));
        else
            QVERIFY2(failed.errorString.contains(QLatin1String("127.0.0.1")),
                     qPrintable(failed.errorString));
        if (code == QLatin1String("response_too_large")) {
            QVERIFY(failed.body.isEmpty()); // nothing of it kept in memory
            if (mode != FaultServer::Mode::GzipBomb)
                QVERIFY2(!server.hugeFinished(), "the client read the whole 200 MB");
        }
        QCOMPARE(http.inFlight(), 0);

        // (c) The fault ends; the same client, unchanged, gets the whole answer.
        switch (where) {
        case Where::Server:
            server.setMode(FaultServer::Mode::Healthy);
            break;
        case Where::UnresolvableHost:
            QVERIFY(server.start()); // the name cannot start resolving; the client is not stuck
            url = server.baseUrl();
            break;
        case Where::ClosedPort:
            QVERIFY(server.start(quint16(QUrl(url).port())));
            break;
        case Where::SelfSignedTls:
            // The server's operator installs a certificate from an authority the machine trusts.
            server.useTls(m_goodCertificate, m_goodKey);
            break;
        }
        const HttpResponse recovered = exchange(http, url);
        QVERIFY2(recovered.isSuccess(),
                 qPrintable(recovered.errorCode + QStringLiteral(": ") + recovered.errorString));
        QCOMPARE(recovered.body, body);
    }

    // The answers the matrix relies on when nothing is wrong: gzip decoded by the client, and
    // an answer exactly at the limit read whole.
    void compressedAndLimitSizedAnswersAreReadWhole()
    {
        HttpClient http(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        FaultServer server;
        QVERIFY(server.start());
        const QByteArray body = healthyBody();
        server.setHandler([body](const FaultServer::Request &) {
            return FaultServer::Answer {200, "application/json", body, true};
        });
        const HttpResponse zipped = exchange(http, server.baseUrl());
        QVERIFY2(zipped.isSuccess(), qPrintable(zipped.errorString));
        QVERIFY(server.requests().constLast().header("Accept-Encoding").contains("gzip"));
        QCOMPARE(zipped.header("Content-Encoding"), QByteArray("gzip"));
        QCOMPARE(zipped.body, body);
        server.setHandler([body](const FaultServer::Request &) {
            return FaultServer::Answer {200, "application/json", body};
        });

        HttpRequest exact;
        exact.url = QUrl(server.baseUrl() + QStringLiteral("/x"));
        exact.timeoutMs = kTimeoutMs;
        exact.maxResponseBytes = body.size();
        std::optional<HttpResponse> out;
        QEventLoop loop;
        http.send(exact, this, [&](const HttpResponse &r) {
            out = r;
            loop.quit();
        });
        loop.exec();
        QVERIFY(out && out->isSuccess());
        QCOMPARE(out->body, body);
        exact.maxResponseBytes = body.size() - 1;
        out.reset();
        http.send(exact, this, [&](const HttpResponse &r) {
            out = r;
            loop.quit();
        });
        loop.exec();
        QVERIFY(out && !out->isSuccess());
        QCOMPARE(out->errorCode, QStringLiteral("response_too_large"));
    }
};

QTEST_GUILESS_MAIN(TestNetFaults)
#include "TestNetFaults.moc"
