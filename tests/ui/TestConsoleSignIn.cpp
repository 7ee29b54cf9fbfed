// "Sign in with Salesforce" and "Sign out" in the Credentials view against the sandbox org, in a
// private gnome-keyring (with-keyring.sh). The browser is played by an HTTP client that follows
// the sandbox's authorize redirect to the loopback listener. The refresh token lands in the
// keychain and in no file, the profile learns the instance URL and user, cancel and time-out
// say so, sign-out revokes at Salesforce, and a refused token asks to sign in again.
#include "FakeSyncController.h"
#include "auth/KeychainCredentialStore.h"
#include "auth/SalesforceSignIn.h"
#include "credentials/CredentialsView.h"

#include <QComboBox>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace lb;

class TestConsoleSignIn : public QObject
{
    Q_OBJECT

private:
    QProcess m_sandbox;
    QJsonObject m_ready;
    QTemporaryDir m_dir;
    QString m_profilePath;
    QString m_profileName;
    QNetworkAccessManager m_nam;
    KeychainCredentialStore m_keychain;
    test::FakeSyncController m_controller;
    std::unique_ptr<ui::CredentialsView> m_view;
    QUrl m_opened; // what the view asked the browser to open
    bool m_followRedirect = true;
    QNetworkReply *m_browser = nullptr;

    static constexpr auto clientSecret = "leadbridge-sandbox-consumer-secret";

