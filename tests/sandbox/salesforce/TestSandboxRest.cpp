#include "SfWire.h"
#include "salesforce/SalesforceId.h"
#include "salesforce/SandboxOrg.h"
#include "util/Clock.h"

#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// sObject REST over the wire: versions, CRUD, upsert, describe, events, limits, and every
// error shape with its exact body.
class TestSandboxRest : public QObject
{
    Q_OBJECT

    std::unique_ptr<ManualClock> m_clockOwner;
    ManualClock *m_clockPtr = nullptr;
    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;
    QString m_agentId;
    QString m_leadId;

    QJsonObject lead(const QString &key)
    {
        return {{u"LastName"_s, u"Nguyen"_s},
                {u"Company"_s, u"Acme"_s},
                {u"Platform_Lead_Id__c"_s, key}};
    }

private slots:
    void init()
    {
        // A fresh clock per test: every test starts at 2026-01-01T00:00:00Z.
        m_clockOwner = std::make_unique<ManualClock>();
        m_clockPtr = m_clockOwner.get();
        m_sandbox = std::make_unique<SalesforceSandbox>(SandboxConfig(), *m_clockOwner);
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
        m_agentId = *m_sandbox->createRecord(
            u"People__c"_s, {{u"Name"_s, u"Agent"_s}, {u"Platform_Agent_Id__c"_s, u"A-0042"_s}});
        m_leadId = *m_sandbox->createRecord(u"Lead"_s, lead(u"P-EXISTING"_s));
        m_clockPtr->advanceMs(1000);
    }
    void cleanup()
    {
        m_wire.reset();
        m_sandbox.reset();
        m_clockOwner.reset();
    }

    void versions()
    {
        const WireReply r = m_wire->send("GET", m_sandbox->instanceUrl() + u"/services/data/"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(!r.hasHeader("Sforce-Limit-Info"));
        const QJsonArray versions = r.array();
        QCOMPARE(versions.size(), 62 - 31 + 1);
        QCOMPARE(versions.first().toObject().value(u"version").toString(), u"31.0"_s);
        QCOMPARE(versions.first().toObject().value(u"label").toString(), u"Summer '14"_s);
        const QByteArray last
            = QJsonDocument(versions.last().toObject()).toJson(QJsonDocument::Compact);
        QCOMPARE(last,
                 QByteArray("{\"label\":\"Winter "
                            "'25\",\"url\":\"/services/data/v62.0\",\"version\":\"62.0\"}"));
        QCOMPARE(m_sandbox->apiUsed(), 0);

        const WireReply resources = m_wire->rest("GET", u"/"_s);
        QCOMPARE(resources.status, 200);
        QCOMPARE(resources.object().value(u"sobjects").toString(),
                 u"/services/data/v62.0/sobjects"_s);
    }

    void versionErrors_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorCode");
        QTest::newRow("retired") << u"v30.0"_s << 410 << u"UNSUPPORTED_API_VERSION"_s;
        QTest::newRow("oldest supported") << u"v31.0"_s << 200 << QString();
        QTest::newRow("newer than served") << u"v63.0"_s << 404 << u"NOT_FOUND"_s;
        QTest::newRow("latest alias") << u"latest"_s << 200 << QString();
        QTest::newRow("malformed") << u"62.0"_s << 404 << u"NOT_FOUND"_s;
    }
    void versionErrors()
    {
        QFETCH(QString, version);
        QFETCH(int, status);
        QFETCH(QString, errorCode);
        const WireReply r = m_wire->send(
            "GET", m_sandbox->instanceUrl() + u"/services/data/"_s + version + u"/limits"_s, {},
            {{"Authorization", "Bearer " + m_wire->token.toLatin1()}});
        QCOMPARE(r.status, status);
        QVERIFY(r.hasHeader("Sforce-Limit-Info"));
        if (!errorCode.isEmpty())
            QCOMPARE(r.errorCode(), errorCode);
    }

