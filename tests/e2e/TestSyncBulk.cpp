// Bulk API 2.0 deliveries of `leadbridge sync` against `leadbridge-sandbox`: a big load in one
// ingest job (API calls and rows counted at the sandbox), and a process killed while its job
// runs that collects the same job after the restart.
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

class TestSyncBulk : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };

    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;
    std::unique_ptr<QProcess> m_sandbox;
    QJsonObject m_ready;

    // Leads L-000001.. of which every 100th names an agent Salesforce does not have: its row
    // fails in the ingest job (INVALID_FIELD, naming the agent).
    QString writeSeed(const QString &name, int leads)
    {
        QJsonArray list;
        for (int i = 1; i <= leads; ++i) {
            QJsonObject lead {
                {QStringLiteral("id"), QStringLiteral("L-%1").arg(i, 6, 10, QLatin1Char('0'))},
                {QStringLiteral("first_name"), QStringLiteral("Ada")},
                {QStringLiteral("last_name"), QStringLiteral("Lovelace %1").arg(i)},
                {QStringLiteral("company"), QStringLiteral("Acme")},
                {QStringLiteral("email"), QStringLiteral("ada%1@example.com").arg(i)},
                {QStringLiteral("score"), i % 101},
                {QStringLiteral("updated_at"), QStringLiteral("2026-11-01T10:00:00.000Z")},
                {QStringLiteral("version"), 1}};
            if (i % 100 == 0)
                lead.insert(QStringLiteral("agent_id"), QStringLiteral("A-GONE-%1").arg(i));
            list.append(lead);
        }
        const QString path = m_dir.filePath(name + QStringLiteral("-seed.json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(QJsonDocument(QJsonObject {{QStringLiteral("leads"), list}})
                    .toJson(QJsonDocument::Compact));
        return path;
    }

    bool startSandbox(const QString &seed)
    {
        stopSandbox();
        m_sandbox = std::make_unique<QProcess>();
        m_sandbox->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_sandbox->start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                         {QStringLiteral("--platform-seed"), seed,
                          QStringLiteral("--platform-api-key"), QStringLiteral("pk_bulk"),
                          QStringLiteral("--platform-rate-limit"), QStringLiteral("100000/60"),
                          QStringLiteral("--save-interval"), QStringLiteral("0")});
        if (!m_sandbox->waitForStarted()
            || !QTest::qWaitFor([&] { return m_sandbox->canReadLine(); }, 60'000))
            return false;
        m_ready = QJsonDocument::fromJson(m_sandbox->readLine()).object();
        return !m_ready.value(QStringLiteral("platformUrl")).toString().isEmpty();
    }

    void stopSandbox()
    {
        if (!m_sandbox)
            return;
        m_sandbox->terminate();
        m_sandbox->waitForFinished(10'000);
        m_sandbox.reset();
    }

    QString writeProfile(const QString &name)
    {
        const QString path = m_dir.filePath(name + QStringLiteral(".json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        const QJsonObject profile {
            {QStringLiteral("name"), name},
            {QStringLiteral("salesforce"),
             QJsonObject {{QStringLiteral("login_url"), m_ready.value(QStringLiteral("loginUrl"))},
                          {QStringLiteral("auth_flow"), QStringLiteral("password")},
                          {QStringLiteral("client_id"), m_ready.value(QStringLiteral("clientId"))},
                          {QStringLiteral("username"), m_ready.value(QStringLiteral("username"))},
                          {QStringLiteral("changes"), QStringLiteral("poll")}}},
            {QStringLiteral("platform"),
             QJsonObject {
                 {QStringLiteral("base_url"), m_ready.value(QStringLiteral("platformUrl"))}}},
            {QStringLiteral("store"),
             QString(QStringLiteral("sqlite://") + m_dir.filePath(name + QStringLiteral(".db")))},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}},
            {QStringLiteral("sync"),
             QJsonObject {{QStringLiteral("bulk_threshold"), 2000},
                          {QStringLiteral("retry_base_ms"), 50}}}};
        f.write(QJsonDocument(profile).toJson());
        return path;
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LEADBRIDGE_SF_CLIENT_SECRET"),
                   QStringLiteral("leadbridge-sandbox-consumer-secret"));
        env.insert(QStringLiteral("LEADBRIDGE_SF_PASSWORD"), QStringLiteral("sandbox-password"));
        env.insert(QStringLiteral("LEADBRIDGE_PLATFORM_API_KEY"), QStringLiteral("pk_bulk"));
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // secrets come from the environment
        env.remove(QStringLiteral("DISPLAY"));
        return env;
    }

    Run leadbridge(const QString &profile, const QStringList &args)
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), profile} + args);
        Run run;
        if (!p.waitForFinished(600'000))
            return run;
        run.code = p.exitCode();
        run.out = p.readAllStandardOutput();
        run.err = p.readAllStandardError();
        return run;
    }

    QByteArray request(const QUrl &url, const QByteArray &body = QByteArray(),
                       const QByteArray &contentType = "application/json",
                       const QByteArray &token = {})
    {
        QNetworkRequest r(url);
        if (!token.isEmpty())
            r.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = nullptr;
        if (body.isNull()) {
            reply = m_nam.get(r);
        } else {
            r.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
            reply = m_nam.post(r, body);
        }
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 120'000))
            return {};
        const QByteArray answer = reply->readAll();
        reply->deleteLater();
        return answer;
    }

    QJsonObject admin(const QString &what, const QJsonObject &body = {})
    {
        const QUrl url(m_ready.value(QStringLiteral("instanceUrl")).toString()
                       + QStringLiteral("/__sandbox/") + what);
        return QJsonDocument::fromJson(
                   request(url, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson()))
            .object();
    }

    // Salesforce API calls by kind as the sandbox counted them ("bulk": Bulk API 2.0).
    QJsonObject callsByKind(const QJsonObject &stats)
    {
        return stats.value(QStringLiteral("apiUsage"))
            .toObject()
            .value(QStringLiteral("byKind"))
            .toObject();
    }

    // Per lead (external id), how many writes changed it in Salesforce.
    QHash<QString, int> leadWrites(const QJsonObject &stats)
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

    // The org's ingest jobs, read through its Bulk API as any client would.
    QJsonArray ingestJobs()
    {
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("password"));
        form.addQueryItem(QStringLiteral("client_id"),
                          m_ready.value(QStringLiteral("clientId")).toString());
        form.addQueryItem(QStringLiteral("client_secret"),
                          QStringLiteral("leadbridge-sandbox-consumer-secret"));
        form.addQueryItem(QStringLiteral("username"),
                          m_ready.value(QStringLiteral("username")).toString());
        form.addQueryItem(QStringLiteral("password"), QStringLiteral("sandbox-password"));
        const QJsonObject token
            = QJsonDocument::fromJson(
                  request(QUrl(m_ready.value(QStringLiteral("loginUrl")).toString()
                               + QStringLiteral("/services/oauth2/token")),
                          form.query(QUrl::FullyEncoded).toUtf8(),
                          "application/x-www-form-urlencoded"))
                  .object();
        const QJsonObject list
            = QJsonDocument::fromJson(
                  request(QUrl(token.value(QStringLiteral("instance_url")).toString()
                               + QStringLiteral("/services/data/v62.0/jobs/ingest")),
                          QByteArray(), {},
                          token.value(QStringLiteral("access_token")).toString().toUtf8()))
                  .object();
        return list.value(QStringLiteral("records")).toArray();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanupTestCase() { stopSandbox(); }

    // The figure: 50,000 leads, 500 of them refused by Salesforce, through at most 10
    // API calls on the upload path. LB_BULK_E2E_LEADS sets another size (a multiple of 100).
    void bigLoadGoesThroughOneIngestJob()
    {
        const int leads = qEnvironmentVariableIsSet("LB_BULK_E2E_LEADS")
            ? qEnvironmentVariableIntValue("LB_BULK_E2E_LEADS")
            : 50'000;
        const int invalid = leads / 100;
        QVERIFY(startSandbox(writeSeed(QStringLiteral("load"), leads)));
        const QString profile = writeProfile(QStringLiteral("load"));

        QElapsedTimer took;
        took.start();
        const Run run = leadbridge(profile, {QStringLiteral("sync"), QStringLiteral("--once")});
        const qint64 ms = took.elapsed();
        // Records in the inbox: exit 1.
        QVERIFY2(run.code == 1, run.err.right(2000).constData());

        const QJsonObject stats = admin(QStringLiteral("stats?limit=10000000"));
        const QJsonObject calls = callsByKind(stats);
        qInfo("%d leads (%d invalid): %.1f s, Salesforce API calls by kind: %s", leads, invalid,
              ms / 1000.0, QJsonDocument(calls).toJson(QJsonDocument::Compact).constData());
        // The upload path: Bulk API 2.0 only, and at most 10 calls of it.
        QVERIFY(calls.value(QStringLiteral("bulk")).toInt() >= 6);
        QVERIFY2(calls.value(QStringLiteral("bulk")).toInt() <= 10,
                 QJsonDocument(calls).toJson().constData());
        QCOMPARE(calls.value(QStringLiteral("composite")).toInt(), 0);
        QCOMPARE(calls.value(QStringLiteral("collections")).toInt(), 0);
        QCOMPARE(ingestJobs().size(), 1);

        // The valid leads arrived, each written once; the invalid ones did not.
        const QHash<QString, int> writes = leadWrites(stats);
        QCOMPARE(writes.size(), leads - invalid);
        for (auto it = writes.cbegin(); it != writes.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        QCOMPARE(stats.value(QStringLiteral("records"))
                     .toObject()
                     .value(QStringLiteral("Lead"))
                     .toObject()
                     .value(QStringLiteral("live"))
                     .toInt(),
                 leads - invalid);

        // Each invalid lead is an inbox item of its own, with Salesforce's error for it.
        const Run list = leadbridge(
            profile, {QStringLiteral("inbox"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.code, 0);
        const QJsonArray items = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(items.size(), invalid);
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
        QCOMPARE(records.size(), invalid);

        // The job's batches, as Salesforce's /limits counts them (one per 10,000 rows), are in
        // the API-usage report (and the history behind the Limits view's Bulk gauge).
        const QString usagePath = m_dir.filePath(QStringLiteral("api-usage.json"));
        const Run usage = leadbridge(profile,
                                     {QStringLiteral("export"), QStringLiteral("--report"),
                                      QStringLiteral("api-usage"), QStringLiteral("--format"),
                                      QStringLiteral("json"), QStringLiteral("--out"), usagePath});
        QVERIFY2(usage.code == 0, usage.err.constData());
        QFile usageFile(usagePath);
        QVERIFY(usageFile.open(QIODevice::ReadOnly));
        qint64 bulkBatches = -1;
        for (const QJsonValue &v : QJsonDocument::fromJson(usageFile.readAll())
                                       .object()
                                       .value(QStringLiteral("rows"))
                                       .toArray()) {
            const QJsonObject row = v.toObject();
            if (row.value(QStringLiteral("metric")).toString()
                == QLatin1String("DailyBulkApiBatches"))
                bulkBatches
                    = std::max<qint64>(bulkBatches, row.value(QStringLiteral("used")).toInteger());
        }
        QCOMPARE(bulkBatches, qint64((leads + 9'999) / 10'000));
    }

    // `leadbridge sync` killed after its upload and before the results (the sandbox holds the
    // closed job back): the restart collects the job it sent, uploads nothing again, and every
    // lead is written once.
    void killedWhileItsJobRunsCollectsTheSameJob()
    {
        const int leads = 5000;
        QVERIFY(startSandbox(writeSeed(QStringLiteral("kill"), leads)));
        const QString profile = writeProfile(QStringLiteral("kill"));
        QVERIFY(admin(QStringLiteral("faults"), {{QStringLiteral("bulkSlowMs"), 8000}})
                    .contains(QStringLiteral("bulkSlowMs")));

        QProcess sync;
        sync.setProcessEnvironment(environment());
        sync.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                   {QStringLiteral("--profile"), profile, QStringLiteral("sync")});
        QVERIFY(sync.waitForStarted());
        // Created, uploaded and closed: three Bulk API calls.
        QVERIFY(QTest::qWaitFor(
            [&] {
                return callsByKind(admin(QStringLiteral("stats")))
                           .value(QStringLiteral("bulk"))
                           .toInt()
                    >= 3;
            },
            120'000));
        sync.kill(); // SIGKILL
        QVERIFY(sync.waitForFinished(30'000));
        QCOMPARE(sync.exitStatus(), QProcess::CrashExit);
        const QJsonArray before = ingestJobs();
        QCOMPARE(before.size(), 1);
        QVERIFY2(before.first().toObject().value(QStringLiteral("state")).toString()
                     != QLatin1String("JobComplete"),
                 "the job ended before the kill");

        const Run run = leadbridge(profile, {QStringLiteral("sync"), QStringLiteral("--once")});
        QVERIFY2(run.code == 1, run.err.right(2000).constData()); // the 50 invalid leads

        // One job, uploaded once; every valid lead written once.
        const QJsonArray jobs = ingestJobs();
        QCOMPARE(jobs.size(), 1);
        QCOMPARE(jobs.first().toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("JobComplete"));
        const QJsonObject stats = admin(QStringLiteral("stats?limit=10000000"));
        const QHash<QString, int> writes = leadWrites(stats);
        QCOMPARE(writes.size(), leads - leads / 100);
        for (auto it = writes.cbegin(); it != writes.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        const Run list = leadbridge(
            profile, {QStringLiteral("inbox"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(list.out).array().size(), leads / 100);
    }
};

QTEST_GUILESS_MAIN(TestSyncBulk)
#include "TestSyncBulk.moc"
