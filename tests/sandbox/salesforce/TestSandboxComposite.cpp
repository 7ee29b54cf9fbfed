#include "SfWire.h"

#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

namespace {

QJsonObject sub(const QString &method, const QString &url, const QString &ref,
                const QJsonValue &body = QJsonValue::Undefined)
{
    QJsonObject o {{u"method"_s, method},
                   {u"url"_s, QString(u"/services/data/v62.0"_s + url)},
                   {u"referenceId"_s, ref}};
    if (!body.isUndefined())
        o.insert(u"body"_s, body);
    return o;
}

QJsonObject leadBody(const QString &key, bool valid = true)
{
    QJsonObject o {{u"LastName"_s, u"Composite"_s}, {u"Platform_Lead_Id__c"_s, key}};
    if (valid)
        o.insert(u"Company"_s, u"Acme"_s);
    return o;
}

const QByteArray kHalted
    = "[{\"errorCode\":\"PROCESSING_HALTED\",\"message\":\"The transaction was "
      "rolled back since another operation in the same transaction "
      "failed.\"}]";

} // namespace

// Composite: references, allOrNone with PROCESSING_HALTED, the 25/5 limits, one API call.
class TestSandboxComposite : public QObject
{
    Q_OBJECT

    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;

    WireReply composite(const QJsonArray &requests, bool allOrNone)
    {
        return m_wire->rest(
            "POST", u"/composite"_s,
            QJsonObject {{u"allOrNone"_s, allOrNone}, {u"compositeRequest"_s, requests}});
    }
    static QJsonArray responses(const WireReply &r)
    {
        return r.object().value(u"compositeResponse").toArray();
    }

private slots:
    void init()
    {
        m_sandbox = std::make_unique<SalesforceSandbox>();
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
    }
    void cleanup()
    {
        m_wire.reset();
        m_sandbox.reset();
    }

    void referencesFlowThrough()
    {
        const qint64 before = m_sandbox->apiUsed();
        const WireReply r = composite(
            {sub(u"POST"_s, u"/sobjects/People__c"_s, u"agent"_s,
                 QJsonObject {{u"Name"_s, u"Agent"_s}, {u"Platform_Agent_Id__c"_s, u"A-7"_s}}),
             sub(u"POST"_s, u"/sobjects/Lead"_s, u"lead"_s,
                 QJsonObject {{u"LastName"_s, u"X"_s},
                              {u"Company"_s, u"Y"_s},
                              {u"Assigned_Agent__c"_s, u"@{agent.id}"_s}}),
             sub(u"GET"_s,
                 u"/query/?q=SELECT+Id,Assigned_Agent__c+FROM+Lead+"
                 u"WHERE+Assigned_Agent__c='@{agent.id}'"_s,
                 u"q"_s),
             sub(u"PATCH"_s, u"/sobjects/Lead/@{q.records[0].Id}"_s, u"touch"_s,
                 QJsonObject {{u"Company"_s, u"@{agent.id}"_s}}),
             sub(u"GET"_s, u"/sobjects/Lead/@{lead.id}?fields=Company"_s, u"read"_s)},
            true);
        QCOMPARE(r.status, 200);
        const QJsonArray results = responses(r);
        QCOMPARE(results.size(), 5);
        QStringList statuses;
        for (const QJsonValue &v : results)
            statuses.append(QString::number(v.toObject().value(u"httpStatusCode").toInt()));
        QCOMPARE(statuses, (QStringList {u"201"_s, u"201"_s, u"200"_s, u"204"_s, u"200"_s}));
        const QJsonObject agent = results[0].toObject();
        const QString agentId = agent.value(u"body").toObject().value(u"id").toString();
        QCOMPARE(agent.value(u"referenceId").toString(), u"agent"_s);
        QCOMPARE(agent.value(u"httpHeaders").toObject().value(u"Location").toString(),
                 u"/services/data/v62.0/sobjects/People__c/"_s + agentId);
        QCOMPARE(results[2].toObject().value(u"body").toObject().value(u"totalSize").toInt(), 1);
        QVERIFY(results[3].toObject().value(u"body").isNull());
        QCOMPARE(results[3].toObject().value(u"httpHeaders").toObject(), QJsonObject());
        QCOMPARE(results[4].toObject().value(u"body").toObject().value(u"Company").toString(),
                 agentId);
        // Subresponse keys in Salesforce's order.
        QVERIFY(r.body.startsWith("{\"compositeResponse\":[{\"body\":{\"id\":"));
        QVERIFY(r.body.contains("\"httpStatusCode\":204,\"referenceId\":\"touch\"}"));
        // One API call for the whole request.
        QCOMPARE(m_sandbox->apiUsed() - before, 1);
        QCOMPARE(m_sandbox->apiCallsByKind().value(u"composite"_s), 1);
        QVERIFY(!m_sandbox->apiCallsByKind().contains(u"query"_s));
    }