    void writeProfile()
    {
        QFile f(m_profilePath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QJsonObject profile {
            {QStringLiteral("name"), m_profileName},
            {QStringLiteral("salesforce"),
             QJsonObject {
                 {QStringLiteral("login_url"), m_ready.value(QStringLiteral("loginUrl"))},
                 {QStringLiteral("auth_flow"), QStringLiteral("authorization_code")},
                 {QStringLiteral("client_id"), m_ready.value(QStringLiteral("clientId"))}}},
            {QStringLiteral("platform"),
             QJsonObject {
                 {QStringLiteral("base_url"), m_ready.value(QStringLiteral("platformUrl"))}}},
            {QStringLiteral("store"),
             QString(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("s.db")))},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}}};
        f.write(QJsonDocument(profile).toJson());
    }

    void openView(int timeoutMs)
    {
        auto profile = Profile::load(m_profilePath);
        QVERIFY2(profile.ok(), profile ? "" : qPrintable(profile.error().message));
        ui::ConsoleContext context;
        context.controller = &m_controller;
        context.credentials = &m_keychain;
        context.profile = *profile;
        context.profilePath = m_profilePath;
        context.signInTimeoutMs = timeoutMs;
        context.openBrowser = [this](const QUrl &url) {
            m_opened = url;
            if (m_followRedirect) // the sandbox's login page redirects at once
                m_browser = m_nam.get(QNetworkRequest(url));
            return true;
        };
        m_view = std::make_unique<ui::CredentialsView>(context);
        m_view->resize(900, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    QPushButton *button(const char *name) const
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }
    QString signInState() const
    {
        return m_view->findChild<QLabel *>(QStringLiteral("sfSignInState"))->text();
    }
    bool waitForState(const QString &part)
    {
        return QTest::qWaitFor([&] { return signInState().contains(part); }, 60'000);
    }

    Result<QString> keychainToken()
    {
        KeychainCredentialStore other; // a fresh client, as the engine would use
        std::optional<Result<QString>> result;
        other.read({m_profileName, QStringLiteral("salesforce"), QStringLiteral("refresh_token")},
                   this, [&](Result<QString> r) { result = std::move(r); });
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
        form.addQueryItem(QStringLiteral("client_secret"), QLatin1String(clientSecret));
        form.addQueryItem(QStringLiteral("refresh_token"), token);
        QNetworkReply *reply = m_nam.post(request, form.toString(QUrl::FullyEncoded).toUtf8());
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 30'000))
            return -1;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    }

    // Files under `root` holding `needle`.
    static QStringList filesContaining(const QString &root, const QByteArray &needle)
    {
        QStringList found;
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.size() < 50'000'000 && f.open(QIODevice::ReadOnly)
                && f.readAll().contains(needle))
                found.append(f.fileName());
        }
        return found;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        // The connected app's secret from the environment (the refresh token is the subject).
        qputenv("LEADBRIDGE_SF_CLIENT_SECRET", clientSecret);
        qunsetenv("LEADBRIDGE_SF_REFRESH_TOKEN");
        m_profileName = QStringLiteral("console-%1").arg(QCoreApplication::applicationPid());
        m_profilePath = m_dir.filePath(QStringLiteral("profile.json"));
        m_sandbox.start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                        {QStringLiteral("--save-interval"), QStringLiteral("0")});
        QVERIFY(m_sandbox.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return m_sandbox.canReadLine(); }, 30'000));
        m_ready = QJsonDocument::fromJson(m_sandbox.readLine()).object();
        QVERIFY(!m_ready.value(QStringLiteral("loginUrl")).toString().isEmpty());
        writeProfile();
    }

    void cleanupTestCase()
    {
        m_view.reset();
        m_sandbox.terminate();
        m_sandbox.waitForFinished(10'000);
    }

    void cleanup()
    {
        m_view.reset();
        m_opened.clear();
        m_followRedirect = true;
    }

    // The sandbox's login host is neither production nor sandbox: a My Domain-like URL.
    void offersTheThreeEnvironments()
    {
        openView(60'000);
        auto *environment = m_view->findChild<QComboBox *>(QStringLiteral("sfEnvironment"));
        QCOMPARE(environment->count(), 3);
        auto *login = m_view->findChild<QLineEdit *>(QStringLiteral("sfLoginUrl"));
        QCOMPARE(login->text(), m_ready.value(QStringLiteral("loginUrl")).toString());
        QVERIFY(!login->isReadOnly());
        environment->setCurrentIndex(1);
        QCOMPARE(login->text(), QStringLiteral("https://test.salesforce.com"));
        QVERIFY(login->isReadOnly());
        environment->setCurrentIndex(0);
        QCOMPARE(login->text(), QStringLiteral("https://login.salesforce.com"));
        QVERIFY(button("sfSignIn")->isVisible());
        QVERIFY(button("sfSignOut")->isVisible());
    }

    void cancelAndTimeOutSaySo()
    {
        m_followRedirect = false;
        openView(60'000);
        QTest::mouseClick(button("sfSignIn"), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return m_opened.isValid(); }, 30'000));
        QCOMPARE(QUrlQuery(m_opened).queryItemValue(QStringLiteral("code_challenge_method")),
                 QStringLiteral("S256"));
        QVERIFY(signInState().contains(QLatin1String("in your browser")));
        QVERIFY(button("sfCancelSignIn")->isVisible());
        QVERIFY(!button("sfSignIn")->isEnabled());
        QTest::mouseClick(button("sfCancelSignIn"), Qt::LeftButton);
        QVERIFY2(waitForState(QStringLiteral("Sign-in cancelled")), qPrintable(signInState()));
        QVERIFY(button("sfSignIn")->isEnabled());
        QVERIFY(!button("sfCancelSignIn")->isVisible());
        m_view.reset();

        m_opened.clear();
        openView(1000);
        QTest::mouseClick(button("sfSignIn"), Qt::LeftButton);
        QVERIFY2(waitForState(QStringLiteral("did not finish in time")), qPrintable(signInState()));
        QVERIFY(m_opened.isValid());
        QCOMPARE(keychainToken().error().code, QStringLiteral("not_found"));
    }

    void signsInAndOut()
    {
        openView(60'000);
        QTest::mouseClick(button("sfSignIn"), Qt::LeftButton);
        QVERIFY2(waitForState(QStringLiteral("Signed in as")), qPrintable(signInState()));
        QVERIFY(m_browser && m_browser->isFinished());
        QCOMPARE(m_browser->url().host(), QStringLiteral("127.0.0.1")); // the loopback listener
        const QString token = keychainToken().value();
        QVERIFY(!token.isEmpty());
        QVERIFY2(!signInState().contains(token), "the token was shown");
        QCOMPARE(refreshStatus(token), 200);

        // The profile knows where the org is and who signed in; no file holds the token.
        auto profile = Profile::load(m_profilePath);
        QVERIFY(profile.ok());
        QCOMPARE(profile->salesforce.instanceUrl.toString(),
                 m_ready.value(QStringLiteral("instanceUrl")).toString());
        QVERIFY(!profile->salesforce.username.isEmpty());
        QVERIFY(signInState().contains(profile->salesforce.username));
        QStringList found = filesContaining(m_dir.path(), token.toUtf8());
        found += filesContaining(QDir::homePath() + QStringLiteral("/.config"), token.toUtf8());
        QVERIFY2(found.isEmpty(), qPrintable(found.join(u',')));

        // Sign out revokes: the old token is refused by Salesforce afterwards.
        QTest::mouseClick(button("sfSignOut"), Qt::LeftButton);
        QVERIFY2(waitForState(QStringLiteral("Signed out")), qPrintable(signInState()));
        QVERIFY(signInState().contains(QLatin1String("Revoked the refresh token")));
        QCOMPARE(keychainToken().error().code, QStringLiteral("not_found"));
        QCOMPARE(refreshStatus(token), 400);
    }

    // The engine's word for a refused refresh token turns into "sign in again".
    void aRefusedTokenAsksToSignInAgain()
    {
        openView(60'000);
        SyncStatus status;
        status.state = SyncStatus::State::Error;
        status.detail
            = auth::SalesforceSignIn::refusedRefreshToken(
                  {QStringLiteral("invalid_grant"), QStringLiteral("expired access/refresh token")})
                  .message;
        m_controller.publish(status);
        QVERIFY2(waitForState(QStringLiteral("sign in again")), qPrintable(signInState()));
        QVERIFY(button("sfSignIn")->text().contains(QLatin1String("again")));
        QVERIFY(button("sfSignIn")->isEnabled());
    }
};

QTEST_MAIN(TestConsoleSignIn)
#include "TestConsoleSignIn.moc"