    void createReadUpdateDelete()
    {
        const qint64 before = m_sandbox->apiUsed();
        WireReply r = m_wire->rest("POST", u"/sobjects/Lead/"_s,
                                   QJsonObject {{u"FirstName"_s, u"Ada"_s},
                                                {u"LastName"_s, u"Lovelace"_s},
                                                {u"Company"_s, u"Analytical"_s},
                                                {u"Email"_s, u"ada@example.com"_s},
                                                {u"Lead_Score__c"_s, 42.4}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json;charset=UTF-8"));
        QCOMPARE(r.header("Sforce-Limit-Info"),
                 "api-usage=" + QByteArray::number(before + 1) + "/100000");
        const QString id = r.object().value(u"id").toString();
        QCOMPARE(r.body,
                 QByteArray("{\"id\":\"") + id.toLatin1() + "\",\"success\":true,\"errors\":[]}");
        QCOMPARE(lb::salesforce::SalesforceId::normalize(id), id);
        QVERIFY(id.startsWith(u"00Q"_s));
        QCOMPARE(r.header("Location"), "/services/data/v62.0/sobjects/Lead/" + id.toLatin1());

        r = m_wire->rest("GET", u"/sobjects/Lead/"_s + id);
        QCOMPARE(r.status, 200);
        QJsonObject o = r.object();
        QVERIFY(r.body.startsWith(
            "{\"attributes\":{\"type\":\"Lead\",\"url\":\"/services/data/v62.0/sobjects/Lead/"));
        QCOMPARE(o.value(u"Name").toString(), u"Ada Lovelace"_s);
        QCOMPARE(o.value(u"Status").toString(), u"Open - Not Contacted"_s);
        QCOMPARE(o.value(u"Lead_Score__c").toDouble(), 42.0); // Number(3,0) rounds
        QVERIFY(r.body.contains("\"Lead_Score__c\":42.0"));
        QVERIFY(o.value(u"Phone").isNull());
        QCOMPARE(o.value(u"IsDeleted").toBool(true), false);
        QCOMPARE(o.value(u"OwnerId").toString(), m_sandbox->org().users().first().userId);
        const QString created = o.value(u"CreatedDate").toString();
        QCOMPARE(created, u"2026-01-01T00:00:01.000+0000"_s);
        QCOMPARE(o.value(u"SystemModstamp").toString(), created);
        QCOMPARE(r.header("Last-Modified"), QByteArray("Thu, 01 Jan 2026 00:00:01 GMT"));

        m_clockPtr->advanceMs(5000);
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + id,
                         QByteArray("{\"Company\":\"Engines\"}"),
                         {{"Sforce-Call-Options", "client=LeadBridge, defaultNamespace=x"}});
        QCOMPARE(r.status, 204);
        QVERIFY(r.body.isEmpty());
        QVERIFY(!r.hasHeader("Content-Type"));
        QVERIFY(r.hasHeader("Sforce-Limit-Info"));
        r = m_wire->rest("GET",
                         u"/sobjects/Lead/"_s + id
                             + u"?fields=Company,SystemModstamp,LastModifiedDate"_s);
        o = r.object();
        QCOMPARE(o.keys(),
                 (QStringList {u"Company"_s, u"Id"_s, u"LastModifiedDate"_s, u"SystemModstamp"_s,
                               u"attributes"_s}));
        QCOMPARE(o.value(u"Company").toString(), u"Engines"_s);
        QCOMPARE(o.value(u"SystemModstamp").toString(), u"2026-01-01T00:00:06.000+0000"_s);
        QCOMPARE(o.value(u"LastModifiedDate").toString(), u"2026-01-01T00:00:06.000+0000"_s);
        const WriteLogEntry &update = m_sandbox->writeLog().entries().last();
        QCOMPARE(update.operation, u"update"_s);
        QCOMPARE(update.client, u"LeadBridge"_s);
        QCOMPARE(update.changedFields, QStringList {u"Company"_s});

        // Writing the same value again is an "echo": logged, but nothing changed.
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + id,
                         QJsonObject {{u"Company"_s, u"Engines"_s}});
        QCOMPARE(r.status, 204);
        QVERIFY(!m_sandbox->writeLog().entries().last().changed);
        QCOMPARE(m_sandbox->writeLog().echoCount(), 1);

        r = m_wire->rest("DELETE", u"/sobjects/Lead/"_s + id);
        QCOMPARE(r.status, 204);
        r = m_wire->rest("DELETE", u"/sobjects/Lead/"_s + id);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.body,
                 QByteArray("[{\"message\":\"entity is "
                            "deleted\",\"errorCode\":\"ENTITY_IS_DELETED\",\"fields\":[]}]"));
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + id, QJsonObject {{u"Company"_s, u"x"_s}});
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), u"ENTITY_IS_DELETED"_s);
        QCOMPARE(m_wire->rest("GET", u"/sobjects/Lead/"_s + id).status, 404);
        const auto byKind = m_sandbox->apiCallsByKind();
        QCOMPARE(byKind.value(u"create"_s), 1);
        QCOMPARE(byKind.value(u"update"_s), 3);
        QCOMPARE(byKind.value(u"delete"_s), 2);
        QCOMPARE(byKind.value(u"read"_s), 3);
    }

    void createErrors_data()
    {
        QTest::addColumn<QString>("object");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("required field")
            << u"Lead"_s << QByteArray("{\"LastName\":\"X\"}") << 400
            << QByteArray("[{\"message\":\"Required fields are missing: "
                          "[Company]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":["
                          "\"Company\"]}]");
        QTest::newRow("two required fields")
            << u"Lead"_s << QByteArray("{\"Email\":\"a@b.co\"}") << 400
            << QByteArray("[{\"message\":\"Required fields are missing: [LastName, "
                          "Company]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":["
                          "\"LastName\",\"Company\"]}]");
        QTest::newRow("unknown field")
            << u"Lead"_s << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Foo__c\":1}") << 400
            << QByteArray("[{\"message\":\"No such column 'Foo__c' on sobject of type "
                          "Lead\",\"errorCode\":\"INVALID_FIELD\"}]");
        QTest::newRow("restricted picklist")
            << u"Lead"_s
            << QByteArray(
                   "{\"LastName\":\"X\",\"Company\":\"Y\",\"LeadSource\":\"Carrier Pigeon\"}")
            << 400
            << QByteArray(
                   "[{\"message\":\"Lead Source: bad value for restricted picklist field: Carrier "
                   "Pigeon\",\"errorCode\":\"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST\",\"fields\":["
                   "\"LeadSource\"]}]");
        QTest::newRow("multi-select picklist")
            << u"People__c"_s << QByteArray("{\"Name\":\"X\",\"States__c\":\"CA;ZZ\"}") << 400
            << QByteArray("[{\"message\":\"States: bad value for restricted picklist field: "
                          "ZZ\",\"errorCode\":\"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST\","
                          "\"fields\":[\"States__c\"]}]");
        QTest::newRow("email format")
            << u"Lead"_s << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Email\":\"nope@\"}")
            << 400
            << QByteArray(
                   "[{\"message\":\"Email: invalid email address: "
                   "nope@\",\"errorCode\":\"INVALID_EMAIL_ADDRESS\",\"fields\":[\"Email\"]}]");
        QTest::newRow("string too long")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"FirstName\":"
                          "\"12345678901234567890123456789012345678901\"}")
            << 400
            << QByteArray("[{\"message\":\"First Name: data value too large: "
                          "12345678901234567890123456789012345678901 (max length=40)\","
                          "\"errorCode\":\"STRING_TOO_LONG\",\"fields\":[\"FirstName\"]}]");
        QTest::newRow("validation rule")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Lead_Score__c\":150}") << 400
            << QByteArray("[{\"message\":\"Lead Score must be between 0 and "
                          "100.\",\"errorCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"fields\":["
                          "\"Lead_Score__c\"]}]");
        QTest::newRow("numeric range")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Lead_Score__c\":1000}") << 400
            << QByteArray(
                   "[{\"message\":\"Lead Score: value outside of valid range on numeric field: "
                   "1000\",\"errorCode\":\"NUMBER_OUTSIDE_VALID_RANGE\",\"fields\":[\"Lead_Score__"
                   "c\"]}]");
        QTest::newRow("read-only field")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"CreatedDate\":\"2020-01-01T00:"
                          "00:00Z\"}")
            << 400
            << QByteArray("[{\"message\":\"Unable to create/update fields: CreatedDate. Please "
                          "check the security settings of this field and verify that it is "
                          "read/write for your profile or permission "
                          "set.\",\"errorCode\":\"INVALID_FIELD_FOR_INSERT_UPDATE\",\"fields\":["
                          "\"CreatedDate\"]}]");
        QTest::newRow("wrong type")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Lead_Score__c\":\"many\"}")
            << 400
            << QByteArray("[{\"message\":\"Cannot deserialize instance of double from VALUE_STRING "
                          "value many or request may be missing a required "
                          "field\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
        QTest::newRow("numeric string accepted")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Lead_Score__c\":\"12\"}") << 201
            << QByteArray();
        QTest::newRow("malformed JSON")
            << u"Lead"_s << QByteArray("{\"LastName\":") << 400 << QByteArray();
        QTest::newRow("empty body")
            << u"Lead"_s << QByteArray() << 400
            << QByteArray("[{\"message\":\"No content to map due to end-of-input at [line:1, "
                          "column:0]\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
        QTest::newRow("array body")
            << u"Lead"_s << QByteArray("[]") << 400
            << QByteArray("[{\"message\":\"Cannot deserialize instance of Lead from START_ARRAY "
                          "value\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
        QTest::newRow("duplicate external id")
            << u"Lead"_s
            << QByteArray(
                   "{\"LastName\":\"X\",\"Company\":\"Y\",\"Platform_Lead_Id__c\":\"p-existing\"}")
            << 400 << QByteArray("DUPLICATE_VALUE");
        QTest::newRow("malformed lookup id")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Assigned_Agent__c\":\"xyz\"}")
            << 400
            << QByteArray(
                   "[{\"message\":\"People ID: id value of incorrect type: "
                   "xyz\",\"errorCode\":\"MALFORMED_ID\",\"fields\":[\"Assigned_Agent__c\"]}]");
        QTest::newRow("lookup to the wrong object")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Assigned_Agent__c\":"
                          "\"00Q8c000HbXm5a4EIB\"}")
            << 400
            << QByteArray("[{\"message\":\"People ID: id value of incorrect type: "
                          "00Q8c000HbXm5a4EIB\",\"errorCode\":\"MALFORMED_ID\",\"fields\":["
                          "\"Assigned_Agent__c\"]}]");
        QTest::newRow("lookup to nothing")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Assigned_Agent__c\":\"")
                + lb::salesforce::SalesforceId::to18(u"a018c000zzzzzzz"_s).toLatin1() + "\"}"
            << 400
            << QByteArray("[{\"message\":\"invalid cross reference "
                          "id\",\"errorCode\":\"INVALID_CROSS_REFERENCE_KEY\",\"fields\":["
                          "\"Assigned_Agent__c\"]}]");
        QTest::newRow("lookup by unknown external id")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Assigned_Agent__r\":{\"Platform_"
                          "Agent_Id__c\":\"A-9\"}}")
            << 400
            << QByteArray("[{\"message\":\"Foreign key external ID: A-9 not found for field "
                          "Platform_Agent_Id__c in entity "
                          "People__c\",\"errorCode\":\"INVALID_FIELD\",\"fields\":[]}]");
        QTest::newRow("lookup by a field that is no external id")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Assigned_Agent__r\":{\"Name\":"
                          "\"Agent\"}}")
            << 400
            << QByteArray("[{\"message\":\"The Name field on People__c is not an external ID or "
                          "indexed field\",\"errorCode\":\"INVALID_FIELD\"}]");
        QTest::newRow("lookup twice")
            << u"Lead"_s
            << QByteArray("{\"LastName\":\"X\",\"Company\":\"Y\",\"Assigned_Agent__c\":null,"
                          "\"Assigned_Agent__r\":{\"Platform_Agent_Id__c\":\"A-0042\"}}")
            << 400
            << QByteArray(
                   "[{\"message\":\"Cannot specify both an external ID reference Assigned_Agent__r "
                   "and a salesforce id, Assigned_Agent__c\",\"errorCode\":\"INVALID_FIELD\"}]");
        QTest::newRow("Id in the body")
            << u"Lead"_s
            << QByteArray("{\"Id\":\"00Q8c000HbXm5a4EIB\",\"LastName\":\"X\",\"Company\":\"Y\"}")
            << 400 << QByteArray("INVALID_FIELD_FOR_INSERT_UPDATE");
        QTest::newRow("unknown object") << u"Leed"_s << QByteArray("{\"LastName\":\"X\"}") << 404
                                        << QByteArray("[{\"message\":\"The requested resource does "
                                                      "not exist\",\"errorCode\":\"NOT_FOUND\"}]");
    }
    void createErrors()
    {
        QFETCH(QString, object);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QByteArray, expected);
        const int leads = m_sandbox->recordCount(u"Lead"_s);
        const WireReply r = m_wire->rest("POST", u"/sobjects/"_s + object, body);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json;charset=UTF-8"));
        QVERIFY(r.hasHeader("Sforce-Limit-Info"));
        if (status == 201)
            return;
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), leads); // nothing accepted
        if (expected.startsWith('['))
            QCOMPARE(r.body, expected);
        else if (!expected.isEmpty())
            QCOMPARE(r.errorCode().toLatin1(), expected);
        else
            QCOMPARE(r.errorCode(), u"JSON_PARSER_ERROR"_s);
    }

    void recordAddressing_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("segment"); // "{id}", "{id15}", "{idlower}" or literal
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("18-char id") << QByteArray("GET") << u"{id}"_s << 200 << QByteArray();
        QTest::newRow("15-char id") << QByteArray("GET") << u"{id15}"_s << 200 << QByteArray();
        QTest::newRow("case lost") << QByteArray("GET") << u"{idlower}"_s << 200 << QByteArray();
        QTest::newRow("bad checksum, GET")
            << QByteArray("GET") << u"{badsum}"_s << 400 << QByteArray("MALFORMED_ID");
        QTest::newRow("bad checksum, PATCH")
            << QByteArray("PATCH") << u"{badsum}"_s << 400 << QByteArray("MALFORMED_ID");
        QTest::newRow("other object's id")
            << QByteArray("GET") << u"{agent}"_s << 404
            << QByteArray("[{\"message\":\"The requested resource does not "
                          "exist\",\"errorCode\":\"NOT_FOUND\"}]");
        QTest::newRow("no such record")
            << QByteArray("DELETE") << lb::salesforce::SalesforceId::to18(u"00Q8c0000000000"_s)
            << 404
            << QByteArray("[{\"message\":\"The requested resource does not "
                          "exist\",\"errorCode\":\"NOT_FOUND\"}]");
        QTest::newRow("not an id at all")
            << QByteArray("GET") << u"23foo"_s << 404
            << QByteArray("[{\"message\":\"Provided external ID field does not exist or is not "
                          "accessible: 23foo\",\"errorCode\":\"NOT_FOUND\"}]");
        QTest::newRow("PATCH without id")
            << QByteArray("PATCH") << QString() << 405
            << QByteArray("[{\"message\":\"HTTP Method 'PATCH' not allowed. Allowed are "
                          "HEAD,GET,POST\",\"errorCode\":\"METHOD_NOT_ALLOWED\"}]");
    }
    void recordAddressing()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, segment);
        QFETCH(int, status);
        QFETCH(QByteArray, expected);
        QString badsum = m_leadId;
        badsum[17] = badsum[17] == u'A' ? u'B' : u'A';
        segment.replace(u"{id}"_s, m_leadId)
            .replace(u"{id15}"_s, m_leadId.left(15))
            .replace(u"{idlower}"_s, m_leadId.toLower())
            .replace(u"{badsum}"_s, badsum)
            .replace(u"{agent}"_s, m_agentId);
        const QString path
            = segment.isEmpty() ? u"/sobjects/Lead"_s : u"/sobjects/Lead/"_s + segment;
        const WireReply r = m_wire->rest(
            method, path, method == "PATCH" ? QByteArray("{\"Company\":\"Z\"}") : QByteArray());
        QCOMPARE(r.status, status);
        if (status == 200)
            QCOMPARE(r.object().value(u"Id").toString(), m_leadId);
        else if (expected.startsWith('['))
            QCOMPARE(r.body, expected);
        else
            QCOMPARE(r.errorCode().toLatin1(), expected);
        if (expected == "MALFORMED_ID") {
            QCOMPARE(r.body,
                     QByteArray("[{\"message\":\"Record ID: id value of incorrect type: ")
                         + badsum.toLatin1()
                         + "\",\"errorCode\":\"MALFORMED_ID\",\"fields\":[\"Id\"]}]");
        }
    }

    void conditionalRequests()
    {
        WireReply r = m_wire->rest("GET", u"/sobjects/Lead/"_s + m_leadId);
        const QByteArray lastModified = r.header("Last-Modified");
        QCOMPARE(lastModified, QByteArray("Thu, 01 Jan 2026 00:00:00 GMT"));
        r = m_wire->rest("GET", u"/sobjects/Lead/"_s + m_leadId, {},
                         {{"If-Modified-Since", lastModified}});
        QCOMPARE(r.status, 304);
        QVERIFY(r.body.isEmpty());
        QVERIFY(r.hasHeader("Sforce-Limit-Info"));
        r = m_wire->rest("GET", u"/sobjects/Lead/"_s + m_leadId, {},
                         {{"If-Modified-Since", "Wed, 31 Dec 2025 23:59:59 GMT"}});
        QCOMPARE(r.status, 200);
        // If-Unmodified-Since guards an update.
        const QByteArray patch = "{\"Company\":\"Guarded\"}";
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId, patch,
                         {{"If-Unmodified-Since", "Wed, 31 Dec 2025 23:59:59 GMT"}});
        QCOMPARE(r.status, 412);
        QCOMPARE(r.errorCode(), u"PRECONDITION_FAILED"_s);
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId, patch,
                         {{"If-Unmodified-Since", "yesterday"}});
        QCOMPARE(r.status, 400);
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId, patch,
                         {{"If-Unmodified-Since", lastModified}});
        QCOMPARE(r.status, 204);
        QCOMPARE(m_sandbox->record(u"Lead"_s, m_leadId)->value(u"Company").toString(),
                 u"Guarded"_s);
    }

    void updateErrors()
    {
        WireReply r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId,
                                   QJsonObject {{u"Id"_s, m_leadId}, {u"Company"_s, u"X"_s}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body,
                 QByteArray("[{\"message\":\"The Id field should not be specified in the sobject "
                            "data.\",\"errorCode\":\"INVALID_FIELD\"}]"));
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId,
                         QJsonObject {{u"Company"_s, QJsonValue()}});
        QCOMPARE(r.errorCode(), u"REQUIRED_FIELD_MISSING"_s);
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId,
                         QJsonObject {{u"IsConverted"_s, true}});
        QCOMPARE(r.errorCode(), u"INVALID_FIELD_FOR_INSERT_UPDATE"_s);
        const auto converted = m_sandbox->createRecord(
            u"Lead"_s, {{u"LastName"_s, u"C"_s}, {u"Company"_s, u"C"_s}, {u"IsConverted"_s, true}});
        QVERIFY(converted.ok());
        r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + *converted,
                         QJsonObject {{u"Company"_s, u"D"_s}});
        QCOMPARE(r.status, 400);
        QCOMPARE(
            r.body,
            QByteArray("[{\"message\":\"cannot reference converted "
                       "lead\",\"errorCode\":\"CANNOT_UPDATE_CONVERTED_LEAD\",\"fields\":[]}]"));
    }

    void upsertOutcomes_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("created");
        QTest::addColumn<bool>("hasBody");
        QTest::newRow("v62 insert") << 62 << u"P-NEW"_s << 201 << true << true;
        QTest::newRow("v62 update") << 62 << u"P-EXISTING"_s << 200 << false << true;
        QTest::newRow("v62 update, key case differs")
            << 62 << u"p-existing"_s << 200 << false << true;
        QTest::newRow("v45 insert") << 45 << u"P-NEW"_s << 201 << true << true;
        QTest::newRow("v45 update") << 45 << u"P-EXISTING"_s << 204 << false << false;
    }
    void upsertOutcomes()
    {
        QFETCH(int, version);
        QFETCH(QString, key);
        QFETCH(int, status);
        QFETCH(bool, created);
        QFETCH(bool, hasBody);
        const WireReply r = m_wire->send("PATCH",
                                         m_sandbox->restBaseUrl(version)
                                             + u"/sobjects/Lead/Platform_Lead_Id__c/"_s + key,
                                         "{\"LastName\":\"Upserted\",\"Company\":\"U\",\"Assigned_"
                                         "Agent__r\":{\"Platform_Agent_Id__c\":\"A-0042\"}}",
                                         {{"Authorization", "Bearer " + m_wire->token.toLatin1()},
                                          {"Content-Type", "application/json"}});
        QCOMPARE(r.status, status);
        if (hasBody) {
            const QJsonObject o = r.object();
            QCOMPARE(o.value(u"success").toBool(), true);
            QCOMPARE(o.contains(u"created"), version >= 46);
            if (version >= 46)
                QCOMPARE(o.value(u"created").toBool(), created);
            if (created)
                QCOMPARE(r.header("Location"),
                         "/services/data/v" + QByteArray::number(version) + ".0/sobjects/Lead/"
                             + o.value(u"id").toString().toLatin1());
            else
                QCOMPARE(o.value(u"id").toString(), m_leadId);
        } else {
            QVERIFY(r.body.isEmpty());
        }
        const auto record = m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, key);
        QVERIFY(record);
        QCOMPARE(record->value(u"LastName").toString(), u"Upserted"_s);
        QCOMPARE(record->value(u"Assigned_Agent__c").toString(), m_agentId);
        QCOMPARE(m_sandbox->apiCallsByKind().value(u"upsert"_s), 1);
        // The existing record was also written once when it was created.
        QCOMPARE(m_sandbox->writeCountFor(u"Lead"_s, created ? key : u"P-EXISTING"_s),
                 created ? 1 : 2);
    }

    void upsertErrors_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("unknown field")
            << u"/sobjects/Lead/Nope__c/1"_s << QByteArray("{\"Company\":\"X\"}") << 404
            << QByteArray("[{\"message\":\"Provided external ID field does not exist or is not "
                          "accessible: Nope__c\",\"errorCode\":\"NOT_FOUND\"}]");
        QTest::newRow("not an external id")
            << u"/sobjects/Lead/LastName/Smith"_s << QByteArray("{\"Company\":\"X\"}") << 404
            << QByteArray("[{\"message\":\"Provided external ID field does not exist or is not "
                          "accessible: LastName\",\"errorCode\":\"NOT_FOUND\"}]");
        QTest::newRow("update only, no match")
            << u"/sobjects/Lead/Platform_Lead_Id__c/P-NONE?updateOnly=true"_s
            << QByteArray("{\"Company\":\"X\"}") << 404
            << QByteArray("[{\"message\":\"The requested resource does not "
                          "exist\",\"errorCode\":\"NOT_FOUND\"}]");
        QTest::newRow("Id in the body")
            << u"/sobjects/Lead/Platform_Lead_Id__c/P-EXISTING"_s
            << QByteArray("{\"Id\":\"00Q8c000HbXm5a4EIB\"}") << 400
            << QByteArray("[{\"message\":\"The Id field should not be specified in the sobject "
                          "data.\",\"errorCode\":\"INVALID_FIELD\"}]");
        QTest::newRow("key in body disagrees")
            << u"/sobjects/Lead/Platform_Lead_Id__c/P-EXISTING"_s
            << QByteArray("{\"Platform_Lead_Id__c\":\"P-OTHER\"}") << 400
            << QByteArray("INVALID_FIELD");
        QTest::newRow("validation on insert")
            << u"/sobjects/Lead/Platform_Lead_Id__c/P-NEW"_s << QByteArray("{\"LastName\":\"X\"}")
            << 400
            << QByteArray("[{\"message\":\"Required fields are missing: "
                          "[Company]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":["
                          "\"Company\"]}]");
    }
    void upsertErrors()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QByteArray, expected);
        const WireReply r = m_wire->rest("PATCH", path, body);
        QCOMPARE(r.status, status);
        if (expected.startsWith('['))
            QCOMPARE(r.body, expected);
        else
            QCOMPARE(r.errorCode().toLatin1(), expected);
    }

    void multipleMatches()
    {
        // A non-unique external id (People__c.Email__c) is the only way to match two records.
        WireReply r
            = m_wire->send("POST", m_sandbox->instanceUrl() + u"/__sandbox/external-id"_s,
                           "{\"object\":\"People__c\",\"field\":\"Email__c\",\"unique\":false}");
        QCOMPARE(r.status, 200);
        QStringList ids;
        for (const char *name : {"One", "Two"}) {
            r = m_wire->rest("POST", u"/sobjects/People__c"_s,
                             QJsonObject {{u"Name"_s, QLatin1StringView(name)},
                                          {u"Email__c"_s, u"team@example.com"_s}});
            QCOMPARE(r.status, 201);
            ids.append(r.object().value(u"id").toString());
        }
        const QByteArray urls = "[\"/services/data/v62.0/sobjects/People__c/" + ids[0].toLatin1()
            + "\",\"/services/data/v62.0/sobjects/People__c/" + ids[1].toLatin1() + "\"]";
        r = m_wire->rest("PATCH", u"/sobjects/People__c/Email__c/team@example.com"_s,
                         QJsonObject {{u"Active__c"_s, true}});
        QCOMPARE(r.status, 300);
        QCOMPARE(r.body, urls);
        r = m_wire->rest("GET", u"/sobjects/People__c/Email__c/TEAM@example.com"_s);
        QCOMPARE(r.status, 300);
        QCOMPARE(r.body, urls);
        // One match: read and delete by external id.
        r = m_wire->rest("GET", u"/sobjects/Lead/Platform_Lead_Id__c/P-EXISTING"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"Id").toString(), m_leadId);
        QCOMPARE(m_wire->rest("DELETE", u"/sobjects/Lead/Platform_Lead_Id__c/P-EXISTING"_s).status,
                 204);
        QCOMPARE(m_wire->rest("GET", u"/sobjects/Lead/Platform_Lead_Id__c/P-EXISTING"_s).status,
                 404);
    }

    void relationshipWrites_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("linked");
        QTest::newRow("nested, as Salesforce")
            << QByteArray("{\"Assigned_Agent__r\":{\"attributes\":{\"type\":\"People__c\"},"
                          "\"Platform_Agent_Id__c\":\"A-0042\"}}")
            << true;
        QTest::newRow("flat path")
            << QByteArray("{\"Assigned_Agent__r.Platform_Agent_Id__c\":\"a-0042\"}") << true;
        QTest::newRow("by id") << QByteArray("{\"Assigned_Agent__c\":\"{agent15}\"}") << true;
        QTest::newRow("flat null clears")
            << QByteArray("{\"Assigned_Agent__r.Platform_Agent_Id__c\":null}") << false;
    }
    void relationshipWrites()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, linked);
        QVERIFY(m_sandbox->updateRecord(u"Lead"_s, m_leadId, {{u"Assigned_Agent__c"_s, m_agentId}})
                    .ok());
        body.replace("{agent15}", m_agentId.left(15).toLatin1());
        const WireReply r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId, body);
        QCOMPARE(r.status, 204);
        const QJsonValue agent
            = m_sandbox->record(u"Lead"_s, m_leadId)->value(u"Assigned_Agent__c");
        QCOMPARE(agent, linked ? QJsonValue(m_agentId) : QJsonValue());
    }

    void describe()
    {
        WireReply r = m_wire->rest("GET", u"/sobjects"_s);
        QCOMPARE(r.status, 200);
        QStringList names;
        for (const QJsonValue &o : r.object().value(u"sobjects").toArray())
            names.append(o.toObject().value(u"name").toString() + u':'
                         + o.toObject().value(u"keyPrefix").toString());
        QCOMPARE(names,
                 (QStringList {u"Lead:00Q"_s, u"People__c:a01"_s, u"Lead_Assigned__e:e00"_s}));

        r = m_wire->rest("GET", u"/sobjects/Lead/describe"_s);
        QCOMPARE(r.status, 200);
        QHash<QString, QJsonObject> fields;
        for (const QJsonValue &f : r.object().value(u"fields").toArray())
            fields.insert(f.toObject().value(u"name").toString(), f.toObject());
        for (const char *name : {"Id",
                                 "FirstName",
                                 "LastName",
                                 "Company",
                                 "Email",
                                 "Phone",
                                 "Status",
                                 "LeadSource",
                                 "OwnerId",
                                 "IsConverted",
                                 "IsDeleted",
                                 "CreatedDate",
                                 "LastModifiedDate",
                                 "SystemModstamp",
                                 "Platform_Lead_Id__c",
                                 "Last_Updated_By_System__c",
                                 "Lead_Score__c",
                                 "Estimated_Value__c",
                                 "Eligible_For_Distribution__c",
                                 "Assigned_Agent__c"})
            QVERIFY2(fields.contains(QLatin1StringView(name)), name);
        const QJsonObject key = fields.value(u"Platform_Lead_Id__c"_s);
        QCOMPARE(key.value(u"externalId").toBool(), true);
        QCOMPARE(key.value(u"unique").toBool(), true);
        QCOMPARE(key.value(u"length").toInt(), 40);
        QCOMPARE(fields.value(u"Lead_Score__c"_s).value(u"precision").toInt(), 3);
        QCOMPARE(fields.value(u"Estimated_Value__c"_s).value(u"type").toString(), u"currency"_s);
        QCOMPARE(fields.value(u"Eligible_For_Distribution__c"_s).value(u"type").toString(),
                 u"boolean"_s);
        const QJsonObject agent = fields.value(u"Assigned_Agent__c"_s);
        QCOMPARE(agent.value(u"referenceTo").toArray(), QJsonArray {u"People__c"_s});
        QCOMPARE(agent.value(u"relationshipName").toString(), u"Assigned_Agent__r"_s);
        QStringList statuses;
        for (const QJsonValue &v : fields.value(u"Status"_s).value(u"picklistValues").toArray())
            statuses.append(v.toObject().value(u"value").toString());
        QCOMPARE(statuses,
                 (QStringList {u"Open - Not Contacted"_s, u"Working - Contacted"_s,
                               u"Closed - Converted"_s, u"Closed - Not Converted"_s}));
        QCOMPARE(fields.value(u"LastName"_s).value(u"nillable").toBool(), false);

        r = m_wire->rest("GET", u"/sobjects/People__c/describe"_s);
        QStringList people;
        for (const QJsonValue &f : r.object().value(u"fields").toArray())
            people.append(f.toObject().value(u"name").toString());
        for (const char *name :
             {"Name", "Email__c", "Active__c", "Eligible__c", "States__c", "Capacity__c",
              "Platform_Agent_Id__c", "Last_Updated_By_System__c"})
            QVERIFY2(people.contains(QLatin1StringView(name)), name);
        QCOMPARE(m_sandbox->apiCallsByKind().value(u"describe"_s), 3);
    }

    void platformEvents()
    {
        WireReply r = m_wire->rest("POST", u"/sobjects/Lead_Assigned__e/"_s,
                                   QJsonObject {{u"Lead_Id__c"_s, m_leadId},
                                                {u"Platform_Lead_Id__c"_s, u"P-EXISTING"_s},
                                                {u"Agent_Id__c"_s, u"A-0042"_s},
                                                {u"Estimated_Value__c"_s, 1200.5},
                                                {u"Assigned_At__c"_s, u"2026-01-01T00:00:00Z"_s}});
        QCOMPARE(r.status, 201);
        QVERIFY(!r.hasHeader("Location"));
        const QJsonObject o = r.object();
        QVERIFY(o.value(u"id").toString().startsWith(u"e00"_s));
        QCOMPARE(o.value(u"success").toBool(), true);
        const QJsonObject enqueued = o.value(u"errors").toArray().first().toObject();
        QCOMPARE(enqueued.value(u"statusCode").toString(), u"OPERATION_ENQUEUED"_s);
        const auto events = m_sandbox->publishedEvents();
        QCOMPARE(events.size(), 1);
        QCOMPARE(enqueued.value(u"message").toString(), events.first().uuid);
        QCOMPARE(events.first().fields.value(u"Agent_Id__c").toString(), u"A-0042"_s);
        QCOMPARE(events.first().fields.value(u"Assigned_At__c").toString(),
                 u"2026-01-01T00:00:00.000+0000"_s);
        r = m_wire->rest("POST", u"/sobjects/Lead_Assigned__e/"_s, QJsonObject {{u"Nope__c"_s, 1}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALID_FIELD"_s);
        QCOMPARE(m_sandbox->publishedEvents().size(), 1);
    }

    void limitsAndAllocation()
    {
        m_sandbox->setApiUsage(99'997, 100'000);
        WireReply r = m_wire->rest("GET", u"/limits"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Sforce-Limit-Info"), QByteArray("api-usage=99998/100000"));
        const QJsonObject daily = r.object().value(u"DailyApiRequests").toObject();
        QCOMPARE(daily.value(u"Max").toInt(), 100000);
        QCOMPARE(daily.value(u"Remaining").toInt(), 2);
        QVERIFY(r.object().contains(u"DailyBulkApiBatches"));
        QCOMPARE(m_wire->rest("GET", u"/sobjects/Lead/"_s + m_leadId).status, 200);
        QCOMPARE(m_wire->rest("GET", u"/sobjects/Lead/"_s + m_leadId).status, 200);
        r = m_wire->rest("GET", u"/sobjects/Lead/"_s + m_leadId);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.body,
                 QByteArray("[{\"message\":\"TotalRequests Limit "
                            "exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]"));
        QCOMPARE(r.header("Sforce-Limit-Info"), QByteArray("api-usage=100000/100000"));
        QCOMPARE(m_sandbox->apiUsed(), 100000); // refused calls are not counted
        // The versions list needs no session and costs nothing.
        QCOMPARE(m_wire->send("GET", m_sandbox->instanceUrl() + u"/services/data"_s).status, 200);
    }

    void replication()
    {
        m_clockPtr->advanceMs(60'000);
        const auto second = m_sandbox->createRecord(u"Lead"_s, lead(u"P-2"_s));
        m_clockPtr->advanceMs(60'000);
        QVERIFY(m_sandbox->deleteRecord(u"Lead"_s, m_leadId).ok());
        m_clockPtr->advanceMs(60'000);
        WireReply r = m_wire->rest(
            "GET",
            u"/sobjects/Lead/updated/?start=2026-01-01T00:00:30Z&end=2026-01-01T00:10:00Z"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"ids").toArray(), QJsonArray {*second});
        QCOMPARE(r.object().value(u"latestDateCovered").toString(),
                 u"2026-01-01T00:03:00.000+0000"_s);
        r = m_wire->rest(
            "GET",
            u"/sobjects/Lead/deleted/?start=2026-01-01T00:00:00Z&end=2026-01-01T00:10:00Z"_s);
        const QJsonArray deleted = r.object().value(u"deletedRecords").toArray();
        QCOMPARE(deleted.size(), 1);
        QCOMPARE(deleted.first().toObject().value(u"id").toString(), m_leadId);
        QCOMPARE(deleted.first().toObject().value(u"deletedDate").toString(),
                 u"2026-01-01T00:02:01.000+0000"_s);
        QCOMPARE(m_wire->rest("GET", u"/sobjects/Lead/updated/?start=bad"_s).errorCode(),
                 u"INVALID_REPLICATION_DATE"_s);
    }
};

QTEST_GUILESS_MAIN(TestSandboxRest)
#include "TestSandboxRest.moc"
