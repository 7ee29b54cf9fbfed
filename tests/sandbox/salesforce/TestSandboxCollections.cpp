#include "SfWire.h"
#include "salesforce/SalesforceId.h"

#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// sObject Collections: create, update, upsert, delete, retrieve; allOrNone rollback shapes;
// the 200-record limit; one API call per request.
class TestSandboxCollections : public QObject
{
    Q_OBJECT

    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;

    static QJsonObject lead(const QString &key, const QString &company = u"Acme"_s)
    {
        QJsonObject o {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                       {u"LastName"_s, QString(u"Lead "_s + key)},
                       {u"Platform_Lead_Id__c"_s, key}};
        if (!company.isNull())
            o.insert(u"Company"_s, company);
        return o;
    }
    static QJsonObject body(const QJsonArray &records, bool allOrNone)
    {
        return {{u"allOrNone"_s, allOrNone}, {u"records"_s, records}};
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

    void createMixedResults()
    {
        const QJsonArray records {lead(u"C-1"_s), lead(u"C-2"_s, QString()), lead(u"C-3"_s)};
        const WireReply r = m_wire->rest("POST", u"/composite/sobjects"_s, body(records, false));
        QCOMPARE(r.status, 200);
        const QJsonArray results = r.array();
        QCOMPARE(results.size(), 3);
        QVERIFY(results[0].toObject().value(u"success").toBool());
        QVERIFY(
            lb::salesforce::SalesforceId::normalize(results[0].toObject().value(u"id").toString())
                .startsWith(u"00Q"_s));
        // A failed create has no "id" key at all; errors use statusCode (envelope 2).
        QCOMPARE(
            QJsonDocument(results[1].toObject()).toJson(QJsonDocument::Compact),
            QByteArray("{\"errors\":[{\"fields\":[\"Company\"],\"message\":\"Required fields are "
                       "missing: [Company]\",\"statusCode\":\"REQUIRED_FIELD_MISSING\"}],"
                       "\"success\":false}"));
        QVERIFY(r.body.contains(
            "{\"success\":false,\"errors\":[{\"statusCode\":\"REQUIRED_FIELD_MISSING\""));
        QVERIFY(results[2].toObject().value(u"success").toBool());
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 2);
        QCOMPARE(m_sandbox->apiCallsByKind().value(u"collections"_s), 1);
        QCOMPARE(m_sandbox->apiUsed(), 1);
    }

