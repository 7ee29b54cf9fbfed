#include "SfWire.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QUrl>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// /query and /queryAll over the wire: 2,000-row pages, batchSize, locators, queryAll,
// relationship fields, COUNT() and error bodies.
class TestSandboxQuery : public QObject
{
    Q_OBJECT

    static constexpr int kLeads = 2500;
    ManualClock m_clock;
    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;

    WireReply query(const QString &soql, const QByteArray &options = {}, bool all = false)
    {
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!options.isEmpty())
            headers.emplaceBack("Sforce-Query-Options", options);
        return m_wire->rest("GET",
                            (all ? u"/queryAll?q="_s : u"/query?q="_s)
                                + QString::fromLatin1(QUrl::toPercentEncoding(soql)),
                            {}, headers);
    }
    WireReply next(const QString &nextRecordsUrl, const QByteArray &options = {})
    {
        QList<std::pair<QByteArray, QByteArray>> headers {
            {"Authorization", "Bearer " + m_wire->token.toLatin1()}};
        if (!options.isEmpty())
            headers.emplaceBack("Sforce-Query-Options", options);
        return m_wire->send("GET", m_sandbox->instanceUrl() + nextRecordsUrl, {}, headers);
    }

private slots:
    void initTestCase()
    {
        m_sandbox = std::make_unique<SalesforceSandbox>(SandboxConfig(), m_clock);
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
        QVERIFY(m_sandbox
                    ->createRecord(u"People__c"_s,
                                   {{u"Name"_s, u"Agent"_s}, {u"Platform_Agent_Id__c"_s, u"A-1"_s}})
                    .ok());
        QJsonArray leads;
        for (int i = 0; i < kLeads; ++i) {
            QJsonObject lead {
                {u"LastName"_s, u"Lead %1"_s.arg(i)},
                {u"Company"_s, u"Acme"_s},
                {u"Platform_Lead_Id__c"_s, u"Q-%1"_s.arg(i, 5, 10, QLatin1Char('0'))}};
            if (i % 10 == 0)
                lead.insert(u"Assigned_Agent__r.Platform_Agent_Id__c"_s, u"A-1"_s);
            leads.append(lead);
        }
        const auto seeded
            = m_sandbox->seedJson(QJsonDocument(QJsonObject {{u"Lead"_s, leads}}).toJson());
        QVERIFY2(seeded.ok(), seeded.ok() ? "" : qPrintable(seeded.error().message));
        QCOMPARE(seeded->value(u"Lead"_s), kLeads);
    }

    void pages_data()
    {
        QTest::addColumn<QByteArray>("options");
        QTest::addColumn<int>("pageSize");
        QTest::newRow("default 2000") << QByteArray() << 2000;
        QTest::newRow("batchSize=500") << QByteArray("batchSize=500") << 500;
        QTest::newRow("below minimum") << QByteArray("batchSize=10") << 200;
        QTest::newRow("above maximum") << QByteArray("batchSize=5000") << 2000;
        QTest::newRow("unreadable") << QByteArray("batchSize=many") << 2000;
    }
    void pages()
    {
        QFETCH(QByteArray, options);
        QFETCH(int, pageSize);
        const qint64 usedBefore = m_sandbox->apiUsed();
        WireReply r = query(
            u"SELECT Id, Platform_Lead_Id__c FROM Lead ORDER BY Platform_Lead_Id__c"_s, options);
        QStringList keys;
        QSet<QString> ids;
        int pages = 0;
        while (true) {
            QCOMPARE(r.status, 200);
            const QJsonObject o = r.object();
            QCOMPARE(o.value(u"totalSize").toInt(), kLeads);
            const QJsonArray records = o.value(u"records").toArray();
            for (const QJsonValue &v : records) {
                keys.append(v.toObject().value(u"Platform_Lead_Id__c").toString());
                ids.insert(v.toObject().value(u"Id").toString());
            }
            ++pages;
            if (o.value(u"done").toBool()) {
                QVERIFY(!o.contains(u"nextRecordsUrl"));
                break;
            }
            QCOMPARE(records.size(), pageSize);
            const QString url = o.value(u"nextRecordsUrl").toString();
            QVERIFY2(QRegularExpression(u"^/services/data/v62\\.0/query/01g[0-9A-Za-z]{15}-"_s
                                        + QString::number(pages * pageSize) + u'$')
                         .match(url)
                         .hasMatch(),
                     qPrintable(url));
            r = next(url);
        }
        QCOMPARE(pages, (kLeads + pageSize - 1) / pageSize);
        QCOMPARE(keys.size(), kLeads);
        QCOMPARE(ids.size(), kLeads);
        QCOMPARE(keys.first(), u"Q-00000"_s);
        QCOMPARE(keys.last(), u"Q-02499"_s);
        QCOMPARE(m_sandbox->apiUsed() - usedBefore, pages); // each page is one call
    }

    void recordShape()
    {
        const WireReply r
            = query(u"SELECT Platform_Lead_Id__c, Assigned_Agent__r.Platform_Agent_Id__c, "
                    u"Assigned_Agent__r.Name, Id FROM Lead WHERE Platform_Lead_Id__c IN "
                    u"('Q-00000', 'Q-00001') ORDER BY Platform_Lead_Id__c"_s);
        QCOMPARE(r.status, 200);
        const QJsonArray records = r.object().value(u"records").toArray();
        QCOMPARE(records.size(), 2);
        QVERIFY(r.body.contains("\"records\":[{\"attributes\":{\"type\":\"Lead\",\"url\":\"/"
                                "services/data/v62.0/sobjects/Lead/"));
        // Field order follows the SELECT list; the relationship is one nested record.
        const qsizetype key = r.body.indexOf("\"Platform_Lead_Id__c\":\"Q-00000\"");
        const qsizetype rel
            = r.body.indexOf("\"Assigned_Agent__r\":{\"attributes\":{\"type\":\"People__c\"");
        const qsizetype id = r.body.indexOf("\"Id\":", rel);
        QVERIFY(key > 0 && rel > key && id > rel);
        const QJsonObject agent = records[0].toObject().value(u"Assigned_Agent__r").toObject();
        QCOMPARE(agent.value(u"Platform_Agent_Id__c").toString(), u"A-1"_s);
        QCOMPARE(agent.value(u"Name").toString(), u"Agent"_s);
        QVERIFY(records[1].toObject().value(u"Assigned_Agent__r").isNull());
    }

    void countAndFilters()
    {
        WireReply r = query(
            u"SELECT COUNT() FROM Lead WHERE Assigned_Agent__r.Platform_Agent_Id__c = 'A-1'"_s);
        QCOMPARE(r.body, QByteArray("{\"totalSize\":250,\"done\":true,\"records\":[]}"));
        // '+' for spaces, as Composite examples write queries.
        r = m_wire->rest(
            "GET",
            u"/query/?q=SELECT+COUNT()+FROM+Lead+WHERE+Platform_Lead_Id__c+LIKE+'Q-0000%25'"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"totalSize").toInt(), 10);
    }

    void queryAllAndDeletes()
    {
        const auto victim
            = m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"Q-00007"_s);
        QVERIFY(m_sandbox->deleteRecord(u"Lead"_s, victim->value(u"Id").toString()).ok());
        const QString soql
            = u"SELECT Id, IsDeleted FROM Lead WHERE Platform_Lead_Id__c = 'Q-00007'"_s;
        QCOMPARE(query(soql).object().value(u"totalSize").toInt(), 0);
        const WireReply all = query(soql, {}, true);
        QCOMPARE(all.object().value(u"totalSize").toInt(), 1);
        QCOMPARE(all.object()
                     .value(u"records")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"IsDeleted")
                     .toBool(),
                 true);
        // queryAll pages through /query/ locators as well.
        const WireReply paged = query(u"SELECT Id FROM Lead"_s, "batchSize=2000", true);
        QCOMPARE(paged.object().value(u"totalSize").toInt(), kLeads);
        QVERIFY(paged.object().value(u"nextRecordsUrl").toString().contains(u"/query/01g"_s));
        QCOMPARE(query(u"SELECT Id FROM Lead"_s).object().value(u"totalSize").toInt(), kLeads - 1);
        const auto update = m_sandbox->updateRecord(u"Lead"_s, victim->value(u"Id").toString(), {});
        QVERIFY(!update.ok());
        QCOMPARE(update.error().code, u"ENTITY_IS_DELETED"_s);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("syntax") << u"/query?q=SELEKT+Id+FROM+Lead"_s << 400
                                << QByteArray("[{\"message\":\"unexpected token: "
                                              "SELEKT\",\"errorCode\":\"MALFORMED_QUERY\"}]");
        QTest::newRow("unknown column")
            << u"/query?q=SELECT+Bacon__c+FROM+Lead+LIMIT+2"_s << 400
            << QByteArray(
                   "[{\"message\":\"\\nSELECT Bacon__c FROM Lead LIMIT 2\\n       ^\\nERROR at "
                   "Row:1:Column:8\\nNo such column 'Bacon__c' on entity 'Lead'. If you are "
                   "attempting to use a custom field, be sure to append the '__c' after the "
                   "custom field name. Please reference your WSDL or the describe call for "
                   "the appropriate names.\",\"errorCode\":\"INVALID_FIELD\"}]");
        QTest::newRow("no q") << u"/query"_s << 400
                              << QByteArray("[{\"message\":\"A query string has to be "
                                            "specified\",\"errorCode\":\"MALFORMED_QUERY\"}]");
        QTest::newRow("unknown locator")
            << u"/query/01g8c000000000zAAA-2000"_s << 400
            << QByteArray("[{\"message\":\"invalid query "
                          "locator\",\"errorCode\":\"INVALID_QUERY_LOCATOR\"}]");
        QTest::newRow("garbage locator")
            << u"/query/nonsense"_s << 400
            << QByteArray("[{\"message\":\"invalid query "
                          "locator\",\"errorCode\":\"INVALID_QUERY_LOCATOR\"}]");
    }
    void errors()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        const WireReply r = m_wire->rest("GET", path);
        QCOMPARE(r.status, status);
        QCOMPARE(r.body, body);
    }

    void locatorsExpire()
    {
        const WireReply first = query(u"SELECT Id FROM Lead"_s);
        const QString url = first.object().value(u"nextRecordsUrl").toString();
        QCOMPARE(next(url).status, 200);
        m_clock.advanceMs(15 * 60 * 1000 + 1);
        const WireReply expired = next(url);
        QCOMPARE(expired.status, 400);
        QCOMPARE(expired.errorCode(), u"INVALID_QUERY_LOCATOR"_s);
    }

    void pagingThroughput()
    {
        // A printed figure only.
        QElapsedTimer timer;
        timer.start();
        int rows = 0;
        WireReply r = query(u"SELECT Id, Platform_Lead_Id__c, SystemModstamp FROM Lead "
                            u"ORDER BY SystemModstamp, Id"_s);
        while (true) {
            rows += int(r.object().value(u"records").toArray().size());
            if (r.object().value(u"done").toBool())
                break;
            r = next(r.object().value(u"nextRecordsUrl").toString());
        }
        QCOMPARE(rows, kLeads - 1);
        qInfo("query paging over HTTP: %.0f records/s",
              rows * 1000.0 / qMax<qint64>(1, timer.elapsed()));
    }
};

QTEST_GUILESS_MAIN(TestSandboxQuery)
#include "TestSandboxQuery.moc"
