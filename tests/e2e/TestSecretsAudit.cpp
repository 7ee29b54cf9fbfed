// Secrets stay in the keychain and in memory. A demo-like run against `leadbridge-sandbox`
// (the web-server sign-in with PKCE and rotated refresh tokens, `sync --once`, a running sync
// that takes a signed webhook, every report exported, the CLI's other read commands, a sync
// killed with SIGABRT), every process with debug logging on, then a byte scan of everything
// the run left: the SQLite store (file, -wal, -shm) and each of its tables read row by row,
// the profile, every file written (exports, crash folder), and every line the processes
// printed. No marker of a secret may appear anywhere:
//   client secret, platform API key, webhook secret (distinctive strings set here);
//   the refresh token (read back from the keychain) and any sandbox access token ("!AQ4AQ")
//   or refresh token ("5Aep861") by their shape.
// Core dumps: the sync is made to abort with RLIMIT_CORE raised; LeadBridge turns core dumps
// off for itself (its memory holds the secrets), so no core file may appear, while a control
// process in the same conditions does dump core (else the check is skipped, saying why).
#include "auth/KeychainCredentialStore.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <csignal>
#include <sys/resource.h>

using namespace lb;

namespace {

const QByteArray ClientSecret = "LBAUDIT-client-secret-5f1e9c0a";
const QByteArray PlatformKey = "LBAUDIT-platform-key-83d2a1b7";
const QByteArray WebhookSecret = "LBAUDIT-webhook-secret-0c7b44e2";
// The sandbox's token shapes: access "<org id>!AQ4AQ<random>", refresh "5Aep861<random>".
const QByteArray AccessTokenMark = "!AQ4AQ";
const QByteArray RefreshTokenMark = "5Aep861";

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost) ? probe.serverPort() : 0;
}

// Lets the child dump core wherever core_pattern says (the test's own limit may be 0).
void raiseCoreLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_CORE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_CORE, &limit);
    }
}

QString corePattern()
{
    QFile f(QStringLiteral("/proc/sys/kernel/core_pattern"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll().trimmed()) : QString();
}

QStringList coreFiles(const QString &dir)
{
    return QDir(dir).entryList({QStringLiteral("core"), QStringLiteral("core.*")}, QDir::Files);
}

} // namespace

class TestSecretsAudit : public QObject
{
    Q_OBJECT

private:
    QProcess m_sandbox;
    QJsonObject m_ready;
    QTemporaryDir m_dir;
    QString m_profile;
    QString m_profileName;
    QNetworkAccessManager m_nam;
    quint16 m_webhookPort = 0;
    QByteArray m_printed; // everything every LeadBridge process wrote, stdout and stderr
    QByteArray m_refreshToken; // as the keychain holds it after the run

    QList<QByteArray> secrets() const
    {
        QList<QByteArray> s {ClientSecret, PlatformKey, WebhookSecret, AccessTokenMark,
                             RefreshTokenMark};
        if (!m_refreshToken.isEmpty())
            s.append(m_refreshToken);
        return s;
    }

