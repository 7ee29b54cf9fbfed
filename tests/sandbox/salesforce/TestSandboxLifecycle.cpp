#include "SfWire.h"
#include "util/Clock.h"

#include <QTest>
#include <QUrl>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// A lead's life in the sandbox org over the wire: soft delete through REST, Collections and
// Composite, query hiding and queryAll showing it, the deleted resource, the Recycle Bin's
// undelete, and what a user does in the UI through the admin endpoint: merge (losers deleted
// with MasterRecordId) and convert (the lead is read-only afterwards).
class TestSandboxLifecycle : public QObject
{
    Q_OBJECT

    ManualClock m_clock;
    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;

    QString createLead(const QString &key, const QString &lastName = u"Lovelace"_s)
    {
        const WireReply r = m_wire->rest("POST", u"/sobjects/Lead/"_s,
                                         QJsonObject {{u"LastName"_s, lastName},
                                                      {u"Company"_s, u"Acme"_s},
                                                      {u"Platform_Lead_Id__c"_s, key}});
        return r.status == 201 ? r.object().value(u"id").toString() : QString();
    }

    WireReply admin(const QString &what, const QJsonObject &body)
    {
        return m_wire->send("POST", m_sandbox->instanceUrl() + u"/__sandbox/"_s + what,
                            QJsonDocument(body).toJson(QJsonDocument::Compact),
                            {{"Content-Type", "application/json"}});
    }

    QJsonArray records(const QString &soql, bool all)
    {
        return m_wire
            ->rest("GET",
                   (all ? u"/queryAll?q="_s : u"/query?q="_s)
                       + QString::fromLatin1(QUrl::toPercentEncoding(soql)))
            .object()
            .value(u"records")
            .toArray();
    }

    QJsonObject readAll(const QString &id)
    {
        const QJsonArray rows
            = records(u"SELECT Id, IsDeleted, MasterRecordId, IsConverted, ConvertedDate, Status, "
                      u"ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId, Phone "
                      u"FROM Lead WHERE Id = '"_s
                          + id + u"'"_s,
                      true);
        return rows.isEmpty() ? QJsonObject() : rows.first().toObject();
    }

    QStringList deletedIds()
    {
        const WireReply r = m_wire->rest(
            "GET",
            u"/sobjects/Lead/deleted/?start=2025-12-31T00:00:00Z&end=2026-01-02T00:00:00Z"_s);
        QStringList ids;
        for (const QJsonValue &d : r.object().value(u"deletedRecords").toArray())
            ids.append(d.toObject().value(u"id").toString());
        return ids;
    }

private slots:
    void init()
    {
        m_sandbox = std::make_unique<SalesforceSandbox>(SandboxConfig(), m_clock);
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
    }

    void cleanup()
    {
        m_wire.reset();
        m_sandbox.reset();
    }

