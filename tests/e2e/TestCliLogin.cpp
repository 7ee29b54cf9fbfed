// `leadbridge login --no-browser` against the sandbox org with refresh-token rotation: the
// browser is played by an HTTP client that follows the authorize redirect to the loopback
// listener. The refresh token lands in the keychain (a private gnome-keyring), each rotated
// token is written back so the next `sync --once` can log in, and `credentials delete`
// revokes the token at Salesforce.
#include "auth/KeychainCredentialStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <csignal>

using namespace lb;

class TestCliLogin : public QObject
{
    Q_OBJECT

private:
    QProcess m_sandbox;
    QJsonObject m_ready;
    QTemporaryDir m_dir;
    QString m_profile;
    QString m_profileName;
    QNetworkAccessManager m_nam;

    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LEADBRIDGE_SF_CLIENT_SECRET"),
                   QStringLiteral("leadbridge-sandbox-consumer-secret"));
        env.insert(QStringLiteral("LEADBRIDGE_PLATFORM_API_KEY"), QStringLiteral("pk_login"));
        env.remove(QStringLiteral("LEADBRIDGE_SF_REFRESH_TOKEN")); // only the keychain's
        return env;
    }

    Run leadbridge(const QStringList &args, const QString &profile = {})
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), profile.isEmpty() ? m_profile : profile}
                    + args);
        if (!p.waitForFinished(180'000))
            return {};
        return {p.exitCode(), QString::fromLocal8Bit(p.readAllStandardOutput()),
                QString::fromLocal8Bit(p.readAllStandardError())};
    }

    QString writeProfile(const QString &file, const QString &flow)
    {
        const QString path = m_dir.filePath(file);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        const QJsonObject profile {
            {QStringLiteral("name"), m_profileName},
            {QStringLiteral("salesforce"),
             QJsonObject {{QStringLiteral("login_url"), m_ready.value(QStringLiteral("loginUrl"))},
                          {QStringLiteral("auth_flow"), flow},
                          {QStringLiteral("client_id"), m_ready.value(QStringLiteral("clientId"))},
                          {QStringLiteral("username"), m_ready.value(QStringLiteral("username"))}}},
            {QStringLiteral("platform"),
             QJsonObject {
                 {QStringLiteral("base_url"), m_ready.value(QStringLiteral("platformUrl"))}}},
            {QStringLiteral("store"),
             QString(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("login.db")))},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}}};
        f.write(QJsonDocument(profile).toJson());
        return path;
    }

    Result<QString> keychainToken()
    {
        KeychainCredentialStore keychain;
        std::optional<Result<QString>> result;
        keychain.read(
            {m_profileName, QStringLiteral("salesforce"), QStringLiteral("refresh_token")}, this,
            [&](Result<QString> r) { result = std::move(r); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return makeError(QStringLiteral("timeout"), QStringLiteral("keychain did not answer"));
        return *result;
    }

    // The HTTP status of a refresh grant with `token`, straight at the sandbox's token endpoint.
    int refreshStatus(const QString &token)
    {
        QNetworkRequest request(QUrl(m_ready.value(QStringLiteral("loginUrl")).toString()
                                     + QStringLiteral("/services/oauth2/token")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QStringLiteral("application/x-www-form-urlencoded"));
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
        form.addQueryItem(QStringLiteral("client_id"),
                          m_ready.value(QStringLiteral("clientId")).toString());
        form.addQueryItem(QStringLiteral("client_secret"),
                          QStringLiteral("leadbridge-sandbox-consumer-secret"));
        form.addQueryItem(QStringLiteral("refresh_token"), token);
        QNetworkReply *reply = m_nam.post(request, form.toString(QUrl::FullyEncoded).toUtf8());
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 30'000))
            return -1;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    }

    // Starts `login --no-browser` and returns the address it prints.
    QUrl startLogin(QProcess &p) const
    {
        p.setProcessEnvironment(environment());
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                {QStringLiteral("--profile"), m_profile, QStringLiteral("login"),
                 QStringLiteral("--no-browser")});
        if (!p.waitForStarted(30'000))
            return {};
        QByteArray out;
        while (p.state() == QProcess::Running && p.waitForReadyRead(30'000)) {
            out += p.readAllStandardOutput();
            for (const QByteArray &line : out.split('\n')) {
                if (line.startsWith("http") && out.contains("Waiting up to"))
                    return QUrl(QString::fromUtf8(line.trimmed()));
            }
        }
        return {};
    }

    void signIn()
    {
        QProcess p;
        const QUrl url = startLogin(p);
        QVERIFY(url.isValid());
        QCOMPARE(QUrlQuery(url).queryItemValue(QStringLiteral("code_challenge_method")),
                 QStringLiteral("S256"));
        // The "browser": Salesforce's authorize page redirects to the loopback listener.
        QNetworkReply *reply = m_nam.get(QNetworkRequest(url));
        QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 30'000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->url().host(), QStringLiteral("127.0.0.1"));
        reply->deleteLater();
        QVERIFY(p.waitForFinished(60'000));
        const QString out = QString::fromLocal8Bit(p.readAllStandardOutput());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(out.contains(QLatin1String("Signed in to Salesforce")), qPrintable(out));
        QVERIFY2(!out.contains(keychainToken().value()), "the token was printed");
        QVERIFY(!keychainToken().value().isEmpty());
    }

    // POST /services/oauth2/revoke straight at the sandbox, as an admin revoking the app would.
    bool revokeAtSandbox(const QString &token)
    {
        QNetworkRequest request(QUrl(m_ready.value(QStringLiteral("loginUrl")).toString()
                                     + QStringLiteral("/services/oauth2/revoke")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QStringLiteral("application/x-www-form-urlencoded"));
        QNetworkReply *reply
            = m_nam.post(request, QByteArrayLiteral("token=") + QUrl::toPercentEncoding(token));
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 30'000))
            return false;
        reply->deleteLater();
        return reply->error() == QNetworkReply::NoError;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_profileName = QStringLiteral("login-%1").arg(QCoreApplication::applicationPid());
        m_sandbox.start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                        {QStringLiteral("--refresh-rotation"), QStringLiteral("--platform-api-key"),
                         QStringLiteral("pk_login"), QStringLiteral("--save-interval"),
                         QStringLiteral("0")});
        QVERIFY(m_sandbox.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return m_sandbox.canReadLine(); }, 30'000));
        m_ready = QJsonDocument::fromJson(m_sandbox.readLine()).object();
        QVERIFY(!m_ready.value(QStringLiteral("loginUrl")).toString().isEmpty());
        m_profile
            = writeProfile(QStringLiteral("profile.json"), QStringLiteral("authorization_code"));
        QVERIFY(!m_profile.isEmpty());
    }

    void cleanupTestCase()
    {
        m_sandbox.terminate();
        m_sandbox.waitForFinished(10'000);
    }

    void badArgumentsAreRefused()
    {
        Run r = leadbridge(
            {QStringLiteral("login"), QStringLiteral("--timeout"), QStringLiteral("soon")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("--timeout wants 1 to 3600 seconds")),
                 qPrintable(r.err));
        const QString password
            = writeProfile(QStringLiteral("password.json"), QStringLiteral("password"));
        r = leadbridge({QStringLiteral("login"), QStringLiteral("--no-browser")}, password);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("needs no browser sign-in")), qPrintable(r.err));
    }

    void cancelledAndTimedOutSignInsSaySo()
    {
        QProcess p;
        const QUrl url = startLogin(p);
        QVERIFY(url.isValid());
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("cancelled"));

        const Run r = leadbridge({QStringLiteral("login"), QStringLiteral("--no-browser"),
                                  QStringLiteral("--timeout"), QStringLiteral("1")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("did not finish in time")), qPrintable(r.err));
        QVERIFY(!keychainToken().ok());
    }

    void signsInThroughTheLoopback() { signIn(); }

    // With rotation every refresh retires the old token: without the rotated one written back,
    // the second run could not log in.
    void rotatedTokensAreKeptAcrossRestarts()
    {
        const QString first = keychainToken().value();
        QVERIFY(!first.isEmpty());
        Run r = leadbridge({QStringLiteral("sync"), QStringLiteral("--once")});
        QVERIFY2(r.code == 0, qPrintable(QString::number(r.code) + u' ' + r.out + r.err));
        const QString second = keychainToken().value();
        QVERIFY(!second.isEmpty());
        QVERIFY(second != first);
        QCOMPARE(refreshStatus(first), 400); // retired by the rotation

        r = leadbridge({QStringLiteral("sync"), QStringLiteral("--once")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString third = keychainToken().value();
        QVERIFY(third != second);
    }

    void deleteRevokesAtSalesforce()
    {
        const QString token = keychainToken().value();
        QVERIFY(!token.isEmpty());
        const Run r = leadbridge({QStringLiteral("credentials"), QStringLiteral("delete"),
                                  QStringLiteral("--system"), QStringLiteral("salesforce"),
                                  QStringLiteral("--secret"), QStringLiteral("refresh_token")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("Revoked the refresh token")), qPrintable(r.out));
        QCOMPARE(keychainToken().error().code, QStringLiteral("not_found"));
        QCOMPARE(refreshStatus(token), 400);
    }

    // A token revoked elsewhere (an admin in Salesforce's setup): the engine names the profile
    // and says to sign in again; exit 2.
    void revokedTokenSaysSignInAgain()
    {
        signIn();
        if (QTest::currentTestFailed())
            return;
        QVERIFY(revokeAtSandbox(keychainToken().value()));
        const Run sync = leadbridge({QStringLiteral("sync"), QStringLiteral("--once")});
        QCOMPARE(sync.code, 2);
        QVERIFY2(sync.err.contains(QLatin1String("profile \"") + m_profileName + u'"'),
                 qPrintable(sync.err));
        QVERIFY2(sync.err.contains(QLatin1String("login`")), qPrintable(sync.err));
    }
};

QTEST_GUILESS_MAIN(TestCliLogin)
#include "TestCliLogin.moc"