    // The first secret found in `bytes` (also percent-encoded or in UTF-16), or "".
    QByteArray leakIn(const QByteArray &bytes) const
    {
        for (const QByteArray &secret : secrets()) {
            const QByteArray utf16
                = QByteArray(reinterpret_cast<const char *>(QString::fromLatin1(secret).utf16()),
                             secret.size() * 2);
            if (bytes.contains(secret)
                || bytes.contains(QUrl::toPercentEncoding(QString::fromLatin1(secret)))
                || bytes.contains(utf16))
                return secret;
        }
        return {};
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LEADBRIDGE_SF_CLIENT_SECRET"),
                   QString::fromLatin1(ClientSecret));
        env.insert(QStringLiteral("LEADBRIDGE_PLATFORM_API_KEY"), QString::fromLatin1(PlatformKey));
        env.insert(QStringLiteral("LEADBRIDGE_WEBHOOK_SECRET"), QString::fromLatin1(WebhookSecret));
        env.remove(QStringLiteral("LEADBRIDGE_SF_REFRESH_TOKEN")); // only the keychain's
        env.remove(QStringLiteral("DISPLAY"));
        // Every log line, debug included, is part of what is scanned.
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("lb.*.debug=true"));
        return env;
    }

    void start(QProcess &p, const QStringList &args) const
    {
        p.setProcessEnvironment(environment());
        p.setReadChannel(QProcess::StandardError); // where a running sync says what it does
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), m_profile} + args);
    }

    // `leadbridge ARGS`: its exit code (-1: still running after 5 minutes); its output is kept.
    int leadbridge(const QStringList &args, QByteArray *out = nullptr)
    {
        QProcess p;
        start(p, args);
        const bool finished = p.waitForFinished(300'000);
        const QByteArray stdOut = p.readAllStandardOutput();
        m_printed += stdOut + p.readAllStandardError();
        if (out)
            *out = stdOut;
        return finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    QByteArray keychainToken()
    {
        KeychainCredentialStore keychain;
        std::optional<Result<QString>> result;
        keychain.read(
            {m_profileName, QStringLiteral("salesforce"), QStringLiteral("refresh_token")}, this,
            [&](Result<QString> r) { result = std::move(r); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000) || !*result)
            return {};
        return (*result)->toUtf8();
    }

    QByteArray send(QNetworkReply *reply)
    {
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 30'000))
            return {};
        reply->deleteLater();
        return reply->readAll();
    }

    // A platform lead edited through the platform's API: the sandbox signs and delivers the
    // webhook to the running sync.
    bool editPlatformLead()
    {
        const QString base = m_ready.value(QStringLiteral("platformUrl")).toString();
        QNetworkRequest list(QUrl(base + QStringLiteral("/v1/leads?limit=1")));
        list.setRawHeader("Authorization", "Bearer " + PlatformKey);
        const QJsonObject page = QJsonDocument::fromJson(send(m_nam.get(list))).object();
        const QString id = page.value(QStringLiteral("data"))
                               .toArray()
                               .first()
                               .toObject()
                               .value(QStringLiteral("id"))
                               .toString();
        if (id.isEmpty())
            return false;
        QNetworkRequest patch(QUrl(base + QStringLiteral("/v1/leads/") + id));
        patch.setRawHeader("Authorization", "Bearer " + PlatformKey);
        patch.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = m_nam.sendCustomRequest(
            patch, "PATCH", QByteArrayLiteral("{\"company\":\"Audited & Co\"}"));
        send(reply);
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
    }

    int storeCount(const QString &sql)
    {
        const QString name = QStringLiteral("audit-count");
        int n = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_dir.filePath(QStringLiteral("audit.db")));
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(sql) && q.next())
                    n = q.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return n;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_profileName = QStringLiteral("audit-%1").arg(QCoreApplication::applicationPid());
        m_webhookPort = freePort();
        QVERIFY(m_webhookPort != 0);
        m_sandbox.start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                        {QStringLiteral("--client-secret"), QString::fromLatin1(ClientSecret),
                         QStringLiteral("--refresh-rotation"), QStringLiteral("--require-pkce"),
                         QStringLiteral("--platform-api-key"), QString::fromLatin1(PlatformKey),
                         QStringLiteral("--platform-generate"), QStringLiteral("20"),
                         QStringLiteral("--webhook-url"),
                         QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(m_webhookPort),
                         QStringLiteral("--webhook-secret"), QString::fromLatin1(WebhookSecret),
                         QStringLiteral("--save-interval"), QStringLiteral("0")});
        QVERIFY(m_sandbox.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return m_sandbox.canReadLine(); }, 30'000));
        m_ready = QJsonDocument::fromJson(m_sandbox.readLine()).object();
        QVERIFY(!m_ready.value(QStringLiteral("platformUrl")).toString().isEmpty());

        m_profile = m_dir.filePath(QStringLiteral("profile.json"));
        QFile f(m_profile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QJsonObject profile {
            {QStringLiteral("name"), m_profileName},
            {QStringLiteral("salesforce"),
             QJsonObject {{QStringLiteral("login_url"), m_ready.value(QStringLiteral("loginUrl"))},
                          {QStringLiteral("auth_flow"), QStringLiteral("authorization_code")},
                          {QStringLiteral("client_id"), m_ready.value(QStringLiteral("clientId"))},
                          {QStringLiteral("username"), m_ready.value(QStringLiteral("username"))},
                          {QStringLiteral("changes"), QStringLiteral("poll")}}},
            {QStringLiteral("platform"),
             QJsonObject {
                 {QStringLiteral("base_url"), m_ready.value(QStringLiteral("platformUrl"))},
                 {QStringLiteral("webhook_listen"),
                  QStringLiteral("127.0.0.1:%1").arg(m_webhookPort)}}},
            {QStringLiteral("store"),
             QString(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("audit.db")))},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}},
            {QStringLiteral("sync"),
             QJsonObject {{QStringLiteral("poll_interval_s"), 2}, {QStringLiteral("lease_s"), 5}}}};
        QVERIFY(f.write(QJsonDocument(profile).toJson()) > 0);
    }

    void cleanupTestCase()
    {
        leadbridge({QStringLiteral("credentials"), QStringLiteral("delete"),
                    QStringLiteral("--system"), QStringLiteral("salesforce"),
                    QStringLiteral("--secret"), QStringLiteral("refresh_token")});
        m_sandbox.terminate();
        m_sandbox.waitForFinished(10'000);
    }

    void signIn()
    {
        QProcess p;
        start(p, {QStringLiteral("login"), QStringLiteral("--no-browser")});
        p.setReadChannel(QProcess::StandardOutput); // where login prints the address
        QVERIFY(p.waitForStarted(30'000));
        QUrl url;
        QByteArray out;
        while (!url.isValid() && p.state() == QProcess::Running && p.waitForReadyRead(30'000)) {
            out += p.readAllStandardOutput();
            for (const QByteArray &line : out.split('\n')) {
                if (line.startsWith("http") && out.contains("Waiting up to"))
                    url = QUrl(QString::fromUtf8(line.trimmed()));
            }
        }
        QVERIFY2(url.isValid(), out.constData());
        // The "browser": the authorize page redirects to LeadBridge's loopback listener.
        QNetworkReply *reply = m_nam.get(QNetworkRequest(url));
        send(reply);
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QVERIFY(p.waitForFinished(60'000));
        m_printed += out + p.readAllStandardOutput() + p.readAllStandardError();
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(!keychainToken().isEmpty());
    }

    void syncTakesWebhooksAndExports()
    {
        QCOMPARE(leadbridge({QStringLiteral("sync"), QStringLiteral("--once")}), 0);

        // A running sync: its webhook receiver takes a signed delivery.
        QProcess sync;
        start(sync, {QStringLiteral("sync")});
        QVERIFY(sync.waitForStarted());
        const int before = storeCount(QStringLiteral("SELECT COUNT(*) FROM inbound_events"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return sync.state() != QProcess::Running
                    || sync.peek(sync.bytesAvailable()).contains("is syncing");
            },
            60'000));
        QVERIFY(editPlatformLead());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return storeCount(QStringLiteral("SELECT COUNT(*) FROM inbound_events")) > before;
            },
            60'000));
        sync.terminate();
        QVERIFY(sync.waitForFinished(60'000));
        m_printed += sync.readAllStandardOutput() + sync.readAllStandardError();

        QDir().mkpath(m_dir.filePath(QStringLiteral("exports")));
        for (const QString &report :
             {QStringLiteral("leads"), QStringLiteral("history"), QStringLiteral("errors"),
              QStringLiteral("api-usage"), QStringLiteral("reconcile")}) {
            for (const QString &format : {QStringLiteral("csv"), QStringLiteral("json")}) {
                const QString out
                    = m_dir.filePath(QStringLiteral("exports/%1.%2").arg(report, format));
                QCOMPARE(
                    leadbridge({QStringLiteral("export"), QStringLiteral("--report"), report,
                                QStringLiteral("--format"), format, QStringLiteral("--out"), out}),
                    0);
                QVERIFY(QFileInfo(out).size() > 0);
            }
        }
        for (const QStringList &args :
             {QStringList {QStringLiteral("status"), QStringLiteral("--json")},
              QStringList {QStringLiteral("status")},
              QStringList {QStringLiteral("inbox"), QStringLiteral("list")},
              QStringList {QStringLiteral("credentials"), QStringLiteral("list")},
              QStringList {QStringLiteral("credentials"), QStringLiteral("test"),
                           QStringLiteral("--system"), QStringLiteral("salesforce")},
              QStringList {QStringLiteral("credentials"), QStringLiteral("test"),
                           QStringLiteral("--system"), QStringLiteral("platform")}}) {
            QVERIFY2(leadbridge(args) >= 0, qPrintable(args.join(u' ')));
        }
        m_refreshToken = keychainToken();
        QVERIFY(m_refreshToken.startsWith(RefreshTokenMark));
    }

    void abortedSyncLeavesNoCoreDump()
    {
        const QString crashDir = m_dir.filePath(QStringLiteral("crash"));
        QVERIFY(QDir().mkpath(crashDir));
        QProcess sync;
        sync.setWorkingDirectory(crashDir);
        sync.setChildProcessModifier(raiseCoreLimit);
        start(sync, {QStringLiteral("sync")});
        QVERIFY(sync.waitForStarted());
        // Aborted once it holds everything: signed in, keys read, webhook receiver up.
        QVERIFY(QTest::qWaitFor(
            [&] {
                return sync.state() != QProcess::Running
                    || sync.peek(sync.bytesAvailable()).contains("is syncing");
            },
            60'000));
        QCOMPARE(sync.state(), QProcess::Running);
        ::kill(pid_t(sync.processId()), SIGABRT);
        QVERIFY(sync.waitForFinished(60'000));
        QCOMPARE(sync.exitStatus(), QProcess::CrashExit);
        m_printed += sync.readAllStandardOutput() + sync.readAllStandardError();

        // The control: the same limit, the same folder kind, a process that holds no secret.
        const QString pattern = corePattern();
        QTemporaryDir controlDir;
        QProcess control;
        control.setWorkingDirectory(controlDir.path());
        control.setChildProcessModifier(raiseCoreLimit);
        control.start(QStringLiteral("/bin/sh"),
                      {QStringLiteral("-c"), QStringLiteral("kill -ABRT $$")});
        QVERIFY(control.waitForFinished(60'000));
        const bool controlDumped = !coreFiles(controlDir.path()).isEmpty();

        // Whatever the environment, a core file next to the sync must not exist (its memory
        // holds the secrets); the scans below would report it if it did.
        QVERIFY2(
            coreFiles(crashDir).isEmpty(),
            qPrintable(
                QStringLiteral("LeadBridge dumped core: %1").arg(coreFiles(crashDir).join(u' '))));
        if (!controlDumped)
            QSKIP(qPrintable(
                QStringLiteral(
                    "Core dumps cannot be captured here (core_pattern \"%1\", a process "
                    "with RLIMIT_CORE raised left no core file in its working folder), "
                    "so the absence of LeadBridge's core proves nothing on this machine.")
                    .arg(pattern)));
    }

    void storeHoldsNoSecret()
    {
        // Every byte of the store's files, the WAL and shared memory included.
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            QFile f(m_dir.filePath(QStringLiteral("audit.db") + suffix));
            if (!f.exists())
                continue;
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray leak = leakIn(f.readAll());
            QVERIFY2(
                leak.isEmpty(),
                qPrintable(f.fileName() + QStringLiteral(" holds ") + QString::fromLatin1(leak)));
        }
        // Every value of every table, as SQLite hands it back.
        const QString name = QStringLiteral("audit-scan");
        int tables = 0;
        qint64 values = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_dir.filePath(QStringLiteral("audit.db")));
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            QVERIFY(db.open());
            QSqlQuery list(db);
            QVERIFY(
                list.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")));
            QStringList names;
            while (list.next())
                names.append(list.value(0).toString());
            for (const QString &table : std::as_const(names)) {
                QSqlQuery rows(db);
                if (!rows.exec(QStringLiteral("SELECT * FROM \"%1\"").arg(table)))
                    continue; // virtual tables whose module this driver lacks
                ++tables;
                while (rows.next()) {
                    for (int c = 0; c < rows.record().count(); ++c) {
                        const QVariant v = rows.value(c);
                        const QByteArray bytes = v.typeId() == QMetaType::QByteArray
                            ? v.toByteArray()
                            : v.toString().toUtf8();
                        ++values;
                        const QByteArray leak = leakIn(bytes);
                        QVERIFY2(leak.isEmpty(),
                                 qPrintable(QStringLiteral("%1.%2 holds %3")
                                                .arg(table, rows.record().fieldName(c),
                                                     QString::fromLatin1(leak))));
                    }
                }
            }
        }
        QSqlDatabase::removeDatabase(name);
        QVERIFY(tables >= 10);
        QVERIFY(values > 100); // the run stored something worth scanning
        qInfo("scanned %d tables, %lld values", tables, values);
    }

    void filesHoldNoSecret()
    {
        // The profile, the exports, the crash folder: every file the run left.
        int files = 0;
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            ++files;
            const QByteArray leak = leakIn(f.readAll());
            QVERIFY2(
                leak.isEmpty(),
                qPrintable(f.fileName() + QStringLiteral(" holds ") + QString::fromLatin1(leak)));
        }
        QVERIFY(files >= 11); // profile + 10 exports
        QVERIFY(QFileInfo::exists(m_profile));
    }

    void outputHoldsNoSecret()
    {
        // Debug logging was on: the run printed plenty, none of it a secret.
        QVERIFY(m_printed.size() > 2000);
        QVERIFY(m_printed.contains("is syncing"));
        const QByteArray leak = leakIn(m_printed);
        if (!leak.isEmpty()) {
            for (const QByteArray &line : m_printed.split('\n')) {
                if (!leakIn(line).isEmpty())
                    qWarning("leaking line: %s", line.constData());
            }
        }
        QVERIFY2(leak.isEmpty(), leak.constData());
    }
};

QTEST_GUILESS_MAIN(TestSecretsAudit)
#include "TestSecretsAudit.moc"