    void restDeleteAndUndelete()
    {
        const QString id = createLead(u"P-1"_s);
        QVERIFY(!id.isEmpty());
        m_clock.advanceMs(60'000);
        QCOMPARE(m_wire->rest("DELETE", u"/sobjects/Lead/"_s + id).status, 204);
        QVERIFY(records(u"SELECT Id FROM Lead"_s, false).isEmpty());
        QCOMPARE(readAll(id).value(u"IsDeleted").toBool(), true);
        QCOMPARE(deletedIds(), QStringList {id});

        m_clock.advanceMs(60'000);
        const WireReply undeleted
            = admin(u"undelete"_s, {{u"object"_s, u"Lead"_s}, {u"ids"_s, QJsonArray {id}}});
        QCOMPARE(undeleted.status, 200);
        const QJsonObject result
            = undeleted.object().value(u"results").toArray().first().toObject();
        QCOMPARE(result.value(u"success").toBool(), true);
        QCOMPARE(result.value(u"id").toString(), id);
        QCOMPARE(records(u"SELECT Id FROM Lead"_s, false).size(), 1);
        QVERIFY(deletedIds().isEmpty());
        QCOMPARE(m_sandbox->writeLog().entries().last().operation, u"undelete"_s);
        QVERIFY(m_sandbox->writeLog().entries().last().client.isEmpty()); // a UI user
        // Writable again.
        QCOMPARE(m_wire
                     ->rest("PATCH", u"/sobjects/Lead/"_s + id,
                            QJsonObject {{u"Phone"_s, u"+15125550100"_s}})
                     .status,
                 204);
    }

    void undeleteRefusals()
    {
        const QString live = createLead(u"P-1"_s);
        const QString gone = createLead(u"P-2"_s);
        QCOMPARE(m_wire->rest("DELETE", u"/sobjects/Lead/"_s + gone).status, 204);
        // A live record now holds the deleted one's external id.
        QCOMPARE(m_wire
                     ->rest("PATCH", u"/sobjects/Lead/"_s + live,
                            QJsonObject {{u"Platform_Lead_Id__c"_s, u"P-2"_s}})
                     .status,
                 204);
        const WireReply r
            = admin(u"undelete"_s,
                    {{u"object"_s, u"Lead"_s}, {u"ids"_s, QJsonArray {live, gone, u"00Qbad"_s}}});
        QCOMPARE(r.status, 200);
        const QJsonArray results = r.object().value(u"results").toArray();
        QCOMPARE(results.size(), 3);
        const auto codeOf = [&results](int i) {
            return results.at(i)
                .toObject()
                .value(u"errors")
                .toArray()
                .first()
                .toObject()
                .value(u"statusCode")
                .toString();
        };
        QCOMPARE(codeOf(0), u"UNDELETE_FAILED"_s);
        QCOMPARE(codeOf(1), u"DUPLICATE_VALUE"_s);
        QCOMPARE(codeOf(2), u"MALFORMED_ID"_s);
        QCOMPARE(readAll(gone).value(u"IsDeleted").toBool(), true);

        QCOMPARE(admin(u"undelete"_s, {{u"object"_s, u"Lead"_s}, {u"ids"_s, QJsonArray {}}}).status,
                 400);
        QCOMPARE(admin(u"undelete"_s, {{u"object"_s, u"Lead"_s}, {u"ids"_s, gone}}).status, 400);
        const WireReply unknown
            = admin(u"undelete"_s, {{u"object"_s, u"Nope__c"_s}, {u"ids"_s, QJsonArray {gone}}});
        QCOMPARE(unknown.object()
                     .value(u"results")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"success")
                     .toBool(),
                 false);
    }

    void collectionsAndCompositeDelete()
    {
        const QString a = createLead(u"P-1"_s);
        const QString b = createLead(u"P-2"_s);
        const QString c = createLead(u"P-3"_s);
        const WireReply r = m_wire->rest(
            "DELETE", u"/composite/sobjects?allOrNone=false&ids="_s + a + u","_s + b);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.array().size(), 2);
        QVERIFY(r.array().at(1).toObject().value(u"success").toBool());
        const QJsonObject composite {
            {u"compositeRequest"_s,
             QJsonArray {
                 QJsonObject {{u"method"_s, u"DELETE"_s},
                              {u"url"_s, QString(u"/services/data/v62.0/sobjects/Lead/"_s + c)},
                              {u"referenceId"_s, u"del"_s}}}}};
        const WireReply comp = m_wire->rest("POST", u"/composite"_s, composite);
        QCOMPARE(comp.status, 200);
        QCOMPARE(comp.object()
                     .value(u"compositeResponse")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"httpStatusCode")
                     .toInt(),
                 204);
        QVERIFY(records(u"SELECT Id FROM Lead"_s, false).isEmpty());
        QCOMPARE(records(u"SELECT Id FROM Lead WHERE IsDeleted = true"_s, true).size(), 3);
        QStringList expected {a, b, c};
        QStringList deleted = deletedIds();
        expected.sort();
        deleted.sort();
        QCOMPARE(deleted, expected);
    }

    void mergeDeletesLosersWithMaster()
    {
        const QString master = createLead(u"P-1"_s);
        const QString loser1 = createLead(u"P-2"_s);
        const QString loser2 = createLead(u"P-3"_s);
        m_clock.advanceMs(60'000);
        const WireReply r = admin(u"merge"_s,
                                  {{u"masterId"_s, master},
                                   {u"mergeIds"_s, QJsonArray {loser1, loser2}},
                                   {u"fields"_s, QJsonObject {{u"Phone"_s, u"+15125550199"_s}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"mergedIds").toArray(), (QJsonArray {loser1, loser2}));
        for (const QString &loser : {loser1, loser2}) {
            const QJsonObject row = readAll(loser);
            QCOMPARE(row.value(u"IsDeleted").toBool(), true);
            QCOMPARE(row.value(u"MasterRecordId").toString(), master);
        }
        const QJsonObject kept = readAll(master);
        QCOMPARE(kept.value(u"IsDeleted").toBool(), false);
        QVERIFY(kept.value(u"MasterRecordId").isNull());
        QCOMPARE(kept.value(u"Phone").toString(), u"+15125550199"_s);
        QCOMPARE(records(u"SELECT Id FROM Lead"_s, false).size(), 1);
        QCOMPARE(deletedIds().size(), 2);
        const auto &log = m_sandbox->writeLog().entries();
        QCOMPARE(log.last().operation, u"delete"_s);
        QCOMPARE(log.last().changedFields, QStringList {u"MasterRecordId"_s});
        // MasterRecordId is the org's, not the API's.
        QCOMPARE(m_wire
                     ->rest("PATCH", u"/sobjects/Lead/"_s + master,
                            QJsonObject {{u"MasterRecordId"_s, loser1}})
                     .errorCode(),
                 u"INVALID_FIELD_FOR_INSERT_UPDATE"_s);
    }

    void mergeRefusals_data()
    {
        QTest::addColumn<QString>("shape"); // which bad request to send
        QTest::addColumn<QString>("code");
        QTest::newRow("master is a loser") << "self"
                                           << "INVALID_OPERATION";
        QTest::newRow("three losers") << "three"
                                      << "INVALID_OPERATION";
        QTest::newRow("no losers") << "none"
                                   << "INVALID_OPERATION";
        QTest::newRow("deleted loser") << "deleted"
                                       << "ENTITY_IS_DELETED";
        QTest::newRow("unknown master") << "unknown"
                                        << "NOT_FOUND";
        QTest::newRow("malformed loser") << "malformed"
                                         << "MALFORMED_ID";
        QTest::newRow("unknown field") << "field"
                                       << "INVALID_FIELD";
        QTest::newRow("mergeIds not a list") << "shape"
                                             << "BAD_REQUEST";
    }

    void mergeRefusals()
    {
        QFETCH(QString, shape);
        QFETCH(QString, code);
        const QString master = createLead(u"P-1"_s);
        const QString a = createLead(u"P-2"_s);
        const QString b = createLead(u"P-3"_s);
        const QString c = createLead(u"P-4"_s);
        QCOMPARE(m_wire->rest("DELETE", u"/sobjects/Lead/"_s + c).status, 204);
        const qsizetype writes = m_sandbox->writeLog().size();
        QJsonObject body {{u"masterId"_s, master},
                          {u"fields"_s, QJsonObject {{u"Phone"_s, u"+15125550199"_s}}}};
        if (shape == "self"_L1)
            body.insert(u"mergeIds"_s, QJsonArray {a, master});
        else if (shape == "three"_L1)
            body.insert(u"mergeIds"_s, QJsonArray {a, b, c});
        else if (shape == "none"_L1)
            body.insert(u"mergeIds"_s, QJsonArray {});
        else if (shape == "deleted"_L1)
            body.insert(u"mergeIds"_s, QJsonArray {a, c}); // a is merged first, then rolled back
        else if (shape == "unknown"_L1)
            body = {{u"masterId"_s, u"00Q000000000000AAA"_s}, {u"mergeIds"_s, QJsonArray {a}}};
        else if (shape == "malformed"_L1)
            body.insert(u"mergeIds"_s, QJsonArray {u"not-an-id"_s});
        else if (shape == "field"_L1)
            body = {{u"masterId"_s, master},
                    {u"mergeIds"_s, QJsonArray {a}},
                    {u"fields"_s, QJsonObject {{u"Nope__c"_s, 1}}}};
        else
            body.insert(u"mergeIds"_s, a);
        const WireReply r = admin(u"merge"_s, body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.object().value(u"error").toString(), code);
        QVERIFY(!r.object().value(u"message").toString().isEmpty());
        // All or nothing: no lead changed.
        QCOMPARE(m_sandbox->writeLog().size(), writes);
        QCOMPARE(readAll(a).value(u"IsDeleted").toBool(), false);
        QVERIFY(readAll(master).value(u"Phone").isNull());
    }

    void convertMakesLeadReadOnly()
    {
        const QString id = createLead(u"P-1"_s);
        m_clock.advanceMs(60'000);
        const WireReply r = admin(u"convert"_s, {{u"leadId"_s, id}});
        QCOMPARE(r.status, 200);
        const QJsonObject row = readAll(id);
        QCOMPARE(row.value(u"IsConverted").toBool(), true);
        QCOMPARE(row.value(u"ConvertedDate").toString(), u"2026-01-01"_s);
        QCOMPARE(row.value(u"Status").toString(), u"Closed - Converted"_s);
        QVERIFY(row.value(u"ConvertedAccountId").toString().startsWith(u"001"_s));
        QVERIFY(row.value(u"ConvertedContactId").toString().startsWith(u"003"_s));
        QCOMPARE(row.value(u"ConvertedOpportunityId").toString(),
                 r.object().value(u"opportunityId").toString());
        QCOMPARE(m_sandbox->writeLog().entries().last().operation, u"update"_s);

        // Every way of writing it now fails the same way.
        const QByteArray expected
            = R"([{"message":"cannot reference converted lead","errorCode":"CANNOT_UPDATE_CONVERTED_LEAD","fields":[]}])";
        WireReply w = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + id,
                                   QJsonObject {{u"Company"_s, u"Other"_s}});
        QCOMPARE(w.status, 400);
        QCOMPARE(w.body, expected);
        w = m_wire->rest("PATCH", u"/sobjects/Lead/Platform_Lead_Id__c/P-1"_s,
                         QJsonObject {{u"Company"_s, u"Other"_s}});
        QCOMPARE(w.status, 400);
        QCOMPARE(w.errorCode(), u"CANNOT_UPDATE_CONVERTED_LEAD"_s);
        w = m_wire->rest("PATCH", u"/composite/sobjects"_s,
                         QJsonObject {{u"records"_s,
                                       QJsonArray {QJsonObject {
                                           {u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                           {u"id"_s, id},
                                           {u"Company"_s, u"Other"_s}}}}});
        QCOMPARE(w.status, 200);
        QCOMPARE(w.array()
                     .first()
                     .toObject()
                     .value(u"errors")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"statusCode")
                     .toString(),
                 u"CANNOT_UPDATE_CONVERTED_LEAD"_s);

        const WireReply again = admin(u"convert"_s, {{u"leadId"_s, id}});
        QCOMPARE(again.status, 400);
        QCOMPARE(again.object().value(u"error").toString(), u"CANNOT_UPDATE_CONVERTED_LEAD"_s);
        const QString other = createLead(u"P-2"_s);
        QCOMPARE(admin(u"merge"_s, {{u"masterId"_s, other}, {u"mergeIds"_s, QJsonArray {id}}})
                     .object()
                     .value(u"error")
                     .toString(),
                 u"CANNOT_UPDATE_CONVERTED_LEAD"_s);
    }

    void convertOptionsAndRefusals()
    {
        const QString id = createLead(u"P-1"_s);
        const WireReply r = admin(u"convert"_s,
                                  {{u"leadId"_s, id},
                                   {u"convertedStatus"_s, u"Closed - Not Converted"_s},
                                   {u"doNotCreateOpportunity"_s, true}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.object().value(u"opportunityId").isNull());
        QVERIFY(readAll(id).value(u"ConvertedOpportunityId").isNull());
        QCOMPARE(readAll(id).value(u"Status").toString(), u"Closed - Not Converted"_s);

        const QString gone = createLead(u"P-2"_s);
        QCOMPARE(m_wire->rest("DELETE", u"/sobjects/Lead/"_s + gone).status, 204);
        const QString live = createLead(u"P-3"_s);
        const QList<std::pair<QJsonObject, QString>> refusals {
            {{{u"leadId"_s, gone}}, u"ENTITY_IS_DELETED"_s},
            {{{u"leadId"_s, u"00Q000000000000AAA"_s}}, u"NOT_FOUND"_s},
            {{{u"leadId"_s, u"x"_s}}, u"MALFORMED_ID"_s},
            {{{u"leadId"_s, live}, {u"convertedStatus"_s, u"Sold"_s}}, u"INVALID_STATUS"_s},
            {{{u"leadId"_s, 7}}, u"BAD_REQUEST"_s},
            {{{u"leadId"_s, live}, {u"doNotCreateOpportunity"_s, u"yes"_s}}, u"BAD_REQUEST"_s},
        };
        for (const auto &[body, code] : refusals) {
            const WireReply bad = admin(u"convert"_s, body);
            QCOMPARE(bad.status, 400);
            QCOMPARE(bad.object().value(u"error").toString(), code);
        }
        QCOMPARE(readAll(live).value(u"IsConverted").toBool(), false);
        const WireReply notJson
            = m_wire->send("POST", m_sandbox->instanceUrl() + u"/__sandbox/convert"_s, "{nope");
        QCOMPARE(notJson.status, 400);
    }
};

QTEST_GUILESS_MAIN(TestSandboxLifecycle)
#include "TestSandboxLifecycle.moc"
