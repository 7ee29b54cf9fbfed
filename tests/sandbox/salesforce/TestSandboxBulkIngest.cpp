#include "SfBulk.h"
#include "salesforce/SandboxOrg.h"
#include "util/Clock.h"

#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// Bulk API 2.0 ingest jobs over the wire: the state machine, uploads in every dialect, the three
// result sets with their exact headers, #N/A, errors for wrong transitions and bad input, faults
// and the /limits counters.
class TestSandboxBulkIngest : public QObject
{
    Q_OBJECT

    ManualClock m_clock;
    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;
    std::unique_ptr<SfBulk> m_bulk;

    static QJsonObject upsertJob()
    {
        return {{u"object"_s, u"Lead"_s},
                {u"operation"_s, u"upsert"_s},
                {u"externalIdFieldName"_s, u"Platform_Lead_Id__c"_s}};
    }
    QByteArray results(const QString &id, const QString &which)
    {
        const WireReply r = m_bulk->get(u"/jobs/ingest/"_s + id + u'/' + which + u'/');
        return r.status == 200 && r.header("content-type") == "text/csv" ? r.body : QByteArray();
    }
    QString createOpen(const QJsonObject &job)
    {
        const WireReply r = m_bulk->create(u"ingest"_s, job);
        return r.status == 200 ? r.object().value(u"id").toString() : QString();
    }
    static qsizetype countContaining(const QList<QByteArray> &lines, const QByteArray &needle)
    {
        return std::count_if(lines.begin(), lines.end(),
                             [&](const QByteArray &l) { return l.contains(needle); });
    }
    static QList<QByteArray> lines(const QByteArray &csv)
    {
        QList<QByteArray> out = csv.split('\n');
        if (!out.isEmpty() && out.constLast().isEmpty())
            out.removeLast();
        return out;
    }

private slots:
    void init()
    {
        m_sandbox = std::make_unique<SalesforceSandbox>(SandboxConfig(), m_clock);
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
        m_bulk = std::make_unique<SfBulk>(*m_wire, *m_sandbox);
    }
    void cleanup()
    {
        m_bulk.reset();
        m_wire.reset();
        m_sandbox.reset();
    }

    void lifecycleAndResults()
    {
        const qint64 batchesBefore = m_sandbox->org().usage().bulkBatches();
        WireReply created = m_bulk->create(u"ingest"_s, upsertJob());
        QCOMPARE(created.status, 200);
        const QJsonObject job = created.object();
        const QString id = job.value(u"id").toString();
        QVERIFY2(id.startsWith(u"750") && id.size() == 18, qPrintable(id));
        QCOMPARE(job.value(u"state").toString(), u"Open"_s);
        QCOMPARE(job.value(u"contentUrl").toString(),
                 u"services/data/v62.0/jobs/ingest/"_s + id + u"/batches"_s);
        QCOMPARE(job.value(u"apiVersion").toDouble(), 62.0);
        QCOMPARE(job.value(u"lineEnding").toString(), u"LF"_s);
        QCOMPARE(job.value(u"columnDelimiter").toString(), u"COMMA"_s);
        QVERIFY(!job.contains(u"numberRecordsProcessed"));

        const QByteArray csv = "LastName,Company,Platform_Lead_Id__c,Email\n"
                               "Nguyen,Acme Ltd,L-1,nguyen@example.com\n"
                               "\"Okafor, Jr\",Globex,L-2,\n"
                               "NoCompany,,L-3,\n"
                               "Bad,Initech,L-4,not-an-email\n";
        WireReply up = m_bulk->upload(id, csv);
        QCOMPARE(up.status, 201);
        QVERIFY(up.body.isEmpty());
        // One upload per job.
        up = m_bulk->upload(id, csv);
        QCOMPARE(up.status, 400);
        QCOMPARE(up.errorCode(), u"INVALIDJOBSTATE"_s);

        const WireReply closed = m_bulk->setState(u"ingest"_s, id, u"UploadComplete"_s);
        QCOMPARE(closed.status, 200);
        QCOMPARE(closed.object().value(u"state").toString(), u"UploadComplete"_s);
        // Processing is asynchronous: results are not there yet.
        const WireReply early = m_bulk->get(u"/jobs/ingest/"_s + id + u"/successfulResults/"_s);
        QCOMPARE(early.status, 400);
        QCOMPARE(early.errorCode(), u"INVALIDJOBSTATE"_s);

        const QJsonObject done = m_bulk->waitDone(u"ingest"_s, id);
        QCOMPARE(done.value(u"state").toString(), u"JobComplete"_s);
        QCOMPARE(done.value(u"numberRecordsProcessed").toInt(), 4);
        QCOMPARE(done.value(u"numberRecordsFailed").toInt(), 2);
        QCOMPARE(done.value(u"jobType").toString(), u"V2Ingest"_s);

        const QList<QByteArray> ok = lines(results(id, u"successfulResults"_s));
        QCOMPARE(ok.size(), 3);
        QCOMPARE(ok[0], "\"sf__Id\",\"sf__Created\",LastName,Company,Platform_Lead_Id__c,Email");
        const auto l1
            = m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"L-1"_s);
        QVERIFY(l1);
        QVERIFY(
            ok.contains("\"" + l1->value(u"Id").toString().toLatin1()
                        + "\",\"true\",\"Nguyen\",\"Acme Ltd\",\"L-1\",\"nguyen@example.com\""));
        QCOMPARE(countContaining(ok, "\"Okafor, Jr\",\"Globex\",\"L-2\",\"\""), 1);

