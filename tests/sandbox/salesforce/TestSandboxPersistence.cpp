#include "SfWire.h"
#include "salesforce/SalesforceId.h"
#include "salesforce/SandboxOrg.h"
#include "util/Clock.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

namespace {

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

// The state file (save, load, restart) and seeding from JSON and CSV, good and broken.
class TestSandboxPersistence : public QObject
{
    Q_OBJECT

    ManualClock m_clock;

    // Every record of an object (deleted ones too) in row order, all fields.
    static QJsonArray dump(SalesforceSandbox &sandbox, const QString &object)
    {
        QJsonArray out;
        const RecordTable *table = sandbox.org().data().table(object);
        for (int row = 0; row < table->rowCount(); ++row)
            out.append(*sandbox.record(object, table->at(row).id));
        return out;
    }

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"state.json"_s);
        QStringList leadIds;
        QJsonArray leadsBefore;
        QJsonArray peopleBefore;
        {
            SalesforceSandbox a(SandboxConfig(), m_clock);
            QVERIFY(a.markExternalId(u"People__c"_s, u"Email__c"_s, false).ok());
            const QString agent = *a.createRecord(u"People__c"_s,
                                                  {{u"Name"_s, u"Agent"_s},
                                                   {u"Email__c"_s, u"a@x.co"_s},
                                                   {u"States__c"_s, u"CA;NY"_s},
                                                   {u"Platform_Agent_Id__c"_s, u"A-1"_s}});
            for (int i = 0; i < 5; ++i) {
                m_clock.advanceMs(1000);
                leadIds.append(*a.createRecord(u"Lead"_s,
                                               {{u"LastName"_s, u"L%1"_s.arg(i)},
                                                {u"Company"_s, u"Acme, \"Inc\""_s},
                                                {u"Lead_Score__c"_s, i * 10},
                                                {u"Assigned_Agent__c"_s, agent},
                                                {u"Platform_Lead_Id__c"_s, u"S-%1"_s.arg(i)}},
                                               u"LeadBridge"_s));
            }
            QVERIFY(a.deleteRecord(u"Lead"_s, leadIds[2]).ok());
            a.setApiUsage(1234, 5000);
            leadsBefore = dump(a, u"Lead"_s);
            peopleBefore = dump(a, u"People__c"_s);
            const auto saved = a.saveState(path);
            QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
        }
        SalesforceSandbox b(SandboxConfig(), m_clock);
        const auto loaded = b.loadState(path);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
        QCOMPARE(dump(b, u"Lead"_s), leadsBefore);
        QCOMPARE(dump(b, u"People__c"_s), peopleBefore);
        QCOMPARE(b.recordCount(u"Lead"_s), 4);
        QCOMPARE(b.recordCount(u"Lead"_s, true), 5);
        QCOMPARE(b.apiUsed(), 1234);
        QCOMPARE(b.apiMax(), 5000);
        // Indexes are rebuilt, the non-unique external id is kept, ids keep counting.
        QVERIFY(b.recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"s-4"_s));
        QVERIFY(b.recordByExternalId(u"People__c"_s, u"Email__c"_s, u"a@x.co"_s));
        m_clock.advanceMs(1000);
        const auto next
            = b.createRecord(u"Lead"_s, {{u"LastName"_s, u"N"_s}, {u"Company"_s, u"C"_s}});
        QVERIFY(next.ok());
        QVERIFY(!leadIds.contains(*next));
        QVERIFY(*next > leadIds.last());
        QVERIFY(!b.createRecord(u"Lead"_s,
                                {{u"LastName"_s, u"N"_s},
                                 {u"Company"_s, u"C"_s},
                                 {u"Platform_Lead_Id__c"_s, u"S-1"_s}})
                     .ok()); // uniqueness survives the trip
    }

    void startLoadsAndStopSaves()
    {
        QTemporaryDir dir;
        SandboxConfig config;
        config.statePath = dir.filePath(u"org.json"_s);
        config.saveIntervalSecs = 0;
        QString id;
        {
            SalesforceSandbox a(config, m_clock);
            QVERIFY(a.start().ok());
            SfWire wire(a);
            wire.login();
            const WireReply r = wire.rest("POST", u"/sobjects/Lead"_s,
                                          QByteArray("{\"LastName\":\"Kept\",\"Company\":\"K\"}"));
            QCOMPARE(r.status, 201);
            id = r.object().value(u"id").toString();
            // The admin endpoint can save on demand too.
            QCOMPARE(wire.send("POST", a.instanceUrl() + u"/__sandbox/save"_s).status, 200);
            QVERIFY(QFile::exists(config.statePath));
            QVERIFY(a.updateRecord(u"Lead"_s, id, {{u"Company"_s, u"After"_s}}).ok());
            a.stop();
        }
        SalesforceSandbox b(config, m_clock);
        QVERIFY(b.start().ok());
        QCOMPARE(b.record(u"Lead"_s, id)->value(u"Company").toString(), u"After"_s);
    }

    void brokenStateFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << QByteArray("{oops") << u"is not valid JSON"_s;
        QTest::newRow("other format")
            << QByteArray("{\"format\":\"x\",\"version\":1}") << u"not a sandbox state file"_s;
        QTest::newRow("bad id") << QByteArray(
            "{\"format\":\"leadbridge-salesforce-sandbox-state\",\"version\":1,"
            "\"objects\":{\"Lead\":[{\"Id\":\"bogus\"}]}}")
                                << u"Lead record 0 has a bad or duplicate Id"_s;
        QTest::newRow("unknown object")
            << QByteArray("{\"format\":\"leadbridge-salesforce-sandbox-state\",\"version\":1,"
                          "\"objects\":{\"Leed\":[]}}")
            << u"unknown object 'Leed'"_s;
    }
    void brokenStateFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        QTemporaryDir dir;
        SandboxConfig config;
        config.statePath = dir.filePath(u"bad.json"_s);
        QVERIFY(writeFile(config.statePath, content));
        SalesforceSandbox sandbox(config, m_clock);
        const auto started = sandbox.start();
        QVERIFY(!started.ok());
        QVERIFY2(started.error().message.contains(message), qPrintable(started.error().message));
        QVERIFY(started.error().message.contains(config.statePath));
        QVERIFY(!sandbox.isRunning());
        QCOMPARE(sandbox.recordCount(u"Lead"_s, true), 0);
    }

    void seedJson()
    {
        SalesforceSandbox sandbox(SandboxConfig(), m_clock);
        const QString id = lb::salesforce::SalesforceId::to18(u"00Q8c0000SEED01"_s);
        const QByteArray seed = "{\"Lead\":[{\"Id\":\"" + id.toLatin1()
            + "\",\"LastName\":\"A\",\"Company\":\"B\",\"CreatedDate\":\"2020-01-01T00:00:00Z\","
              "\"SystemModstamp\":\"2020-01-02T00:00:00Z\","
              "\"Assigned_Agent__r\":{\"Platform_Agent_Id__c\":\"A-1\"}}],"
              "\"People__c\":[{\"Name\":\"Agent\",\"Platform_Agent_Id__c\":\"A-1\"}]}";
        const auto counts = sandbox.seedJson(seed);
        QVERIFY2(counts.ok(), counts.ok() ? "" : qPrintable(counts.error().message));
        QCOMPARE(counts->value(u"Lead"_s), 1);
        QCOMPARE(counts->value(u"People__c"_s), 1);
        const auto lead = sandbox.record(u"Lead"_s, id);
        QVERIFY(lead);
        QCOMPARE(lead->value(u"CreatedDate").toString(), u"2020-01-01T00:00:00.000+0000"_s);
        QCOMPARE(lead->value(u"SystemModstamp").toString(), u"2020-01-02T00:00:00.000+0000"_s);
        QVERIFY(lead->value(u"Assigned_Agent__c").toString().startsWith(u"a01"_s));
        QCOMPARE(sandbox.writeLog().size(), 0); // seeding is not a client write
        QCOMPARE(sandbox.apiUsed(), 0);
    }

    void brokenSeeds_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << QByteArray("{\"Lead\":[") << u"seed JSON: "_s;
        QTest::newRow("not an object")
            << QByteArray("[]") << u"seed JSON must be an object of record arrays"_s;
        QTest::newRow("unknown object")
            << QByteArray("{\"Leed\":[]}") << u"seed: unknown object 'Leed'"_s;
        QTest::newRow("not an array")
            << QByteArray("{\"Lead\":{}}") << u"seed: 'Lead' must be an array of records"_s;
        QTest::newRow("record not an object")
            << QByteArray("{\"Lead\":[1]}") << u"Lead record 0 is not an object"_s;
        QTest::newRow("unknown field")
            << QByteArray("{\"Lead\":[{\"LastName\":\"A\",\"Company\":\"B\"},{\"Foo__c\":1}]}")
            << u"Lead record 1: INVALID_FIELD: No such column 'Foo__c' on sobject of type Lead"_s;
        QTest::newRow("required field")
            << QByteArray("{\"Lead\":[{\"LastName\":\"A\"}]}")
            << u"Lead record 0: REQUIRED_FIELD_MISSING: Required fields are missing: [Company]"_s;
        QTest::newRow("bad picklist")
            << QByteArray("{\"Lead\":[{\"LastName\":\"A\",\"Company\":\"B\",\"Status\":\"Hot\"}]}")
            << u"Lead record 0: INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Status: bad value"_s;
        QTest::newRow("duplicate key in the seed")
            << QByteArray("{\"Lead\":[{\"LastName\":\"A\",\"Company\":\"B\",\"Platform_Lead_Id__"
                          "c\":\"X\"},"
                          "{\"LastName\":\"A\",\"Company\":\"B\",\"Platform_Lead_Id__c\":\"x\"}]}")
            << u"Lead record 1: DUPLICATE_VALUE: duplicate value found: Platform_Lead_Id__c"_s;
        QTest::newRow("id of another object") << QByteArray(
            "{\"Lead\":[{\"Id\":\"a018c000zzzzzzzAAA\",\"LastName\":\"A\",\"Company\":\"B\"}]}")
                                              << u"Lead record 0: MALFORMED_ID"_s;
    }
    void brokenSeeds()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        SalesforceSandbox sandbox(SandboxConfig(), m_clock);
        const auto counts = sandbox.seedJson(json);
        QVERIFY(!counts.ok());
        QVERIFY2(counts.error().message.startsWith(message), qPrintable(counts.error().message));
        QCOMPARE(sandbox.recordCount(u"Lead"_s, true), 0); // all or nothing
    }

    void seedCsv()
    {
        SalesforceSandbox sandbox(SandboxConfig(), m_clock);
        QVERIFY(sandbox
                    .seedCsv(u"People__c"_s,
                             "Name,Platform_Agent_Id__c,Active__c,Capacity__c,States__c\n"
                             "Agent,A-1,true,12,CA;NY\n")
                    .ok());
        const auto count = sandbox.seedCsv(
            u"Lead"_s,
            "LastName,Company,Email,Lead_Score__c,Assigned_Agent__r.Platform_Agent_Id__c\r\n"
            "\"O'Hara, Jr.\",\"Acme \"\"One\"\"\",oh@example.com,7,A-1\r\n"
            "Plain,Acme,,,\r\n");
        QVERIFY2(count.ok(), count.ok() ? "" : qPrintable(count.error().message));
        QCOMPARE(*count, 2);
        const auto agent
            = sandbox.recordByExternalId(u"People__c"_s, u"Platform_Agent_Id__c"_s, u"A-1"_s);
        QCOMPARE(agent->value(u"Active__c").toBool(), true);
        QCOMPARE(agent->value(u"Capacity__c").toDouble(), 12.0);
        QCOMPARE(sandbox.recordCount(u"Lead"_s), 2);
    }

    void brokenCsv_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("message");
        QTest::newRow("field count") << QByteArray("LastName,Company\nA,B\nC\n")
                                     << u"Lead CSV: line 3: expected 2 fields, found 1"_s;
        QTest::newRow("unclosed quote") << QByteArray("LastName,Company\n\"A,B\n")
                                        << u"Lead CSV: line 2: a quoted field is not closed"_s;
        QTest::newRow("unknown column")
            << QByteArray("LastName,Company,Nope\nA,B,C\n")
            << u"Lead CSV line 2: INVALID_FIELD: No such column 'Nope' on sobject of type Lead"_s;
        QTest::newRow("bad value")
            << QByteArray("LastName,Company,Email\nA,B,ok@example.com\nA,B,not-an-email\n")
            << u"Lead CSV line 3: INVALID_EMAIL_ADDRESS: Email: invalid email address: "
               u"not-an-email"_s;
        QTest::newRow("bad number") << QByteArray("LastName,Company,Lead_Score__c\nA,B,high\n")
                                    << u"Lead CSV line 2: JSON_PARSER_ERROR"_s;
        QTest::newRow("empty") << QByteArray() << u"Lead CSV: no header row"_s;
    }
    void brokenCsv()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, message);
        SalesforceSandbox sandbox(SandboxConfig(), m_clock);
        const auto count = sandbox.seedCsv(u"Lead"_s, csv);
        QVERIFY(!count.ok());
        QVERIFY2(count.error().message.startsWith(message), qPrintable(count.error().message));
        QCOMPARE(sandbox.recordCount(u"Lead"_s, true), 0);
    }

    void seedFilesAndAdminSeed()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(u"Lead.csv"_s), "LastName,Company\nA,B\n"));
        QVERIFY(writeFile(dir.filePath(u"org.json"_s), "{\"People__c\":[{\"Name\":\"P\"}]}"));
        SalesforceSandbox sandbox(SandboxConfig(), m_clock);
        QCOMPARE(sandbox.seedFile(dir.filePath(u"Lead.csv"_s))->value(u"Lead"_s), 1);
        QCOMPARE(sandbox.seedFile(dir.filePath(u"org.json"_s))->value(u"People__c"_s), 1);
        const auto missing = sandbox.seedFile(dir.filePath(u"none.json"_s));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.startsWith(u"cannot read seed file"_s));

        QVERIFY(sandbox.start().ok());
        SfWire wire(sandbox);
        WireReply r = wire.send("POST", sandbox.instanceUrl() + u"/__sandbox/seed"_s,
                                "{\"Lead\":[{\"LastName\":\"C\",\"Company\":\"D\"}]}");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"inserted").toObject().value(u"Lead").toInt(), 1);
        r = wire.send("POST", sandbox.instanceUrl() + u"/__sandbox/seed?object=Lead"_s,
                      "LastName,Company\nE,F\nG,H\n", {{"Content-Type", "text/csv"}});
        QCOMPARE(r.object().value(u"inserted").toObject().value(u"Lead").toInt(), 2);
        r = wire.send("POST", sandbox.instanceUrl() + u"/__sandbox/seed"_s, "{\"Lead\":[{}]}");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.object().value(u"message").toString(),
                 u"Lead record 0: REQUIRED_FIELD_MISSING: Required fields are missing: [LastName, "
                 u"Company]"_s);
        QCOMPARE(sandbox.recordCount(u"Lead"_s), 4);
        QCOMPARE(wire.send("POST", sandbox.instanceUrl() + u"/__sandbox/reset"_s).status, 200);
        QCOMPARE(sandbox.recordCount(u"Lead"_s, true), 0);
    }
};

QTEST_GUILESS_MAIN(TestSandboxPersistence)
#include "TestSandboxPersistence.moc"
