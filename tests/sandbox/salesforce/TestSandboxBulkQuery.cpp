#include "SfBulk.h"
#include "salesforce/SandboxOrg.h"
#include "util/Clock.h"

#include <QSet>
#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// Bulk API 2.0 query jobs over the wire: states, CSV results (all quoted, null as ""), paging
// with Sforce-Locator up to the literal "null", maxRecords, queryAll, errors and limits.
class TestSandboxBulkQuery : public QObject
{
    Q_OBJECT

    static constexpr int kLeads = 2500;
    ManualClock m_clock;
    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;
    std::unique_ptr<SfBulk> m_bulk;
    QString m_deletedId;

    QString runQuery(const QString &soql, const QString &operation = u"query"_s,
                     const QJsonObject &extra = {})
    {
        QJsonObject body {{u"operation"_s, operation}, {u"query"_s, soql}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        const WireReply r = m_bulk->create(u"query"_s, body);
        if (r.status != 200)
            return {};
        const QString id = r.object().value(u"id").toString();
        return m_bulk->waitDone(u"query"_s, id).value(u"state").toString() == "JobComplete"_L1
            ? id
            : QString();
    }
    WireReply page(const QString &id, const QString &query = {})
    {
        return m_bulk->get(u"/jobs/query/"_s + id + u"/results"_s + query);
    }

private slots:
    void initTestCase()
    {
        m_sandbox = std::make_unique<SalesforceSandbox>(SandboxConfig(), m_clock);
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
        m_bulk = std::make_unique<SfBulk>(*m_wire, *m_sandbox);
        QVERIFY(m_sandbox
                    ->createRecord(u"People__c"_s,
                                   {{u"Name"_s, u"Agent"_s}, {u"Platform_Agent_Id__c"_s, u"A-1"_s}})
                    .ok());
        QJsonArray leads;
        for (int i = 0; i < kLeads; ++i) {
            QJsonObject lead {
                {u"LastName"_s, u"Lead \"%1\""_s.arg(i)},
                {u"Company"_s, u"Acme, Inc"_s},
                {u"Platform_Lead_Id__c"_s, u"Q-%1"_s.arg(i, 5, 10, QLatin1Char('0'))}};
            if (i == 0) {
                lead.insert(u"Assigned_Agent__r.Platform_Agent_Id__c"_s, u"A-1"_s);
                lead.insert(u"Lead_Score__c"_s, 42);
            }
            leads.append(lead);
        }
        QVERIFY(m_sandbox->seedJson(QJsonDocument(QJsonObject {{u"Lead"_s, leads}}).toJson()).ok());
        const auto gone = m_sandbox->createRecord(
            u"Lead"_s, {{u"LastName"_s, u"Gone"_s}, {u"Company"_s, u"X"_s}});
        QVERIFY(gone.ok());
        m_deletedId = *gone;
        QVERIFY(m_sandbox->deleteRecord(u"Lead"_s, m_deletedId).ok());
    }

    void jobInfo()
    {
        const WireReply r = m_bulk->create(
            u"query"_s, {{u"operation"_s, u"query"_s}, {u"query"_s, u"SELECT Id FROM Lead"_s}});
        QCOMPARE(r.status, 200);
        const QJsonObject job = r.object();
        QVERIFY(job.value(u"id").toString().startsWith(u"750"));
        QCOMPARE(job.value(u"state").toString(), u"UploadComplete"_s);
        QCOMPARE(job.value(u"object").toString(), u"Lead"_s);
        QCOMPARE(job.value(u"jobType").toString(), u"V2Query"_s);
        QCOMPARE(job.value(u"operation").toString(), u"query"_s);
        const QJsonObject done = m_bulk->waitDone(u"query"_s, job.value(u"id").toString());
        QCOMPARE(done.value(u"state").toString(), u"JobComplete"_s);
        QCOMPARE(done.value(u"numberRecordsProcessed").toInt(), kLeads);
        const WireReply list = m_bulk->get(u"/jobs/query"_s);
        QCOMPARE(list.object().value(u"records").toArray().last().toObject().value(u"id"),
                 job.value(u"id"));
    }

    void paging_data()
    {
        QTest::addColumn<QString>("maxRecords");
        QTest::addColumn<int>("pageSize");
        QTest::newRow("default: one page") << QString() << kLeads;
        QTest::newRow("maxRecords=1000") << u"1000"_s << 1000;
        QTest::newRow("maxRecords=2500") << u"2500"_s << 2500;
        QTest::newRow("maxRecords=7") << u"7"_s << 7;
    }
    void paging()
    {
        QFETCH(QString, maxRecords);
        QFETCH(int, pageSize);
        const QString id = runQuery(u"SELECT Id, Platform_Lead_Id__c FROM Lead"_s);
        QVERIFY(!id.isEmpty());
        const qint64 callsBefore = m_sandbox->apiUsed();
        QSet<QByteArray> ids;
        QString locator;
        int pages = 0;
        for (;;) {
            QString query;
            if (!maxRecords.isEmpty())
                query = u"?maxRecords="_s + maxRecords;
            if (!locator.isEmpty())
                query += (query.isEmpty() ? u"?"_s : u"&"_s) + u"locator="_s + locator;
            const WireReply r = page(id, query);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("content-type"), "text/csv");
            ++pages;
            QList<QByteArray> lines = r.body.split('\n');
            QCOMPARE(lines.takeLast(), QByteArray()); // every row ends in LF
            // The header is on every page.
            QCOMPARE(lines.takeFirst(), "\"Id\",\"Platform_Lead_Id__c\"");
            QCOMPARE(r.header("sforce-numberofrecords"), QByteArray::number(lines.size()));
            for (const QByteArray &line : lines)
                ids.insert(line.left(20));
            locator = QString::fromLatin1(r.header("sforce-locator"));
            QVERIFY(!locator.isEmpty());
            if (locator == "null"_L1)
                break;
            QCOMPARE(lines.size(), pageSize);
            QVERIFY(pages < 1000);
        }
        QCOMPARE(pages, (kLeads + pageSize - 1) / pageSize);
        QCOMPARE(ids.size(), kLeads);
        QCOMPARE(m_sandbox->apiUsed() - callsBefore, pages);
    }