    void allOrNoneRollsBack_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::newRow("create") << u"create"_s;
        QTest::newRow("update") << u"update"_s;
        QTest::newRow("upsert") << u"upsert"_s;
        QTest::newRow("delete") << u"delete"_s;
    }
    void allOrNoneRollsBack()
    {
        QFETCH(QString, operation);
        const QString existing = *m_sandbox->createRecord(u"Lead"_s,
                                                          {{u"LastName"_s, u"E"_s},
                                                           {u"Company"_s, u"Before"_s},
                                                           {u"Platform_Lead_Id__c"_s, u"E-1"_s}});
        const int writesBefore = int(m_sandbox->writeLog().size());
        WireReply r;
        if (operation == "create"_L1) {
            r = m_wire->rest("POST", u"/composite/sobjects"_s,
                             body({lead(u"N-1"_s), lead(u"N-2"_s, QString())}, true));
        } else if (operation == "update"_L1) {
            r = m_wire->rest(
                "PATCH", u"/composite/sobjects"_s,
                body({QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                   {u"id"_s, existing},
                                   {u"Company"_s, u"After"_s}},
                      QJsonObject {
                          {u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                          {u"id"_s, lb::salesforce::SalesforceId::to18(u"00Q8c0000000000"_s)},
                          {u"Company"_s, u"After"_s}}},
                     true));
        } else if (operation == "upsert"_L1) {
            QJsonObject update = lead(u"E-1"_s, u"After"_s);
            r = m_wire->rest("PATCH", u"/composite/sobjects/Lead/Platform_Lead_Id__c"_s,
                             body({update, lead(u"N-1"_s), lead(u"N-2"_s, QString())}, true));
        } else {
            r = m_wire->rest("DELETE",
                             u"/composite/sobjects?allOrNone=true&ids="_s + existing
                                 + u",001000000000000AAA"_s);
        }
        QCOMPARE(r.status, 200);
        const QJsonArray results = r.array();
        int rolledBack = 0;
        int failed = 0;
        for (const QJsonValue &v : results) {
            const QJsonObject o = v.toObject();
            QCOMPARE(o.value(u"success").toBool(), false);
            const QString code
                = o.value(u"errors").toArray().first().toObject().value(u"statusCode").toString();
            if (code == "ALL_OR_NONE_OPERATION_ROLLED_BACK"_L1) {
                ++rolledBack;
                QCOMPARE(
                    o.value(u"errors").toArray().first().toObject().value(u"message").toString(),
                    u"Record rolled back because not all records were valid and the request "
                    u"was using AllOrNone header"_s);
                QVERIFY(o.contains(u"id")); // the id that was assigned, then rolled back
            } else {
                ++failed;
            }
        }
        QCOMPARE(failed, 1);
        QCOMPARE(rolledBack, int(results.size()) - 1);
        // Nothing stayed: records, values and the write log are as before.
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 1);
        QCOMPARE(m_sandbox->record(u"Lead"_s, existing)->value(u"Company").toString(), u"Before"_s);
        QCOMPARE(m_sandbox->record(u"Lead"_s, existing)->value(u"IsDeleted").toBool(), false);
        QCOMPARE(int(m_sandbox->writeLog().size()), writesBefore);
    }

    void upsert()
    {
        QJsonArray batch;
        for (int i = 0; i < 200; ++i)
            batch.append(lead(u"U-%1"_s.arg(i)));
        WireReply r = m_wire->rest("PATCH", u"/composite/sobjects/Lead/Platform_Lead_Id__c"_s,
                                   body(batch, false));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.array().size(), 200);
        for (const QJsonValue &v : r.array())
            QCOMPARE(v.toObject().value(u"created").toBool(false), true);
        batch[0] = lead(u"U-0"_s, u"Changed"_s);
        QJsonObject noKey = lead(u"U-X"_s);
        noKey.remove(u"Platform_Lead_Id__c"_s);
        batch.append(noKey);
        batch.removeAt(1);
        r = m_wire->rest("PATCH", u"/composite/sobjects/Lead/Platform_Lead_Id__c"_s,
                         body(batch, false));
        const QJsonArray results = r.array();
        QCOMPARE(results.size(), 200);
        QCOMPARE(results[0].toObject().value(u"created").toBool(true), false);
        QCOMPARE(results[0].toObject().value(u"success").toBool(), true);
        QCOMPARE(
            QJsonDocument(results.last().toObject()).toJson(QJsonDocument::Compact),
            QByteArray("{\"errors\":[{\"fields\":[],\"message\":\"Platform_Lead_Id__c not "
                       "specified\",\"statusCode\":\"MISSING_ARGUMENT\"}],\"success\":false}"));
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 200);
        QCOMPARE(m_sandbox->changedWriteCountFor(u"Lead"_s, u"U-0"_s), 2);
        QCOMPARE(m_sandbox->writeCountFor(u"Lead"_s, u"U-5"_s), 2);
        QCOMPARE(m_sandbox->changedWriteCountFor(u"Lead"_s, u"U-5"_s),
                 1); // the echo changed nothing
        QCOMPARE(m_sandbox->apiCallsByKind().value(u"collections"_s), 2);
    }

    void requestLevelErrors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("errorCode");
        QByteArray tooMany = "{\"records\":[";
        for (int i = 0; i < 201; ++i)
            tooMany += QByteArray(i ? "," : "")
                + "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"x\",\"Company\":\"y\"}";
        tooMany += "]}";
        QTest::newRow("201 records") << QByteArray("POST") << u"/composite/sobjects"_s << tooMany
                                     << 400 << QByteArray("EXCEEDED_ID_LIMIT");
        QTest::newRow("unknown field fails the request")
            << QByteArray("POST") << u"/composite/sobjects"_s
            << QByteArray("{\"records\":[{\"attributes\":{\"type\":\"Lead\"},\"Bad__c\":1}]}")
            << 400 << QByteArray("INVALID_FIELD");
        QTest::newRow("no type") << QByteArray("POST") << u"/composite/sobjects"_s
                                 << QByteArray("{\"records\":[{\"LastName\":\"x\"}]}") << 400
                                 << QByteArray("INVALID_TYPE");
        QTest::newRow("unknown type")
            << QByteArray("POST") << u"/composite/sobjects"_s
            << QByteArray("{\"records\":[{\"attributes\":{\"type\":\"Leed\"}}]}") << 400
            << QByteArray("INVALID_TYPE");
        QTest::newRow("malformed JSON")
            << QByteArray("POST") << u"/composite/sobjects"_s << QByteArray("{\"records\":[") << 400
            << QByteArray("JSON_PARSER_ERROR");
        QTest::newRow("no records array")
            << QByteArray("PATCH") << u"/composite/sobjects"_s << QByteArray("{\"allOrNone\":true}")
            << 400 << QByteArray("JSON_PARSER_ERROR");
        QTest::newRow("upsert on a field that is no external id")
            << QByteArray("PATCH") << u"/composite/sobjects/Lead/Email"_s
            << QByteArray("{\"records\":[]}") << 404 << QByteArray("NOT_FOUND");
        QTest::newRow("delete without ids")
            << QByteArray("DELETE") << u"/composite/sobjects?ids="_s << QByteArray() << 400
            << QByteArray("REQUIRED_FIELD_MISSING");
    }
    void requestLevelErrors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, payload);
        QFETCH(int, status);
        QFETCH(QByteArray, errorCode);
        const WireReply r = m_wire->rest(method, path, payload);
        QCOMPARE(r.status, status);
        QCOMPARE(r.errorCode().toLatin1(), errorCode);
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 0);
    }

    void deleteAndRetrieve()
    {
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids.append(*m_sandbox->createRecord(
                u"Lead"_s, {{u"LastName"_s, u"R%1"_s.arg(i)}, {u"Company"_s, u"Acme"_s}}));
        WireReply r
            = m_wire->rest("GET",
                           u"/composite/sobjects/Lead?ids="_s + ids.join(u',') + u",bogus,"_s
                               + lb::salesforce::SalesforceId::to18(u"00Q8c0000000000"_s)
                               + u"&fields=LastName,Company"_s);
        QCOMPARE(r.status, 200);
        QJsonArray results = r.array();
        QCOMPARE(results.size(), 5);
        QCOMPARE(results[1].toObject().value(u"LastName").toString(), u"R1"_s);
        QVERIFY(results[1].toObject().contains(u"attributes"));
        QVERIFY(results[3].isNull());
        QVERIFY(results[4].isNull());
        r = m_wire->rest("POST", u"/composite/sobjects/Lead"_s,
                         QJsonObject {{u"ids"_s, QJsonArray {ids[2]}},
                                      {u"fields"_s, QJsonArray {u"LastName"_s}}});
        QCOMPARE(r.array().first().toObject().value(u"LastName").toString(), u"R2"_s);
        r = m_wire->rest("GET", u"/composite/sobjects/Lead?ids="_s + ids[0] + u"&fields=Nope"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALID_FIELD"_s);

        r = m_wire->rest("DELETE",
                         u"/composite/sobjects?ids="_s + ids[0] + u',' + ids[1] + u",xyz"_s);
        QCOMPARE(r.status, 200);
        results = r.array();
        QCOMPARE(results[0].toObject().value(u"success").toBool(), true);
        QCOMPARE(results[0].toObject().value(u"id").toString(), ids[0]);
        QCOMPARE(results[2]
                     .toObject()
                     .value(u"errors")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"statusCode")
                     .toString(),
                 u"MALFORMED_ID"_s);
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 1);
        r = m_wire->rest("DELETE", u"/composite/sobjects?ids="_s + ids[0]);
        QCOMPARE(r.array()
                     .first()
                     .toObject()
                     .value(u"errors")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"statusCode")
                     .toString(),
                 u"ENTITY_IS_DELETED"_s);
    }

    void lockFaultsHitSingleRecords()
    {
        FaultConfig faults;
        faults.lockRate = 0.5;
        faults.seed = 7;
        m_sandbox->setFaults(faults);
        QJsonArray batch;
        for (int i = 0; i < 100; ++i)
            batch.append(lead(u"L-%1"_s.arg(i)));
        const WireReply r = m_wire->rest("POST", u"/composite/sobjects"_s, body(batch, false));
        QCOMPARE(r.status, 200);
        int locked = 0;
        for (const QJsonValue &v : r.array()) {
            const QJsonObject o = v.toObject();
            if (o.value(u"success").toBool())
                continue;
            const QJsonObject e = o.value(u"errors").toArray().first().toObject();
            QCOMPARE(e.value(u"statusCode").toString(), u"UNABLE_TO_LOCK_ROW"_s);
            QVERIFY(e.value(u"message")
                        .toString()
                        .startsWith(u"unable to obtain exclusive access to this record"_s));
            ++locked;
        }
        QVERIFY2(locked > 20 && locked < 80, qPrintable(QString::number(locked)));
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 100 - locked);
        QCOMPARE(m_sandbox->faultCounters().lock, locked);
    }
};

QTEST_GUILESS_MAIN(TestSandboxCollections)
#include "TestSandboxCollections.moc"