        const QList<QByteArray> failed = lines(results(id, u"failedResults"_s));
        QCOMPARE(failed.size(), 3);
        QCOMPARE(failed[0], "\"sf__Id\",\"sf__Error\",LastName,Company,Platform_Lead_Id__c,Email");
        QVERIFY(failed.contains("\"\",\"REQUIRED_FIELD_MISSING:Required fields are missing: "
                                "[Company]:Company --\",\"NoCompany\",\"\",\"L-3\",\"\""));
        QCOMPARE(countContaining(failed, "INVALID_EMAIL_ADDRESS:"), 1);

        QCOMPARE(results(id, u"unprocessedrecords"_s),
                 "LastName,Company,Platform_Lead_Id__c,Email\n");
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 2);
        QCOMPARE(m_sandbox->org().usage().bulkBatches() - batchesBefore, 1);

        // Upserting again updates: sf__Created is false.
        const QJsonObject again = m_bulk->ingest(
            upsertJob(), "LastName,Company,Platform_Lead_Id__c\nNguyen,Acme Two,L-1\n");
        QCOMPARE(again.value(u"state").toString(), u"JobComplete"_s);
        const QList<QByteArray> updated
            = lines(results(again.value(u"id").toString(), u"successfulResults"_s));
        QCOMPARE(updated.size(), 2);
        QVERIFY(updated[1].contains("\"false\",\"Nguyen\",\"Acme Two\",\"L-1\""));
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 2);
    }

    void dialects_data()
    {
        QTest::addColumn<QString>("delimiter");
        QTest::addColumn<QString>("lineEnding");
        QTest::addColumn<QByteArray>("separator");
        QTest::newRow("COMMA LF") << u"COMMA"_s << u"LF"_s << QByteArray(",");
        QTest::newRow("COMMA CRLF") << u"COMMA"_s << u"CRLF"_s << QByteArray(",");
        QTest::newRow("TAB") << u"TAB"_s << u"LF"_s << QByteArray("\t");
        QTest::newRow("PIPE CRLF") << u"PIPE"_s << u"CRLF"_s << QByteArray("|");
        QTest::newRow("SEMICOLON") << u"SEMICOLON"_s << u"LF"_s << QByteArray(";");
        QTest::newRow("CARET") << u"CARET"_s << u"LF"_s << QByteArray("^");
        QTest::newRow("BACKQUOTE") << u"BACKQUOTE"_s << u"LF"_s << QByteArray("`");
    }
    void dialects()
    {
        QFETCH(QString, delimiter);
        QFETCH(QString, lineEnding);
        QFETCH(QByteArray, separator);
        const QByteArray nl = lineEnding == "CRLF"_L1 ? "\r\n" : "\n";
        // A comma inside a value is data when the delimiter is something else; a quoted line
        // break is data in every dialect.
        const QByteArray csv = "LastName" + separator + "Company" + separator
            + "Platform_Lead_Id__c" + nl + "Smith" + separator + "\"A, B" + nl + "C\"" + separator
            + "D-1" + nl;
        QJsonObject job {{u"object"_s, u"Lead"_s},
                         {u"operation"_s, u"insert"_s},
                         {u"columnDelimiter"_s, delimiter},
                         {u"lineEnding"_s, lineEnding}};
        const QJsonObject done = m_bulk->ingest(job, csv);
        QCOMPARE(done.value(u"state").toString(), u"JobComplete"_s);
        QCOMPARE(done.value(u"columnDelimiter").toString(), delimiter);
        QCOMPARE(done.value(u"numberRecordsFailed").toInt(), 0);
        const auto lead
            = m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"D-1"_s);
        QVERIFY(lead);
        // The line break inside quotes is data, kept as it was sent.
        QCOMPARE(lead->value(u"Company").toString(),
                 QString(u"A, B"_s + QString::fromLatin1(nl) + u"C"_s));
        // Results come back in the job's dialect.
        const QByteArray ok = results(done.value(u"id").toString(), u"successfulResults"_s);
        QVERIFY2(ok.startsWith(QByteArray("\"sf__Id\"" + separator + "\"sf__Created\"" + separator
                                          + "LastName" + separator)),
                 ok.constData());
        QVERIFY(ok.endsWith(QByteArray(separator + "\"D-1\"" + nl)));
    }

    void nullAndUnchanged()
    {
        const auto id = m_sandbox->createRecord(u"Lead"_s,
                                                {{u"LastName"_s, u"Keep"_s},
                                                 {u"Company"_s, u"Acme"_s},
                                                 {u"Email"_s, u"keep@example.com"_s},
                                                 {u"Title"_s, u"CEO"_s}});
        QVERIFY(id.ok());
        // Empty leaves a field as it is, #N/A (what jsforce writes for null) clears it.
        const QByteArray csv = "Id,Email,Title\n" + id->toLatin1() + ",,#N/A\n";
        const QJsonObject done
            = m_bulk->ingest({{u"object"_s, u"Lead"_s}, {u"operation"_s, u"update"_s}}, csv);
        QCOMPARE(done.value(u"state").toString(), u"JobComplete"_s);
        QCOMPARE(done.value(u"numberRecordsFailed").toInt(), 0);
        const auto lead = m_sandbox->record(u"Lead"_s, *id);
        QVERIFY(lead);
        QCOMPARE(lead->value(u"Email").toString(), u"keep@example.com"_s);
        QVERIFY(lead->value(u"Title").isNull());
    }

    void updateAndDelete()
    {
        const auto a
            = m_sandbox->createRecord(u"Lead"_s, {{u"LastName"_s, u"A"_s}, {u"Company"_s, u"X"_s}});
        const auto b
            = m_sandbox->createRecord(u"Lead"_s, {{u"LastName"_s, u"B"_s}, {u"Company"_s, u"X"_s}});
        QVERIFY(a.ok() && b.ok());
        // An update row without an Id, and one with a score the validation rule rejects.
        const QByteArray update
            = "Id,Lead_Score__c\n" + a->toLatin1() + ",50\n,10\n" + b->toLatin1() + ",101\n";
        QJsonObject done
            = m_bulk->ingest({{u"object"_s, u"Lead"_s}, {u"operation"_s, u"update"_s}}, update);
        QCOMPARE(done.value(u"numberRecordsProcessed").toInt(), 3);
        QCOMPARE(done.value(u"numberRecordsFailed").toInt(), 2);
        const QList<QByteArray> failed
            = lines(results(done.value(u"id").toString(), u"failedResults"_s));
        QCOMPARE(countContaining(failed, "MISSING_ARGUMENT:Id not specified in an update call"), 1);
        // The failed row of an update names its record.
        QCOMPARE(countContaining(failed,
                                 "\"" + b->toLatin1() + "\",\"FIELD_CUSTOM_VALIDATION_EXCEPTION:"),
                 1);
        QCOMPARE(m_sandbox->record(u"Lead"_s, *a)->value(u"Lead_Score__c").toDouble(), 50.0);

        done = m_bulk->ingest({{u"object"_s, u"Lead"_s}, {u"operation"_s, u"delete"_s}},
                              "Id\n" + a->toLatin1() + "\n00Q000000000000AAA\n");
        QCOMPARE(done.value(u"numberRecordsFailed").toInt(), 1);
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 1);
        const QList<QByteArray> ok
            = lines(results(done.value(u"id").toString(), u"successfulResults"_s));
        QCOMPARE(ok.value(1), "\"" + a->toLatin1() + "\",\"false\",\"" + a->toLatin1() + "\"");
    }

    void badUpload_data()
    {
        QTest::addColumn<QJsonObject>("job");
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("error");
        const QJsonObject insert {{u"object"_s, u"Lead"_s}, {u"operation"_s, u"insert"_s}};
        QJsonObject crlf = insert;
        crlf.insert(u"lineEnding"_s, u"CRLF"_s);
        QTest::newRow("unknown field") << insert << QByteArray("LastName,Foo__c\nA,B\n")
                                       << u"InvalidBatch : Field name not found : Foo__c"_s;
        QTest::newRow("CRLF data, LF job")
            << insert << QByteArray("LastName,Company\r\nA,B\r\n")
            << u"ClientInputError : LineEnding is invalid on user data. Current LineEnding "
               u"setting is LF"_s;
        QTest::newRow("LF data, CRLF job")
            << crlf << QByteArray("LastName,Company\nA,B\n")
            << u"ClientInputError : LineEnding is invalid on user data. Current LineEnding "
               u"setting is CRLF"_s;
        QTest::newRow("unclosed quote")
            << insert << QByteArray("LastName,Company\n\"A,B\n")
            << u"InvalidBatch : Failed to parse CSV, line 2: a quoted field is not closed before "
               u"the end"_s;
        QTest::newRow("short row") << insert << QByteArray("LastName,Company\nA\n")
                                   << u"InvalidBatch : Failed to parse CSV, line 2: expected 2 "
                                      u"fields, found 1"_s;
        QTest::newRow("upsert without its key column")
            << upsertJob() << QByteArray("LastName,Company\nA,B\n")
            << u"InvalidBatch : Field name not found : Platform_Lead_Id__c"_s;
    }
    void badUpload()
    {
        QFETCH(QJsonObject, job);
        QFETCH(QByteArray, csv);
        QFETCH(QString, error);
        const QJsonObject done = m_bulk->ingest(job, csv);
        QCOMPARE(done.value(u"state").toString(), u"Failed"_s);
        QCOMPARE(done.value(u"errorMessage").toString(), error);
        // Nothing was processed: the upload comes back as unprocessed, as it was sent.
        QCOMPARE(results(done.value(u"id").toString(), u"unprocessedrecords"_s), csv);
        QCOMPARE(m_sandbox->recordCount(u"Lead"_s), 0);
    }

    void badCreate_data()
    {
        QTest::addColumn<QJsonObject>("job");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("operation")
            << QJsonObject {{u"object"_s, u"Lead"_s}, {u"operation"_s, u"merge"_s}}
            << u"INVALIDJOB"_s
            << u"Invalid operation 'merge': use insert, update, upsert or "
               u"delete"_s;
        QTest::newRow("object") << QJsonObject {{u"object"_s, u"Nope__c"_s},
                                                {u"operation"_s, u"insert"_s}}
                                << u"INVALIDJOB"_s << u"Unable to find object: Nope__c"_s;
        QTest::newRow("delimiter")
            << QJsonObject {{u"object"_s, u"Lead"_s},
                            {u"operation"_s, u"insert"_s},
                            {u"columnDelimiter"_s, u"COLON"_s}}
            << u"INVALIDJOB"_s
            << u"Invalid columnDelimiter 'COLON': use BACKQUOTE, CARET, COMMA, PIPE, SEMICOLON or "
               u"TAB"_s;
        QTest::newRow("line ending")
            << QJsonObject {{u"object"_s, u"Lead"_s},
                            {u"operation"_s, u"insert"_s},
                            {u"lineEnding"_s, u"CR"_s}}
            << u"INVALIDJOB"_s << u"Invalid lineEnding 'CR': use LF or CRLF"_s;
        QTest::newRow("upsert key missing")
            << QJsonObject {{u"object"_s, u"Lead"_s}, {u"operation"_s, u"upsert"_s}}
            << u"INVALIDJOB"_s << u"externalIdFieldName is required for upsert"_s;
        QTest::newRow("upsert key not external")
            << QJsonObject {{u"object"_s, u"Lead"_s},
                            {u"operation"_s, u"upsert"_s},
                            {u"externalIdFieldName"_s, u"LastName"_s}}
            << u"INVALIDJOB"_s << u"The field LastName of Lead is not an external id field"_s;
    }
    void badCreate()
    {
        QFETCH(QJsonObject, job);
        QFETCH(QString, code);
        QFETCH(QString, message);
        const WireReply r = m_bulk->create(u"ingest"_s, job);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), code);
        QCOMPARE(r.message(), message);
    }

    void wrongTransitions()
    {
        const QString id = createOpen(upsertJob());
        QVERIFY(!id.isEmpty());
        WireReply r = m_bulk->setState(u"ingest"_s, id, u"JobComplete"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALIDJOBSTATE"_s);
        // Aborting an open job: the upload was never processed.
        QVERIFY(m_bulk->upload(id, "LastName,Company,Platform_Lead_Id__c\nA,B,C-1\n").status
                == 201);
        r = m_bulk->setState(u"ingest"_s, id, u"Aborted"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"state").toString(), u"Aborted"_s);
        QCOMPARE(results(id, u"unprocessedrecords"_s),
                 "LastName,Company,Platform_Lead_Id__c\nA,B,C-1\n");
        r = m_bulk->setState(u"ingest"_s, id, u"Aborted"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.message(), u"Aborting already Aborted Job not allowed"_s);
        r = m_bulk->setState(u"ingest"_s, id, u"UploadComplete"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALIDJOBSTATE"_s);
        r = m_bulk->upload(id, "LastName\nA\n");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"INVALIDJOBSTATE"_s);

        const QJsonObject done
            = m_bulk->ingest(upsertJob(), "LastName,Company,Platform_Lead_Id__c\nA,B,C-2\n");
        r = m_bulk->setState(u"ingest"_s, done.value(u"id").toString(), u"Aborted"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.message(), u"Aborting already Completed Job not allowed"_s);

        // Closing a job that got no data fails it.
        const QString empty = createOpen(upsertJob());
        QCOMPARE(m_bulk->upload(empty, {}).status, 400);
        QCOMPARE(m_bulk->setState(u"ingest"_s, empty, u"UploadComplete"_s).status, 200);
        const QJsonObject failed = m_bulk->waitDone(u"ingest"_s, empty);
        QCOMPARE(failed.value(u"state").toString(), u"Failed"_s);
        QCOMPARE(failed.value(u"errorMessage").toString(),
                 u"InvalidBatch : No data was uploaded for this job"_s);

        r = m_bulk->info(u"ingest"_s, u"7508c000000000AAAA"_s);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), u"NOT_FOUND"_s);
    }

    void listAndDelete()
    {
        const QString open = createOpen(upsertJob());
        const QJsonObject done
            = m_bulk->ingest(upsertJob(), "LastName,Company,Platform_Lead_Id__c\nA,B,C-3\n");
        const QString doneId = done.value(u"id").toString();
        WireReply list = m_bulk->get(u"/jobs/ingest"_s);
        QCOMPARE(list.status, 200);
        QVERIFY(list.object().value(u"done").toBool());
        QVERIFY(list.object().value(u"nextRecordsUrl").isNull());
        QStringList ids;
        for (const QJsonValue &v : list.object().value(u"records").toArray())
            ids.append(v.toObject().value(u"id").toString());
        QCOMPARE(ids, (QStringList {open, doneId}));

        WireReply r = m_wire->rest("DELETE", u"/jobs/ingest/"_s + open);
        QCOMPARE(r.status, 400); // an open job is aborted first
        r = m_wire->rest("DELETE", u"/jobs/ingest/"_s + doneId);
        QCOMPARE(r.status, 204);
        QCOMPARE(m_bulk->info(u"ingest"_s, doneId).status, 404);
    }

    void faults()
    {
        // The whole job fails after its first chunk: some rows succeeded, the rest were never
        // processed.
        FaultConfig fault;
        fault.bulkFailRate = 1.0;
        m_sandbox->setFaults(fault);
        const int rows = BulkJobStore::kChunkRows + 500;
        QByteArray csv = "LastName,Company,Platform_Lead_Id__c\n";
        for (int i = 0; i < rows; ++i)
            csv += "N" + QByteArray::number(i) + ",Acme,F-" + QByteArray::number(i) + '\n';
        QJsonObject done = m_bulk->ingest(upsertJob(), csv);
        QCOMPARE(done.value(u"state").toString(), u"Failed"_s);
        QVERIFY(done.value(u"errorMessage").toString().startsWith(u"InternalServerError : "));
        QCOMPARE(done.value(u"numberRecordsProcessed").toInt(), BulkJobStore::kChunkRows);
        const QString failedId = done.value(u"id").toString();
        QCOMPARE(lines(results(failedId, u"successfulResults"_s)).size(),
                 BulkJobStore::kChunkRows + 1);
        QCOMPARE(lines(results(failedId, u"unprocessedrecords"_s)).size(), 500 + 1);
        QCOMPARE(m_sandbox->faultCounters().bulkFail, 1);

        // Rows failing on their own: a locked row is UNABLE_TO_LOCK_ROW, as for REST.
        fault = {};
        fault.lockRate = 1.0;
        m_sandbox->setFaults(fault);
        done = m_bulk->ingest(upsertJob(), "LastName,Company,Platform_Lead_Id__c\nA,B,K-1\n");
        QCOMPARE(done.value(u"state").toString(), u"JobComplete"_s);
        QCOMPARE(done.value(u"numberRecordsFailed").toInt(), 1);
        QVERIFY(results(done.value(u"id").toString(), u"failedResults"_s)
                    .contains("\"UNABLE_TO_LOCK_ROW:"));

        // A slow job stays UploadComplete until its delay has passed.
        fault = {};
        fault.bulkSlowMs = 600'000;
        m_sandbox->setFaults(fault);
        const QString slow = createOpen(upsertJob());
        QCOMPARE(m_bulk->upload(slow, "LastName,Company,Platform_Lead_Id__c\nA,B,S-1\n").status,
                 201);
        QCOMPARE(m_bulk->setState(u"ingest"_s, slow, u"UploadComplete"_s).status, 200);
        QTest::qWait(3 * BulkJobStore::kTickMs);
        QCOMPARE(m_bulk->info(u"ingest"_s, slow).object().value(u"state").toString(),
                 u"UploadComplete"_s);
        QCOMPARE(m_bulk->setState(u"ingest"_s, slow, u"Aborted"_s).status, 200);
        QVERIFY(!m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"S-1"_s));
    }

    void limits()
    {
        QJsonObject before = m_wire->rest("GET", u"/limits"_s).object();
        QCOMPARE(before.value(u"DailyBulkApiBatches").toObject().value(u"Remaining").toInt(),
                 15000);
        // 10,000 records are one batch; 10,001 are two.
        QByteArray csv = "LastName,Company\n";
        for (int i = 0; i <= BulkJobStore::kRecordsPerBatch; ++i)
            csv += "N,Acme\n";
        const QJsonObject done
            = m_bulk->ingest({{u"object"_s, u"Lead"_s}, {u"operation"_s, u"insert"_s}}, csv);
        QCOMPARE(done.value(u"numberRecordsProcessed").toInt(), BulkJobStore::kRecordsPerBatch + 1);
        const QJsonObject after = m_wire->rest("GET", u"/limits"_s).object();
        QCOMPARE(after.value(u"DailyBulkApiBatches").toObject().value(u"Remaining").toInt(),
                 15000 - 2);
        QVERIFY(m_sandbox->apiCallsByKind().value(u"bulk"_s) >= 4);
    }
};

QTEST_GUILESS_MAIN(TestSandboxBulkIngest)
#include "TestSandboxBulkIngest.moc"