    void values()
    {
        const QString id = runQuery(
            u"SELECT Platform_Lead_Id__c, LastName, Company, Email, Lead_Score__c, "
            u"Assigned_Agent__r.Platform_Agent_Id__c FROM Lead WHERE Platform_Lead_Id__c IN "
            u"('Q-00000', 'Q-00001') ORDER BY Platform_Lead_Id__c"_s,
            u"query"_s, {{u"columnDelimiter"_s, u"SEMICOLON"_s}, {u"lineEnding"_s, u"CRLF"_s}});
        QVERIFY(!id.isEmpty());
        const WireReply r = page(id);
        // Every value quoted, quotes doubled, null as "", columns in SELECT order.
        QCOMPARE(r.body,
                 "\"Platform_Lead_Id__c\";\"LastName\";\"Company\";\"Email\";\"Lead_Score__c\";"
                 "\"Assigned_Agent__r.Platform_Agent_Id__c\"\r\n"
                 "\"Q-00000\";\"Lead \"\"0\"\"\";\"Acme, Inc\";\"\";\"42\";\"A-1\"\r\n"
                 "\"Q-00001\";\"Lead \"\"1\"\"\";\"Acme, Inc\";\"\";\"\";\"\"\r\n");
    }

    void queryAll()
    {
        const QString soql = u"SELECT Id FROM Lead WHERE LastName = 'Gone'"_s;
        QString id = runQuery(soql);
        QCOMPARE(page(id).header("sforce-numberofrecords"), "0");
        id = runQuery(soql, u"queryAll"_s);
        const WireReply r = page(id);
        QCOMPARE(r.header("sforce-numberofrecords"), "1");
        QVERIFY(r.body.contains(m_deletedId.toLatin1()));
    }

