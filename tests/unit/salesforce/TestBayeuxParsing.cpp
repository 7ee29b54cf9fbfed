#include "salesforce/streaming/BayeuxMessage.h"
#include "salesforce/streaming/ChangeEvent.h"

#include <QTest>

using namespace lb::salesforce::streaming;
using namespace Qt::Literals::StringLiterals;

// The Streaming API's answers and Change Data Capture events read into typed values
// (SALESFORCE_API.md 8.2 and 8.5), and each malformed shape refused with its own error.
class TestBayeuxParsing : public QObject
{
    Q_OBJECT

    static QByteArray delivery(const QByteArray &header, const QByteArray &replayId = "18098167")
    {
        return R"([{"channel":"/data/LeadChangeEvent","data":{"schema":"IeRuaY6cbI_HsV8Rv1Mc5g",
            "event":{"replayId":)"
            + replayId + R"(},"payload":{"ChangeEventHeader":)" + header
            + R"(,"Status":"Working - Contacted","LastModifiedDate":"2024-01-15T10:20:30Z"}}}])";
    }
    static constexpr const char *kHeader = R"({"entityName":"Lead",
        "recordIds":["00Q5g00000AbCdEEAV"],"changeType":"UPDATE",
        "changeOrigin":"com/salesforce/api/rest/62.0;client=my-cpp-client/1.0",
        "transactionKey":"0002b0c1-9f3a-4e2d-8d7c-1a2b3c4d5e6f","sequenceNumber":1,
        "commitTimestamp":1705314030000,"commitNumber":11657372702432,
        "commitUser":"0055g00000XyZ12AAF","changedFields":["Status","LastModifiedDate"]})";

