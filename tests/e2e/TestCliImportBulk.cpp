// `leadbridge import` of more leads than `sync.bulk_threshold` against `leadbridge-sandbox`: the
// rows go through the engine's Bulk API 2.0 ingest path (API calls and uploads counted at the
// sandbox), the job's counters are printed as it runs, each row Salesforce refuses is an inbox
// item with its own error, and an import killed after its upload collects the same job when
// started again.
#include "SandboxProcessRun.h"

#include <QRegularExpression>

using lb::test::SandboxProcessRun;

class TestCliImportBulk : public QObject
{
    Q_OBJECT

private:
    static constexpr int Leads = 5000;
    static constexpr int Invalid = Leads / 100;

    // Leads I-000001.. of which every 100th names an agent Salesforce does not have: its row
    // fails in the ingest job (INVALID_FIELD, naming the agent).
    static QString writeCsv(const SandboxProcessRun &run)
    {
        const QString path = run.path(QStringLiteral("leads.csv"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write("Platform ID,First Name,Last Name,Company,E-mail,Agent ID\n");
        for (int i = 1; i <= Leads; ++i) {
            const QByteArray n = QByteArray::number(i);
            f.write("I-" + QByteArray::number(i).rightJustified(6, '0') + ",Ada,Lovelace " + n
                    + ",Acme,ada" + n + "@example.com,"
                    + (i % 100 == 0 ? "A-GONE-" + n : QByteArray()) + "\n");
        }
        return path;
    }

    static QJsonObject bulkThreshold() { return {{QStringLiteral("bulk_threshold"), 1000}}; }

    static QJsonObject callsByKind(const QJsonObject &stats)
    {
        return stats.value(QStringLiteral("apiUsage"))
            .toObject()
            .value(QStringLiteral("byKind"))
            .toObject();
    }

    static qint64 ingestBatches(const QJsonObject &stats)
    {
        return stats.value(QStringLiteral("bulk"))
            .toObject()
            .value(QStringLiteral("ingestBatches"))
            .toInteger();
    }

    // Per imported lead, how many writes changed it in Salesforce.
    static QHash<QString, int> leadWrites(const QJsonObject &stats)
    {
        QHash<QString, int> changed;
        for (const QJsonValue &v : stats.value(QStringLiteral("writeLog")).toArray()) {
            const QJsonObject w = v.toObject();
            if (w.value(QStringLiteral("object")).toString() == QLatin1String("Lead")
                && w.value(QStringLiteral("changed")).toBool())
                ++changed[w.value(QStringLiteral("externalId")).toString()];
        }
        return changed;
    }

    // Every valid lead written once, each invalid one an inbox item with Salesforce's error.
    static void checkDelivered(SandboxProcessRun &run)
    {
        const QHash<QString, int> writes = leadWrites(run.stats());
        QCOMPARE(writes.size(), Leads - Invalid);
        for (auto it = writes.cbegin(); it != writes.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        const auto list = run.leadbridge(
            {QStringLiteral("inbox"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.code, 0);
        const QJsonArray items = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(items.size(), Invalid);
        QSet<QString> records;
        for (const QJsonValue &v : items) {
            const QJsonObject item = v.toObject();
            const QString record = item.value(QStringLiteral("record")).toString();
            const int n = record.mid(record.lastIndexOf(QLatin1Char('-')) + 1).toInt();
            QVERIFY2(n % 100 == 0, qPrintable(record));
            QCOMPARE(item.value(QStringLiteral("error_code")).toString(),
                     QStringLiteral("INVALID_FIELD"));
            const QString message = item.value(QStringLiteral("error_message")).toString();
            QVERIFY2(message.contains(QStringLiteral("A-GONE-%1").arg(n)), qPrintable(message));
            records.insert(record);
        }
        QCOMPARE(records.size(), Invalid);
    }

private slots:
    void importAboveTheThresholdGoesThroughOneIngestJob()
    {
        SandboxProcessRun run;
        QVERIFY(run.start(0, QStringLiteral("pk_import"), {}, bulkThreshold()));
        const QString csv = writeCsv(run);
        // A job slow to start: at least one poll sees it before it ends.
        QVERIFY(run.faults({{QStringLiteral("bulkSlowMs"), 2500}})
                    .contains(QStringLiteral("bulkSlowMs")));

        const auto import = run.leadbridge({QStringLiteral("import"), csv});
        // Rows in the inbox: exit 1, as `sync --once`.
        QVERIFY2(import.code == 1, import.err.right(3000).constData());
        QVERIFY2(
            import.out.contains("Bulk: 5,000 of 5,000 rows processed by Salesforce, 50 failed"),
            import.out.constData());

        // Progress lines from the job's polls, counters never going back.
        static const QRegularExpression progress(QStringLiteral(
            R"(^Bulk job (\w+): ([\d,]+) of 5,000 processed, ([\d,]+) failed(?: \((\w+)\))?$)"));
        QString jobId;
        qint64 processed = -1, failed = -1;
        int polled = 0;
        for (const QByteArray &line : import.err.split('\n')) {
            const auto m = progress.match(QString::fromUtf8(line));
            if (!m.hasMatch())
                continue;
            if (jobId.isEmpty())
                jobId = m.captured(1);
            QCOMPARE(m.captured(1), jobId);
            const qint64 p = m.captured(2).remove(u',').toLongLong();
            const qint64 f = m.captured(3).remove(u',').toLongLong();
            QVERIFY2(p >= processed && f >= failed, line.constData());
            processed = p;
            failed = f;
            if (m.captured(4) != QLatin1String("Open")) // stored before the upload, not polled
                ++polled;
        }
        QVERIFY2(polled >= 2, import.err.constData());
        qInfo("%d progress lines from the job's polls", polled);
        QCOMPARE(processed, qint64(Leads));
        QCOMPARE(failed, qint64(Invalid));

        // The upload path: Bulk API only, within 10 calls, one upload.
        const QJsonObject stats = run.stats();
        const QJsonObject calls = callsByKind(stats);
        qInfo("Salesforce API calls by kind: %s",
              QJsonDocument(calls).toJson(QJsonDocument::Compact).constData());
        QVERIFY(calls.value(QStringLiteral("bulk")).toInt() >= 6);
        QVERIFY2(calls.value(QStringLiteral("bulk")).toInt() <= 10,
                 QJsonDocument(calls).toJson().constData());
        QCOMPARE(calls.value(QStringLiteral("composite")).toInt(), 0);
        QCOMPARE(calls.value(QStringLiteral("collections")).toInt(), 0);
        QCOMPARE(ingestBatches(stats), qint64(1));
        checkDelivered(run);
    }

    void importBelowTheThresholdOnlyQueues()
    {
        SandboxProcessRun run;
        QVERIFY(run.start(0, QStringLiteral("pk_import"), {},
                          {{QStringLiteral("bulk_threshold"), Leads + 1}}));
        const auto import = run.leadbridge({QStringLiteral("import"), writeCsv(run)});
        QVERIFY2(import.code == 0, import.err.constData());
        QVERIFY(!import.err.contains("Bulk job"));
        // Nothing went to Salesforce: `leadbridge sync` sends the queue over REST.
        QCOMPARE(callsByKind(run.stats()).value(QStringLiteral("bulk")).toInt(), 0);
    }

    // Killed after the upload, before the results: started again, the import collects the job
    // it sent; nothing is uploaded twice.
    void killedAfterTheUploadCollectsTheSameJob()
    {
        SandboxProcessRun run;
        QVERIFY(run.start(0, QStringLiteral("pk_import"), {}, bulkThreshold()));
        const QString csv = writeCsv(run);
        QVERIFY(run.faults({{QStringLiteral("bulkSlowMs"), 8000}})
                    .contains(QStringLiteral("bulkSlowMs")));
        QProcess import;
        import.setProcessEnvironment(run.environment());
        import.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                     {QStringLiteral("--profile"), run.profile(), QStringLiteral("import"), csv});
        QVERIFY(import.waitForStarted());
        // Created, uploaded and closed: three Bulk API calls.
        QVERIFY(QTest::qWaitFor(
            [&] { return callsByKind(run.stats()).value(QStringLiteral("bulk")).toInt() >= 3; },
            120'000));
        import.kill(); // SIGKILL
        QVERIFY(import.waitForFinished(30'000));
        QCOMPARE(import.exitStatus(), QProcess::CrashExit);

        const auto again = run.leadbridge({QStringLiteral("import"), csv});
        QVERIFY2(again.code == 1, again.err.right(3000).constData());
        QVERIFY2(again.out.contains("were imported before"), again.out.constData());
        // One job processed (Salesforce counts a batch per 10,000 rows a job processes): the
        // restart collected the job it had sent, it uploaded no second one.
        QCOMPARE(ingestBatches(run.stats()), qint64(1));
        QVERIFY2(again.err.contains("Bulk job "), again.err.constData());
        checkDelivered(run);
    }
};

QTEST_GUILESS_MAIN(TestCliImportBulk)
#include "TestCliImportBulk.moc"