    void allOrNoneHaltsEverything()
    {
        const int writes = int(m_sandbox->writeLog().size());
        const WireReply r
            = composite({sub(u"POST"_s, u"/sobjects/Lead"_s, u"a"_s, leadBody(u"K-1"_s)),
                         sub(u"POST"_s, u"/sobjects/Lead"_s, u"b"_s, leadBody(u"K-2"_s, false)),
                         sub(u"POST"_s, u"/sobjects/Lead"_s, u"c"_s, leadBody(u"K-3"_s))},
                        true);
        QCOMPARE(r.status, 200);
        const QJsonArray results = responses(r);
        QCOMPARE(results.size(), 3);
        for (int i : {0, 2}) {
            const QJsonObject o = results[i].toObject();
            QCOMPARE(o.value(u"httpStatusCode").toInt(), 400);
            QCOMPARE(QJsonDocument(o.value(u"body").toArray()).toJson(QJsonDocument::Compact),
                     QJsonDocument::fromJson(kHalted).toJson(QJsonDocument::Compact));
            QCOMPARE(o.value(u"httpHeaders").toObject(), QJsonObject());
        }
        const QJsonObject failing = results[1].toObject();
        QCOMPARE(failing.value(u"httpStatusCode").toInt(), 400);
        QCOMPARE(failing.value(u"body").toArray().first().toObject().value(u"errorCode").toString(),
                 u"REQUIRED_FIELD_MISSING"_s);
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 0); // the first create was rolled back
        QCOMPARE(int(m_sandbox->writeLog().size()), writes);
    }

    void withoutAllOrNoneOnlyDependantsHalt()
    {
        const WireReply r
            = composite({sub(u"POST"_s, u"/sobjects/Lead"_s, u"a"_s, leadBody(u"K-1"_s)),
                         sub(u"POST"_s, u"/sobjects/Lead"_s, u"b"_s, leadBody(u"K-2"_s, false)),
                         sub(u"PATCH"_s, u"/sobjects/Lead/@{b.id}"_s, u"c"_s,
                             QJsonObject {{u"Company"_s, u"Z"_s}}),
                         sub(u"POST"_s, u"/sobjects/Lead"_s, u"d"_s, leadBody(u"K-4"_s))},
                        false);
        const QJsonArray results = responses(r);
        QCOMPARE(results[0].toObject().value(u"httpStatusCode").toInt(), 201);
        QCOMPARE(results[1].toObject().value(u"httpStatusCode").toInt(), 400);
        const QJsonObject halted
            = results[2].toObject().value(u"body").toArray().first().toObject();
        QCOMPARE(halted.value(u"errorCode").toString(), u"PROCESSING_HALTED"_s);
        QCOMPARE(halted.value(u"message").toString(),
                 u"Invalid reference specified. No value for b.id found in b. Provided "
                 u"referenceId ('b') is not valid for this composite request."_s);
        QCOMPARE(results[3].toObject().value(u"httpStatusCode").toInt(), 201);
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 2);
    }

    void collectionsInside()
    {
        const QJsonObject records {
            {u"allOrNone"_s, false},
            {u"records"_s,
             QJsonArray {QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                      {u"LastName"_s, u"C"_s},
                                      {u"Company"_s, u"D"_s}}}}};
        const WireReply r = composite({sub(u"POST"_s, u"/composite/sobjects"_s, u"many"_s, records),
                                       sub(u"POST"_s, u"/composite"_s, u"nested"_s,
                                           QJsonObject {{u"compositeRequest"_s, QJsonArray()}})},
                                      false);
        const QJsonArray results = responses(r);
        QCOMPARE(results[0].toObject().value(u"httpStatusCode").toInt(), 200);
        QCOMPARE(results[0]
                     .toObject()
                     .value(u"body")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"success")
                     .toBool(),
                 true);
        QCOMPARE(results[1].toObject().value(u"httpStatusCode").toInt(), 400);
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 1);
    }

    void limits_data()
    {
        QTest::addColumn<int>("writes");
        QTest::addColumn<int>("queries");
        QTest::addColumn<int>("status");
        QTest::newRow("25 subrequests") << 25 << 0 << 200;
        QTest::newRow("26 subrequests") << 26 << 0 << 400;
        QTest::newRow("5 queries") << 0 << 5 << 200;
        QTest::newRow("6 queries") << 0 << 6 << 400;
        QTest::newRow("empty") << 0 << 0 << 400;
    }
    void limits()
    {
        QFETCH(int, writes);
        QFETCH(int, queries);
        QFETCH(int, status);
        QJsonArray requests;
        for (int i = 0; i < writes; ++i)
            requests.append(
                sub(u"POST"_s, u"/sobjects/Lead"_s, u"w%1"_s.arg(i), leadBody(u"W-%1"_s.arg(i))));
        for (int i = 0; i < queries; ++i)
            requests.append(sub(u"GET"_s, u"/query?q=SELECT+Id+FROM+Lead"_s, u"q%1"_s.arg(i)));
        const WireReply r = composite(requests, false);
        QCOMPARE(r.status, status);
        if (status == 400) {
            QCOMPARE(r.errorCode(), u"LIMIT_EXCEEDED"_s);
            QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 0);
        } else {
            QCOMPARE(responses(r).size(), writes + queries);
            QCOMPARE(m_sandbox->recordCount(u"Lead"_s), writes);
        }
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("errorCode");
        QTest::newRow("no array") << QByteArray("{}") << QByteArray("JSON_PARSER_ERROR");
        QTest::newRow("bad reference id")
            << QByteArray("{\"compositeRequest\":[{\"method\":\"GET\",\"url\":\"/services/data/"
                          "v62.0/limits\",\"referenceId\":\"a-b\"}]}")
            << QByteArray("INVALID_INPUT");
        QTest::newRow("duplicate reference id")
            << QByteArray("{\"compositeRequest\":[{\"method\":\"GET\",\"url\":\"/services/data/"
                          "v62.0/limits\",\"referenceId\":\"a\"},{\"method\":\"GET\",\"url\":\"/"
                          "services/data/v62.0/limits\",\"referenceId\":\"a\"}]}")
            << QByteArray("INVALID_INPUT");
        QTest::newRow("url outside the API")
            << QByteArray("{\"compositeRequest\":[{\"method\":\"GET\",\"url\":\"/__sandbox/"
                          "stats\",\"referenceId\":\"a\"}]}")
            << QByteArray("INVALID_INPUT");
    }
    void badRequests()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, errorCode);
        const WireReply r = m_wire->rest("POST", u"/composite"_s, body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode().toLatin1(), errorCode);
    }
};

QTEST_GUILESS_MAIN(TestSandboxComposite)
#include "TestSandboxComposite.moc"