private slots:
    void handshakeAndConnectReplies()
    {
        const auto answer = BayeuxMessage::parseAnswer(
            R"([{"ext":{"replay":true,"payload.format":true},"minimumVersion":"1.0",
                "clientId":"3kd8x1m2q9w7e5r4t6y1u0i9o8p","supportedConnectionTypes":["long-polling"],
                "channel":"/meta/handshake","id":"1","version":"1.0","successful":true},
               {"clientId":"3kd8x1m2q9w7e5r4t6y1u0i9o8p","advice":{"interval":0,"timeout":110000,
                "reconnect":"retry"},"channel":"/meta/connect","id":2,"successful":true}])");
        QVERIFY(answer.ok());
        QCOMPARE(answer->size(), 2);
        const BayeuxMessage &h = answer->at(0);
        QVERIFY(h.replaySupported);
        QCOMPARE(h.clientId, u"3kd8x1m2q9w7e5r4t6y1u0i9o8p"_s);
        QCOMPARE(h.successful, std::optional<bool>(true));
        QVERIFY(h.isMeta() && !h.isDelivery());
        const BayeuxMessage &c = answer->at(1);
        QCOMPARE(c.id, u"2"_s);
        QVERIFY(c.advice.has_value());
        QCOMPARE(c.advice->timeoutMs, std::optional<qint64>(110000));
        QCOMPARE(c.advice->intervalMs, std::optional<qint64>(0));
        QCOMPARE(c.advice->reconnect, u"retry"_s);
    }

    void errorReplies()
    {
        const auto unknown = BayeuxMessage::parseAnswer(
            R"([{"advice":{"interval":0,"reconnect":"handshake"},"channel":"/meta/connect",
                "id":"83","error":"403::Unknown client","successful":false}])");
        QVERIFY(unknown.ok());
        QVERIFY(unknown->first().isUnknownClient());
        QVERIFY(!unknown->first().isAuthenticationFailure());
        QCOMPARE(unknown->first().errorStatus(), 403);

        const auto denied = BayeuxMessage::parseAnswer(
            R"([{"ext":{"sfdc":{"failureReason":"401::Authentication invalid"},"replay":true,
                "payload.format":true},"advice":{"reconnect":"none"},"channel":"/meta/handshake",
                "error":"403::Handshake denied","successful":false}])");
        QVERIFY(denied.ok());
        QVERIFY(denied->first().isAuthenticationFailure());
        QCOMPARE(denied->first().failureReason, u"401::Authentication invalid"_s);
        QVERIFY(!denied->first().isUnknownClient());
    }

    void changeEventFromDelivery()
    {
        const auto answer = BayeuxMessage::parseAnswer(delivery(kHeader));
        QVERIFY(answer.ok());
        QVERIFY(answer->first().isDelivery());
        const auto e = ChangeEvent::fromDelivery(answer->first());
        QVERIFY2(e.ok(), qPrintable(e.ok() ? QString() : e.error().message));
        QCOMPARE(e->channel, u"/data/LeadChangeEvent"_s);
        QCOMPARE(e->replayId, 18098167);
        QCOMPARE(e->schemaId, u"IeRuaY6cbI_HsV8Rv1Mc5g"_s);
        QCOMPARE(e->entityName, u"Lead"_s);
        QCOMPARE(e->changeType, ChangeType::Update);
        QCOMPARE(e->recordIds, QStringList {u"00Q5g00000AbCdEEAV"_s});
        QCOMPARE(e->originClient, u"my-cpp-client/1.0"_s);
        QCOMPARE(e->sequenceNumber, 1);
        QCOMPARE(e->commitTimestampMs, 1705314030000);
        QCOMPARE(e->commitNumber, 11657372702432);
        QCOMPARE(e->commitUser, u"0055g00000XyZ12AAF"_s);
        QCOMPARE(e->changedFields, (QStringList {u"Status"_s, u"LastModifiedDate"_s}));
        QCOMPARE(e->fields.value(u"Status").toString(), u"Working - Contacted"_s);
        QVERIFY(!e->fields.contains(u"ChangeEventHeader"));
        QVERIFY(!e->isGap());
    }

    void changeOriginClient_data()
    {
        QTest::addColumn<QString>("origin");
        QTest::addColumn<QString>("client");
        QTest::newRow("rest") << u"com/salesforce/api/rest/62.0;client=LeadBridge"_s
                              << u"LeadBridge"_s;
        QTest::newRow("none") << u"com/salesforce/api/soap/51.0"_s << QString();
        QTest::newRow("ui") << QString() << QString();
        QTest::newRow("more") << u"com/salesforce/api/rest/62.0;client=X;other=1"_s << u"X"_s;
    }
    void changeOriginClient()
    {
        QFETCH(QString, origin);
        QFETCH(QString, client);
        QCOMPARE(ChangeEvent::clientOf(origin), client);
    }

    void gapOverflowNeedsNoRecordIds()
    {
        const auto answer = BayeuxMessage::parseAnswer(
            delivery(R"({"entityName":"Lead","recordIds":[],"changeType":"GAP_OVERFLOW"})"));
        QVERIFY(answer.ok());
        const auto e = ChangeEvent::fromDelivery(answer->first());
        QVERIFY(e.ok());
        QCOMPARE(e->changeType, ChangeType::GapOverflow);
        QVERIFY(e->isGap());
    }

    void malformedAnswers_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << QByteArray("[{\"channel\":");
        QTest::newRow("html") << QByteArray("<html>Maximum Request Size Exceeded</html>");
        QTest::newRow("array of numbers") << QByteArray("[1]");
        QTest::newRow("channel number") << QByteArray(R"([{"channel":5}])");
        QTest::newRow("successful text")
            << QByteArray(R"([{"channel":"/meta/connect","successful":"yes"}])");
        QTest::newRow("advice text")
            << QByteArray(R"([{"channel":"/meta/connect","successful":true,"advice":"x"}])");
        QTest::newRow("data text")
            << QByteArray(R"([{"channel":"/data/LeadChangeEvent","data":"x"}])");
        QTest::newRow("id object") << QByteArray(R"([{"channel":"/meta/connect","id":{}}])");
        QTest::newRow("nothing") << QByteArray(R"([{}])");
    }
    void malformedAnswers()
    {
        QFETCH(QByteArray, body);
        const auto answer = BayeuxMessage::parseAnswer(body);
        QVERIFY(!answer.ok());
        QCOMPARE(answer.error().code, u"bayeux_malformed"_s);
    }

    void malformedEvents_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("why");
        QTest::newRow("no header") << QByteArray(
            R"([{"channel":"/data/LeadChangeEvent","data":{"event":{"replayId":1},"payload":{}}}])")
                                   << u"ChangeEventHeader"_s;
        QTest::newRow("no replayId")
            << QByteArray(R"([{"channel":"/data/LeadChangeEvent","data":{"payload":{}}}])")
            << u"replayId"_s;
        QTest::newRow("fractional replayId") << delivery(kHeader, "1.5") << u"replayId"_s;
        QTest::newRow("negative replayId") << delivery(kHeader, "-3") << u"replayId"_s;
        QTest::newRow("unknown type")
            << delivery(R"({"entityName":"Lead","recordIds":["00Q"],"changeType":"MERGE"})")
            << u"changeType"_s;
        QTest::newRow("ids not text")
            << delivery(R"({"entityName":"Lead","recordIds":[1],"changeType":"CREATE"})")
            << u"recordIds"_s;
        QTest::newRow("no ids") << delivery(
            R"({"entityName":"Lead","recordIds":[],"changeType":"CREATE"})")
                                << u"recordIds"_s;
        QTest::newRow("no entity")
            << delivery(R"({"recordIds":["00Q"],"changeType":"CREATE"})") << u"entityName"_s;
        QTest::newRow("changed not list") << delivery(
            R"({"entityName":"Lead","recordIds":["00Q"],"changeType":"UPDATE","changedFields":"x"})")
                                          << u"changedFields"_s;
    }
    void malformedEvents()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, why);
        const auto answer = BayeuxMessage::parseAnswer(body);
        QVERIFY(answer.ok());
        const auto e = ChangeEvent::fromDelivery(answer->first());
        QVERIFY(!e.ok());
        QCOMPARE(e.error().code, u"change_event_malformed"_s);
        QVERIFY2(e.error().message.contains(why), qPrintable(e.error().message));
    }
};

QTEST_GUILESS_MAIN(TestBayeuxParsing)
#include "TestBayeuxParsing.moc"