    void errors()
    {
        WireReply r = m_bulk->create(
            u"query"_s,
            {{u"operation"_s, u"query"_s}, {u"query"_s, u"SELECT Nope__c FROM Lead"_s}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALID_FIELD"_s);
        r = m_bulk->create(
            u"query"_s,
            {{u"operation"_s, u"query"_s}, {u"query"_s, u"SELECT COUNT() FROM Lead"_s}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALIDJOB"_s);
        r = m_bulk->create(u"query"_s,
                           {{u"operation"_s, u"insert"_s}, {u"query"_s, u"SELECT Id FROM Lead"_s}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.message(), u"Invalid operation 'insert': use query or queryAll"_s);

        const QString id = runQuery(u"SELECT Id FROM Lead"_s);
        r = page(id, u"?locator=not-a-locator!"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALID_LOCATOR"_s);
        r = page(id, u"?maxRecords=0"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALID_MAX_RECORDS"_s);
        // Results are read with the API version the job was created with.
        r = m_wire->send("GET", m_sandbox->restBaseUrl(61) + u"/jobs/query/"_s + id + u"/results"_s,
                         {}, {{"Authorization", "Bearer " + m_wire->token.toLatin1()}});
        QCOMPARE(r.status, 409);
        r = m_bulk->setState(u"query"_s, id, u"Aborted"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.message(), u"Aborting already Completed Job not allowed"_s);
        QCOMPARE(m_bulk->info(u"query"_s, u"7508c000000000AAAA"_s).status, 404);
    }

    void notCompleteAndAbort()
    {
        FaultConfig slow;
        slow.bulkSlowMs = 600'000;
        m_sandbox->setFaults(slow);
        const WireReply created = m_bulk->create(
            u"query"_s, {{u"operation"_s, u"query"_s}, {u"query"_s, u"SELECT Id FROM Lead"_s}});
        const QString id = created.object().value(u"id").toString();
        WireReply r = page(id);
        QCOMPARE(r.status, 412);
        QCOMPARE(r.errorCode(), u"JOB_NOT_COMPLETE"_s);
        QCOMPARE(r.message(),
                 u"can only download query results of successfully completed bulk job with "
                 u"status: JOB_COMPLETE. Current status: UPLOAD_COMPLETE"_s);
        r = m_bulk->setState(u"query"_s, id, u"Aborted"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"state").toString(), u"Aborted"_s);
        QCOMPARE(page(id).status, 412);
        QCOMPARE(m_wire->rest("DELETE", u"/jobs/query/"_s + id).status, 204);

        FaultConfig fail;
        fail.bulkFailRate = 1.0;
        m_sandbox->setFaults(fail);
        const WireReply failing = m_bulk->create(
            u"query"_s, {{u"operation"_s, u"query"_s}, {u"query"_s, u"SELECT Id FROM Lead"_s}});
        const QJsonObject done
            = m_bulk->waitDone(u"query"_s, failing.object().value(u"id").toString());
        QCOMPARE(done.value(u"state").toString(), u"Failed"_s);
        m_sandbox->setFaults({});
    }

    void limits()
    {
        const auto remaining = [this](const QString &key) {
            return m_wire->rest("GET", u"/limits"_s)
                .object()
                .value(key)
                .toObject()
                .value(u"Remaining")
                .toInt();
        };
        const int jobs = remaining(u"DailyBulkV2QueryJobs"_s);
        QVERIFY(!runQuery(u"SELECT Id, LastName, Company FROM Lead"_s).isEmpty());
        QCOMPARE(remaining(u"DailyBulkV2QueryJobs"_s), jobs - 1);
        QVERIFY(m_sandbox->org().usage().bulkQueryBytes() > kLeads * 20);
        QVERIFY(remaining(u"DailyBulkV2QueryFileStorageMB"_s) < 976562);
    }
};

QTEST_GUILESS_MAIN(TestSandboxBulkQuery)
#include "TestSandboxBulkQuery.moc"
