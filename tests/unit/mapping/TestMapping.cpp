#include "mapping/ContentHash.h"
#include "mapping/FieldMapping.h"
#include "mapping/PhoneFormatter.h"
#include "mapping/RecordMapper.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lb;

namespace {
QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}
} // namespace

class TestMapping : public QObject
{
    Q_OBJECT

private:
    FieldMapping m_mapping;

private slots:
    void initTestCase()
    {
        auto m = FieldMapping::defaultMapping();
        QVERIFY2(m.ok(), m ? "" : qPrintable(m.error().message));
        m_mapping = *m;
    }

    void defaultMappingMatchesTheOrgSchema()
    {
        QCOMPARE(m_mapping.lead.salesforceObject, QStringLiteral("Lead"));
        QCOMPARE(m_mapping.lead.salesforceKey, QStringLiteral("Platform_Lead_Id__c"));
        QCOMPARE(m_mapping.lead.fields.size(), 11);
        QCOMPARE(m_mapping.agent.salesforceObject, QStringLiteral("People__c"));
        QCOMPARE(m_mapping.lead.byPlatform(QStringLiteral("status"))->authority,
                 Authority::Salesforce);
        QCOMPARE(m_mapping.lead.byPlatform(QStringLiteral("agent_id"))->authority,
                 Authority::Platform);
        QVERIFY(m_mapping.lead.salesforceFields().contains(
            QStringLiteral("Assigned_Agent__r.Platform_Agent_Id__c")));
        // Round trip through JSON keeps everything.
        auto again = FieldMapping::fromJson(QJsonDocument(m_mapping.toJson()).toJson(),
                                            QStringLiteral("rt"));
        QVERIFY(again.ok());
        QCOMPARE(QJsonDocument(again->toJson()).toJson(),
                 QJsonDocument(m_mapping.toJson()).toJson());
    }

