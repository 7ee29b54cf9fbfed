// The fault matrix at the Salesforce client (docs/RELIABILITY.md, "Fault matrix"): what the
// REST client makes of answers that are not answers, against a loopback server written here.
// Each row: the error an operator reads (code, words, whether a later attempt may pass),
// nothing taken from a broken answer, and the same client working once the fault ends.
#include "AsyncResult.h"
#include "FaultServer.h"
#include "auth/OAuthToken.h"
#include "net/HttpClient.h"
#include "salesforce/SalesforceClient.h"
#include "salesforce/SalesforceSession.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace lb;
using namespace lb::salesforce;
using lb::test::AsyncResult;
using lb::test::FaultServer;

Q_DECLARE_METATYPE(FaultServer::Mode)

namespace {

const QByteArray kQueryAnswer
    = "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"Lead\"},"
      "\"Id\":\"00Q000000000001AAA\",\"LastName\":\"\xc3\x85sa\"}]}";
const QByteArray kCreateAnswer = "[{\"id\":\"00Q000000000002AAA\",\"success\":true,\"errors\":[]}]";

bool isDataRequest(const FaultServer::Request &r)
{
    return r.path.startsWith("/services/data/");
}

} // namespace

class TestSalesforceFaults : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_nam;

    static int dataRequests(const FaultServer &server)
    {
        int n = 0;
        for (const auto &r : server.requests())
            n += isDataRequest(r) ? 1 : 0;
        return n;
    }

private slots:
    void brokenAnswerGivesClearErrorAndClientRecovers_data()
    {
        QTest::addColumn<FaultServer::Mode>("mode");
        QTest::addColumn<bool>("write");
        QTest::addColumn<QString>("code"); // empty: the client gets the answer by itself
        QTest::addColumn<QString>("says");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<int>("requests");

        using M = FaultServer::Mode;
        QTest::newRow("6 malformed JSON") << M::MalformedJson << false << "unexpected_response"
                                          << "is not valid JSON" << false << 1;
        // A read is simply asked again uncompressed, and that answer is whole.
        QTest::newRow("6 truncated gzip, read") << M::TruncatedGzip << false << ""
                                                << "" << false << 2;
        // A write may have happened: not repeated here; the outbox decides (and upserts are
        // idempotent), with the reason in words.
        QTest::newRow("6 truncated gzip, write")
            << M::TruncatedGzip << true << "undecodable_response"
            << "ends before its end marker" << false << 1;
        QTest::newRow("6 body cut short") << M::CutBody << false << "network"
                                          << "closed the connection" << true << 1;
        QTest::newRow("4 hung answer") << M::Silent << false << "timeout"
                                       << "(the request timeout)" << true << 1;
        QTest::newRow("5 200 MB answer") << M::Huge << false << "response_too_large"
                                         << "larger than" << false << 1;
    }

    void brokenAnswerGivesClearErrorAndClientRecovers()
    {
        QFETCH(FaultServer::Mode, mode);
        QFETCH(bool, write);
        QFETCH(QString, code);
        QFETCH(QString, says);
        QFETCH(bool, retryable);
        QFETCH(int, requests);

        FaultServer server;
        QVERIFY(server.start());
        server.setHandler([](const FaultServer::Request &r) {
            return FaultServer::Answer {r.method == "POST" ? 201 : 200, "application/json",
                                        r.method == "POST" ? kCreateAnswer : kQueryAnswer};
        });
        server.setFaultFilter(isDataRequest);
        server.setMode(mode);

        HttpClient http(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        SalesforceConfig config;
        config.loginUrl = QUrl(server.baseUrl());
        config.flow = AuthFlow::Password;
        config.timeoutMs = 300; // the test's request timeout
        SalesforceSession session(http, config, {});
        auth::OAuthToken token;
        token.accessToken = QStringLiteral("00Dfault!token");
        token.instanceUrl = QUrl(server.baseUrl());
        session.setToken(token);
        SalesforceClient client(http, session, config);

        auto call = [&](auto &result) {
            if constexpr (std::is_same_v<std::decay_t<decltype(result)>,
                                         AsyncResult<QList<RecordResult>>>)
                client.createCollection(
                    QStringLiteral("Lead"),
                    {QJsonObject {{QStringLiteral("LastName"), QStringLiteral("Fault")}}}, false,
                    this, result.callback());
            else
                client.query(QStringLiteral("SELECT Id, LastName FROM Lead"), this,
                             result.callback());
            return result.wait(60'000);
        };
        auto check = [&](const auto &result) {
            QVERIFY(result.has());
            if (code.isEmpty()) {
                QVERIFY2(
                    result.get().ok(),
                    qPrintable(result.get().ok() ? QString() : result.get().error().toString()));
            } else {
                QVERIFY2(!result.get().ok(), "a broken answer was taken for a good one");
                const Error &e = result.get().error();
                QCOMPARE(e.code, code);
                QVERIFY2(e.message.contains(says), qPrintable(e.message));
                QCOMPARE(e.retryable, retryable);
            }
        };
        auto recover = [&](auto &again) {
            server.setMode(FaultServer::Mode::Healthy);
            QVERIFY(call(again));
            QVERIFY2(again.get().ok(),
                     qPrintable(again.get().ok() ? QString() : again.get().error().toString()));
        };

        if (write) {
            AsyncResult<QList<RecordResult>> r;
            QVERIFY(call(r));
            check(r);
            if (QTest::currentTestFailed())
                return;
            QCOMPARE(dataRequests(server), requests);
            AsyncResult<QList<RecordResult>> again;
            recover(again);
            if (QTest::currentTestFailed())
                return;
            QCOMPARE(again->value().constFirst().id, QStringLiteral("00Q000000000002AAA"));
        } else {
            AsyncResult<QueryPage> r;
            QVERIFY(call(r));
            check(r);
            if (QTest::currentTestFailed())
                return;
            QCOMPARE(dataRequests(server), requests);
            if (code.isEmpty()) {
                // Recovered within the call: the whole record, asked for uncompressed.
                QCOMPARE(r->value().records.constFirst().value(QStringLiteral("LastName")),
                         QJsonValue(QStringLiteral("\u00c5sa")));
                QCOMPARE(server.requests().constLast().header("Accept-Encoding"),
                         QByteArray("identity"));
            }
            AsyncResult<QueryPage> again;
            recover(again);
            if (QTest::currentTestFailed())
                return;
            QCOMPARE(again->value().records.size(), 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestSalesforceFaults)
#include "TestSalesforceFaults.moc"
