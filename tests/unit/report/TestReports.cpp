// Report writers and the five report queries, against SQLite and PostgreSQL (LB_TEST_BACKEND).
#include "TestBackend.h"
#include "demo/SampleData.h"
#include "report/CsvWriter.h"
#include "report/ExportWorker.h"
#include "report/JsonWriter.h"
#include "report/ReportExporter.h"
#include "store/Store.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace lb;
using lb::sandbox::SampleData;

namespace {

// A sink that only counts, to check the queries without a file format in the way.
class CollectingSink final : public ReportSink
{
public:
    Result<void> begin(const ReportInfo &i, const QList<ReportColumn> &c) override
    {
        info = i;
        columns = c;
        return {};
    }
    Result<void> row(const QVariantList &values) override
    {
        rows.append(values);
        return {};
    }
    Result<void> finish() override
    {
        finished = true;
        return {};
    }
    ReportInfo info;
    QList<ReportColumn> columns;
    QList<QVariantList> rows;
    bool finished = false;
};

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestReports : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Store> openStore()
    {
        auto store = Store::open(m_config, m_clock, QStringLiteral("reports"));
        if (!store)
            qWarning("%s", qPrintable(store.error().toString()));
        return store ? std::move(*store) : nullptr;
    }

    qint64 count(Store &store, const QString &sql, const QVariantList &values = {})
    {
        auto q = store.database().run(sql, sql, values);
        if (!q || !(*q)->next())
            return -1;
        const qint64 n = (*q)->value(0).toLongLong();
        (*q)->finish();
        return n;
    }

    QTemporaryDir m_dir;
    StoreConfig m_config;
    ManualClock m_clock;

private slots:
    void init()
    {
        auto config = test::TestBackend::freshStore(m_dir);
        QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
        m_config = *config;
        m_clock.setNowMs(1'767'225'600'000);
    }

    void csvNeutralisesAndQuotes_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QVariant(QStringLiteral("Ann")) << QByteArray("Ann");
        QTest::newRow("formula") << QVariant(QStringLiteral("=1+1")) << QByteArray("'=1+1");
        QTest::newRow("plus") << QVariant(QStringLiteral("+15550100")) << QByteArray("'+15550100");
        QTest::newRow("minus text") << QVariant(QStringLiteral("-2+3")) << QByteArray("'-2+3");
        QTest::newRow("at") << QVariant(QStringLiteral("@SUM(A1:A9)"))
                            << QByteArray("'@SUM(A1:A9)");
        QTest::newRow("tab") << QVariant(QStringLiteral("\t=cmd")) << QByteArray("'\t=cmd");
        QTest::newRow("carriage return")
            << QVariant(QStringLiteral("\r=cmd")) << QByteArray("\"'\r=cmd\"");
        QTest::newRow("hyperlink with quotes")
            << QVariant(QStringLiteral("=HYPERLINK(\"http://evil.example\",\"x\")"))
            << QByteArray("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
        QTest::newRow("dde") << QVariant(QStringLiteral("=cmd|' /C calc'!A0"))
                             << QByteArray("'=cmd|' /C calc'!A0");
        QTest::newRow("comma") << QVariant(QStringLiteral("Acme, Inc."))
                               << QByteArray("\"Acme, Inc.\"");
        QTest::newRow("quote") << QVariant(QStringLiteral("6\" pipe"))
                               << QByteArray("\"6\"\" pipe\"");
        QTest::newRow("newline") << QVariant(QStringLiteral("a\nb")) << QByteArray("\"a\nb\"");
        QTest::newRow("formula after space is text")
            << QVariant(QStringLiteral(" =1")) << QByteArray(" =1");
        QTest::newRow("unicode") << QVariant(QStringLiteral("Zoë 😀"))
                                 << QStringLiteral("Zoë 😀").toUtf8();
        QTest::newRow("negative number") << QVariant(qint64(-5)) << QByteArray("-5");
        QTest::newRow("double") << QVariant(1234.5) << QByteArray("1234.5");
        QTest::newRow("bool") << QVariant(true) << QByteArray("true");
        QTest::newRow("null") << QVariant() << QByteArray();
        QTest::newRow("empty") << QVariant(QString()) << QByteArray();
    }