    void newLeadMapsEveryField()
    {
        RecordMapper mapper(m_mapping.lead);
        auto sf = mapper.toSalesforce(json(R"({"id":"L-000123","first_name":"  Ada ",
            "last_name":"Nguyen","company":"","email":" Ada@Example.COM ","phone":"(415) 555-2671",
            "status":"working","source":"partner","score":140,"value":1250.5,"agent_id":"A-0042",
            "eligible":true,"version":3})"),
                                      false);
        QVERIFY2(sf.ok(), sf ? "" : qPrintable(sf.error().message));
        QCOMPARE(sf->value(QStringLiteral("FirstName")).toString(), QStringLiteral("Ada"));
        QCOMPARE(sf->value(QStringLiteral("Company")).toString(), QStringLiteral("Unknown"));
        QCOMPARE(sf->value(QStringLiteral("Email")).toString(), QStringLiteral("ada@example.com"));
        QCOMPARE(sf->value(QStringLiteral("Phone")).toString(), QStringLiteral("+14155552671"));
        QCOMPARE(sf->value(QStringLiteral("Status")).toString(),
                 QStringLiteral("Working - Contacted"));
        QCOMPARE(sf->value(QStringLiteral("LeadSource")).toString(),
                 QStringLiteral("Partner Referral"));
        QCOMPARE(sf->value(QStringLiteral("Lead_Score__c")).toDouble(), 100.0);
        QCOMPARE(sf->value(QStringLiteral("Estimated_Value__c")).toDouble(), 1250.5);
        QCOMPARE(sf->value(QStringLiteral("Eligible_For_Distribution__c")).toBool(), true);
        QCOMPARE(sf->value(QStringLiteral("Assigned_Agent__r"))
                     .toObject()
                     .value(QStringLiteral("Platform_Agent_Id__c"))
                     .toString(),
                 QStringLiteral("A-0042"));
        QVERIFY(!sf->contains(QStringLiteral("Platform_Lead_Id__c"))); // goes in the upsert key
        QVERIFY(!sf->contains(QStringLiteral("version")));
    }

    void salesforceOwnedFieldsAreNotOverwrittenOnceTheLeadExists()
    {
        RecordMapper mapper(m_mapping.lead);
        auto sf = mapper.toSalesforce(json(R"({"id":"L-1","last_name":"N","company":"C",
            "status":"won","eligible":false,"agent_id":null})"),
                                      true);
        QVERIFY(sf.ok());
        QVERIFY(!sf->contains(QStringLiteral("Status")));
        QVERIFY(!sf->contains(QStringLiteral("Eligible_For_Distribution__c")));
        // A null agent clears the lookup.
        QVERIFY(sf->contains(QStringLiteral("Assigned_Agent__c")));
        QVERIFY(sf->value(QStringLiteral("Assigned_Agent__c")).isNull());
        // Fields the platform did not send are left alone on update.
        QVERIFY(!sf->contains(QStringLiteral("Email")));
    }

    void invalidRecordsGetSalesforceErrors_data()
    {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing last name")
            << QByteArray(R"({"id":"L-1","company":"C"})")
            << QStringLiteral("REQUIRED_FIELD_MISSING")
            << QStringLiteral("Required fields are missing: [LastName]");
        QTest::newRow("blank last name")
            << QByteArray(R"({"id":"L-1","last_name":"   "})")
            << QStringLiteral("REQUIRED_FIELD_MISSING") << QStringLiteral("[LastName]");
        QTest::newRow("bad email")
            << QByteArray(R"({"id":"L-1","last_name":"N","email":"not-an-email"})")
            << QStringLiteral("INVALID_EMAIL_ADDRESS")
            << QStringLiteral("Email: invalid email address: not-an-email");
        QTest::newRow("email with space")
            << QByteArray(R"({"id":"L-1","last_name":"N","email":"a b@c.com"})")
            << QStringLiteral("INVALID_EMAIL_ADDRESS") << QStringLiteral("a b@c.com");
        QTest::newRow("score not a number")
            << QByteArray(R"({"id":"L-1","last_name":"N","score":"high"})")
            << QStringLiteral("INVALID_TYPE_ON_FIELD_IN_RECORD")
            << QStringLiteral("Lead Score: value not of required type: high");
        QTest::newRow("name too long")
            << (QByteArray(R"({"id":"L-1","last_name":")") + QByteArray(81, 'x')
                + QByteArray(R"("})"))
            << QStringLiteral("STRING_TOO_LONG") << QStringLiteral("(max length=80)");
        QTest::newRow("missing key")
            << QByteArray(R"({"last_name":"N"})") << QStringLiteral("REQUIRED_FIELD_MISSING")
            << QStringLiteral("[Platform_Lead_Id__c]");
        QTest::newRow("hostile key")
            << (QByteArray(R"({"id":")") + QByteArray(100, '\'')
                + QByteArray(R"(","last_name":"N"})"))
            << QStringLiteral("STRING_TOO_LONG") << QStringLiteral("Platform_Lead_Id__c");
    }

    void invalidRecordsGetSalesforceErrors()
    {
        QFETCH(QByteArray, record);
        QFETCH(QString, code);
        QFETCH(QString, message);
        RecordMapper mapper(m_mapping.lead);
        auto sf = mapper.toSalesforce(QJsonDocument::fromJson(record).object(), false);
        QVERIFY(!sf.ok());
        QCOMPARE(sf.error().code, code);
        QVERIFY2(sf.error().message.contains(message), qPrintable(sf.error().message));
    }

    void salesforceRecordMapsBackToThePlatform()
    {
        RecordMapper mapper(m_mapping.lead);
        auto p = mapper.toPlatform(json(R"({"attributes":{"type":"Lead"},"Id":"00Q5g00000AbCdEEAV",
            "Platform_Lead_Id__c":"L-7","FirstName":"Ada","LastName":"Nguyen","Company":"Acme",
            "Email":"ada@example.com","Phone":"+14155552671","Status":"Closed - Converted",
            "LeadSource":"Phone Inquiry","Lead_Score__c":42,"Estimated_Value__c":10,
            "Eligible_For_Distribution__c":true,
            "Assigned_Agent__r":{"attributes":{"type":"People__c"},"Platform_Agent_Id__c":"A-9"}})"),
                                   true);
        QVERIFY(p.ok());
        QCOMPARE(p->value(QStringLiteral("id")).toString(), QStringLiteral("L-7"));
        QCOMPARE(p->value(QStringLiteral("status")).toString(), QStringLiteral("won"));
        QCOMPARE(p->value(QStringLiteral("source")).toString(), QStringLiteral("phone"));
        QCOMPARE(p->value(QStringLiteral("eligible")).toBool(), true);
        QVERIFY(!p->contains(QStringLiteral("agent_id"))); // the platform owns assignment
        auto created = mapper.toPlatform(
            json(R"({"Platform_Lead_Id__c":"L-8","Assigned_Agent__r":null})"), false);
        QVERIFY(created.ok());
        QVERIFY(created->value(QStringLiteral("agent_id")).isNull());
    }

    void rosterMapsWithStatesSplit()
    {
        RecordMapper mapper(m_mapping.agent);
        auto p = mapper.toPlatform(json(R"({"Id":"a015g00000AbCdEAAV","Platform_Agent_Id__c":"A-1",
            "Name":" Grace Hopper ","Email__c":"Grace@Navy.mil","Active__c":true,"Eligible__c":false,
            "States__c":"TX;CA; NY","Capacity__c":12})"),
                                   true);
        QVERIFY(p.ok());
        QCOMPARE(p->value(QStringLiteral("name")).toString(), QStringLiteral("Grace Hopper"));
        QCOMPARE(p->value(QStringLiteral("email")).toString(), QStringLiteral("grace@navy.mil"));
        QCOMPARE(p->value(QStringLiteral("states")).toArray(),
                 (QJsonArray {QStringLiteral("TX"), QStringLiteral("CA"), QStringLiteral("NY")}));
        QCOMPARE(p->value(QStringLiteral("salesforce_id")).toString(),
                 QStringLiteral("a015g00000AbCdEAAV"));
        QCOMPARE(p->value(QStringLiteral("capacity")).toDouble(), 12.0);
    }

    void phoneNumbers_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("region");
        QTest::addColumn<QString>("e164");
        QTest::newRow("us formatted") << QStringLiteral("(415) 555-2671") << QStringLiteral("US")
                                      << QStringLiteral("+14155552671");
        QTest::newRow("us dotted") << QStringLiteral("415.555.2671") << QStringLiteral("US")
                                   << QStringLiteral("+14155552671");
        QTest::newRow("international") << QStringLiteral("+44 20 7946 0958") << QStringLiteral("US")
                                       << QStringLiteral("+442079460958");
        QTest::newRow("invalid") << QStringLiteral("12") << QStringLiteral("US") << QString();
        QTest::newRow("garbage") << QStringLiteral("call me maybe") << QStringLiteral("US")
                                 << QString();
    }

    void phoneNumbers()
    {
        QFETCH(QString, input);
        QFETCH(QString, region);
        QFETCH(QString, e164);
        const auto r = PhoneFormatter::toE164(input, region);
        QCOMPARE(r.value_or(QString()), e164);
    }

    void badMappingsAreRejected_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown transform") << QByteArray(
            R"({"version":1,"lead":{"salesforce_object":"Lead","key":{"platform":"id","salesforce":"K"},"fields":[{"platform":"a","salesforce":"A","transforms":["upper"]}]},"agent":{"salesforce_object":"P","key":{"platform":"id","salesforce":"K"},"fields":[]}})")
                                           << QStringLiteral("$.lead.fields[0].transforms[0]");
        QTest::newRow("bad authority") << QByteArray(
            R"({"version":1,"lead":{"salesforce_object":"Lead","key":{"platform":"id","salesforce":"K"},"fields":[{"platform":"a","salesforce":"A","authority":"me"}]},"agent":{"salesforce_object":"P","key":{"platform":"id","salesforce":"K"},"fields":[]}})")
                                       << QStringLiteral("$.lead.fields[0].authority");
        QTest::newRow("duplicate field") << QByteArray(
            R"({"version":1,"lead":{"salesforce_object":"Lead","key":{"platform":"id","salesforce":"K"},"fields":[{"platform":"a","salesforce":"A"},{"platform":"a","salesforce":"B"}]},"agent":{"salesforce_object":"P","key":{"platform":"id","salesforce":"K"},"fields":[]}})")
                                         << QStringLiteral("already mapped");
        QTest::newRow("irreversible map") << QByteArray(
            R"({"version":1,"lead":{"salesforce_object":"Lead","key":{"platform":"id","salesforce":"K"},"fields":[{"platform":"a","salesforce":"A","transforms":[{"map":{"x":"1","y":"1"}}]}]},"agent":{"salesforce_object":"P","key":{"platform":"id","salesforce":"K"},"fields":[]}})")
                                          << QStringLiteral("not reversible");
        QTest::newRow("wrong version")
            << QByteArray(R"({"version":2})") << QStringLiteral("$.version");
        QTest::newRow("garbage") << QByteArray("\x00\xff") << QStringLiteral("not a JSON object");
    }

    void badMappingsAreRejected()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        auto m = FieldMapping::fromJson(json, QStringLiteral("m.json"));
        QVERIFY(!m.ok());
        QVERIFY2(m.error().message.contains(expected), qPrintable(m.error().message));
    }

    void contentHashIgnoresKeyOrderAndNumberForm()
    {
        const QByteArray a
            = ContentHash::of(json(R"({"a":1,"b":"x","attributes":{"type":"Lead"}})"));
        const QByteArray b = ContentHash::of(json(R"({"b":"x","a":1.0})"));
        QCOMPARE(a, b);
        QVERIFY(a != ContentHash::of(json(R"({"a":2,"b":"x"})")));
        QCOMPARE(a.size(), 32);
    }
};

QTEST_GUILESS_MAIN(TestMapping)
#include "TestMapping.moc"