    void csvNeutralisesAndQuotes()
    {
        QFETCH(QVariant, value);
        QFETCH(QByteArray, expected);
        QCOMPARE(CsvWriter::field(value), expected);
    }

    void csvWritesRfc4180Lines()
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        CsvWriter csv(buffer);
        QVERIFY(csv.begin({},
                          {{QStringLiteral("a"), QStringLiteral("A")},
                           {QStringLiteral("b"), QStringLiteral("B")}})
                    .ok());
        QVERIFY(csv.row({QStringLiteral("x,y"), 3}).ok());
        QVERIFY(csv.row({QVariant(), QStringLiteral("=2")}).ok());
        QVERIFY(csv.finish().ok());
        QCOMPARE(buffer.data(), QByteArray("a,b\r\n\"x,y\",3\r\n,'=2\r\n"));
    }

    void jsonStreamsOneDocument()
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        JsonWriter json(buffer);
        ReportInfo info;
        info.kind = ReportKind::Errors;
        info.title = QStringLiteral("Errors");
        info.generatedAt = m_clock.nowMs();
        QVERIFY(json.begin(info,
                           {{QStringLiteral("id"), QStringLiteral("ID")},
                            {QStringLiteral("msg"), QStringLiteral("Message")}})
                    .ok());
        QVERIFY(json.row({qint64(1), QStringLiteral("=bad \"quoted\"\n")}).ok());
        QVERIFY(json.row({qint64(2), QVariant()}).ok());
        QVERIFY(json.finish().ok());
        QJsonParseError error;
        const QJsonObject doc = QJsonDocument::fromJson(buffer.data(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.value(QStringLiteral("report")).toString(), QStringLiteral("errors"));
        QCOMPARE(doc.value(QStringLiteral("row_count")).toInt(), 2);
        const QJsonArray rows = doc.value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), 2);
        // JSON needs no neutralising: the value is data, never a formula.
        QCOMPARE(rows.at(0).toObject().value(QStringLiteral("msg")).toString(),
                 QStringLiteral("=bad \"quoted\"\n"));
        QVERIFY(rows.at(1).toObject().value(QStringLiteral("msg")).isNull());
    }

    void parsesTimes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("end");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("date start")
            << QStringLiteral("2026-01-01") << false << qint64(1'767'225'600'000);
        QTest::newRow("date end includes the day")
            << QStringLiteral("2026-01-01") << true << qint64(1'767'225'600'000 + 86'400'000);
        QTest::newRow("utc time") << QStringLiteral("2026-01-01T01:00:00Z") << false
                                  << qint64(1'767'225'600'000 + 3'600'000);
        QTest::newRow("offset") << QStringLiteral("2026-01-01T02:00:00+01:00") << false
                                << qint64(1'767'225'600'000 + 3'600'000);
        QTest::newRow("no zone is utc") << QStringLiteral("2026-01-01T01:00:00") << false
                                        << qint64(1'767'225'600'000 + 3'600'000);
        QTest::newRow("garbage") << QStringLiteral("yesterday") << false << qint64(-1);
        QTest::newRow("bad date") << QStringLiteral("2026-02-30") << false << qint64(-1);
    }

    void parsesTimes()
    {
        QFETCH(QString, text);
        QFETCH(bool, end);
        QFETCH(qint64, expected);
        auto t = ReportRequest::parseTime(text, end);
        if (expected < 0) {
            QVERIFY(!t.ok());
            QVERIFY(t.error().message.contains(QLatin1String("YYYY-MM-DD")));
        } else {
            QVERIFY2(t.ok(), t ? "" : qPrintable(t.error().message));
            QCOMPARE(*t, expected);
        }
    }

    void everyReportHonoursItsRange_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("countSql");
        QTest::newRow("leads") << int(ReportKind::Leads)
                               << QStringLiteral("SELECT COUNT(*) FROM leads WHERE updated_at "
                                                 ">= ? AND updated_at < ?");
        QTest::newRow("history") << int(ReportKind::History)
                                 << QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE at >= ? "
                                                   "AND at < ?");
        QTest::newRow("errors") << int(ReportKind::Errors)
                                << QStringLiteral("SELECT COUNT(*) FROM inbox WHERE "
                                                  "last_failed_at >= ? AND last_failed_at < ?");
        QTest::newRow("api-usage") << int(ReportKind::ApiUsage)
                                   << QStringLiteral("SELECT COUNT(*) FROM api_usage WHERE at >= ? "
                                                     "AND at < ?");
        QTest::newRow("reconcile") << int(ReportKind::Reconcile)
                                   << QStringLiteral("SELECT COUNT(*) FROM reconcile_reports WHERE "
                                                     "started_at >= ? AND started_at < ?");
        QTest::newRow("deliveries")
            << int(ReportKind::Deliveries)
            << QStringLiteral("SELECT COUNT(*) FROM outbox WHERE target LIKE 'destination:%' AND "
                              "updated_at >= ? AND updated_at < ?");
    }

    // Issue 18: the deliveries of each destination, and nothing of the other targets.
    void deliveriesPerDestination()
    {
        auto store = openStore();
        QVERIFY(store);
        QList<NewJob> jobs;
        for (const QString &target :
             {QStringLiteral("destination:analytics"), QStringLiteral("destination:analytics"),
              QStringLiteral("destination:crm"), QStringLiteral("salesforce")}) {
            NewJob job;
            job.kind = QStringLiteral("destination.event");
            job.target = target;
            job.recordKey = QStringLiteral("lead:L-%1").arg(jobs.size());
            job.idempotencyKey = target + job.recordKey;
            job.payload = "{}";
            jobs.append(job);
        }
        QVERIFY(store->outbox().enqueue(jobs, QStringLiteral("test")).ok());
        ReportRequest request;
        request.kind = ReportKind::Deliveries;
        CollectingSink sink;
        auto rows = ReportQuery::run(*store, request, sink, {});
        QVERIFY2(rows.ok(), rows ? "" : qPrintable(rows.error().message));
        QCOMPARE(*rows, 3);
        QCOMPARE(sink.columns.at(1).title, QStringLiteral("Destination"));
        QStringList targets;
        for (const QVariantList &row : std::as_const(sink.rows))
            targets.append(row.at(1).toString());
        targets.sort();
        QCOMPARE(targets,
                 QStringList({QStringLiteral("destination:analytics"),
                              QStringLiteral("destination:analytics"),
                              QStringLiteral("destination:crm")}));
        QCOMPARE(ReportRequest::parseKind(QStringLiteral("deliveries")).value(),
                 ReportKind::Deliveries);
    }

    void everyReportHonoursItsRange()
    {
        QFETCH(int, kind);
        QFETCH(QString, countSql);
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(SampleData::seedConsole(*store, m_clock, 2500).ok());
        const qint64 now = m_clock.nowMs();
        for (const auto &[since, until] :
             {std::pair<qint64, qint64> {0, 0}, {now - 6 * 3'600'000, now - 3'000}, {now + 1, 0}}) {
            ReportRequest request;
            request.kind = ReportKind(kind);
            request.sinceMs = since;
            request.untilMs = until;
            CollectingSink sink;
            QList<QPair<qint64, qint64>> progress;
            auto rows = ReportQuery::run(*store, request, sink, [&](qint64 d, qint64 t) {
                progress.append({d, t});
            });
            QVERIFY2(rows.ok(), rows ? "" : qPrintable(rows.error().message));
            const qint64 expected = count(*store, countSql, {since, until > 0 ? until : LLONG_MAX});
            QCOMPARE(*rows, expected);
            QCOMPARE(sink.rows.size(), expected);
            QVERIFY(sink.finished);
            QCOMPARE(sink.info.expectedRows, expected);
            QCOMPARE(progress.last().first, expected);
            QCOMPARE(sink.columns.size(),
                     sink.rows.isEmpty() ? sink.columns.size() : sink.rows.first().size());
        }
    }

    void leadsReportToCsvAndJsonFiles()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(SampleData::insertLeads(*store, 1, 2345, m_clock.nowMs()).ok());
        // A hostile lead, as an attacker would submit it through a web form.
        MirrorRecord evil;
        evil.platformId = QStringLiteral("L-EVIL");
        evil.platformState = {{QStringLiteral("id"), QStringLiteral("L-EVIL")},
                              {QStringLiteral("first_name"), QStringLiteral("=cmd|' /C calc'!A0")},
                              {QStringLiteral("last_name"), QStringLiteral("@SUM(1+1)*cmd")},
                              {QStringLiteral("company"), QStringLiteral("+1+1,\"x\"")},
                              {QStringLiteral("email"), QStringLiteral("-2+3@example.com")}};
        QVERIFY(store->leads().put({evil}).ok());
        ReportRequest request;
        request.kind = ReportKind::Leads;
        request.outPath = m_dir.filePath(QStringLiteral("leads.csv"));
        auto rows = ReportExporter::toFile(*store, request);
        QVERIFY2(rows.ok(), rows ? "" : qPrintable(rows.error().message));
        QCOMPARE(*rows, qint64(2346));
        const QByteArray csv = readAll(request.outPath);
        QVERIFY(csv.startsWith("platform_id,salesforce_id,first_name,last_name,"));
        QCOMPARE(csv.count("\r\n"), 2347);
        QVERIFY(csv.contains("L-EVIL,,'=cmd|' /C calc'!A0,'@SUM(1+1)*cmd,\"'+1+1,\"\"x\"\"\","
                             "'-2+3@example.com,"));
        QVERIFY(!csv.contains(",=cmd"));

        request.format = ReportFormat::Json;
        request.outPath = m_dir.filePath(QStringLiteral("leads.json"));
        QVERIFY(ReportExporter::toFile(*store, request).ok());
        const QJsonObject doc = QJsonDocument::fromJson(readAll(request.outPath)).object();
        QCOMPARE(doc.value(QStringLiteral("row_count")).toInt(), 2346);
        QCOMPARE(doc.value(QStringLiteral("rows")).toArray().size(), 2346);
        const QJsonObject first = doc.value(QStringLiteral("rows")).toArray().first().toObject();
        QVERIFY(first.value(QStringLiteral("eligible")).isBool());
        QVERIFY(first.value(QStringLiteral("updated_at")).toString().endsWith(u'Z'));
    }

    void failedOrCancelledExportLeavesNoFile()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(SampleData::insertLeads(*store, 1, 3000, m_clock.nowMs()).ok());
        ReportRequest request;
        request.outPath = m_dir.filePath(QStringLiteral("cancelled.csv"));
        std::atomic_bool cancel {false};
        auto rows = ReportExporter::toFile(
            *store, request, ReportExporter::coreSink,
            [&](qint64 done, qint64) {
                if (done >= ReportQuery::BatchSize)
                    cancel = true;
            },
            &cancel);
        QVERIFY(!rows.ok());
        QCOMPARE(rows.error().code, QStringLiteral("cancelled"));
        QVERIFY(!QFile::exists(request.outPath));

        request.outPath = m_dir.filePath(QStringLiteral("no/such/dir/x.csv"));
        rows = ReportExporter::toFile(*store, request);
        QVERIFY(!rows.ok());
        QVERIFY(rows.error().message.contains(QLatin1String("Cannot write")));

        request.outPath = m_dir.filePath(QStringLiteral("x.pdf"));
        request.format = ReportFormat::Pdf;
        rows = ReportExporter::toFile(*store, request); // core alone writes no PDF
        QVERIFY(!rows.ok());
        QCOMPARE(rows.error().code, QStringLiteral("report_format"));

        request.format = ReportFormat::Csv;
        request.sinceMs = 10;
        request.untilMs = 5;
        QVERIFY(!ReportExporter::toFile(*store, request).ok());
    }

    void workerExportsOnItsOwnThread()
    {
        {
            auto store = openStore();
            QVERIFY(store);
            QVERIFY(SampleData::insertLeads(*store, 1, 4000, m_clock.nowMs()).ok());
        }
        ReportRequest request;
        request.kind = ReportKind::Leads;
        request.outPath = m_dir.filePath(QStringLiteral("worker.csv"));
        QThread thread;
        auto *worker = new ExportWorker(m_config, m_clock, request, ReportExporter::coreSink);
        worker->moveToThread(&thread);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        QSignalSpy progress(worker, &ExportWorker::progress);
        QSignalSpy finished(worker, &ExportWorker::finished);
        thread.start();
        QMetaObject::invokeMethod(worker, &ExportWorker::run, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60'000);
        thread.quit();
        thread.wait();
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(2).toString()));
        QCOMPARE(finished.first().at(1).toLongLong(), qint64(4000));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toLongLong(), qint64(4000));
        QCOMPARE(readAll(request.outPath).count("\r\n"), 4001);
    }
};

QTEST_GUILESS_MAIN(TestReports)
#include "TestReports.moc"
