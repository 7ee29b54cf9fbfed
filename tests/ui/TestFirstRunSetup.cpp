// The first start without a profile, in a private gnome-keyring (with-keyring.sh) against the
// sandbox org and platform: the setup is driven through its real widgets (the browser is an
// HTTP client following the authorize redirect), the profile is written, the secrets are in the
// keychain and in no file, both connections test fine and the first sync runs.
#include "ConsoleSession.h"
#include "MainWindow.h"
#include "auth/KeychainCredentialStore.h"
#include "setup/SetupWizard.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace lb;

class TestFirstRunSetup : public QObject
{
    Q_OBJECT

private:
    QProcess m_sandbox;
    QJsonObject m_ready;
    QNetworkAccessManager m_nam;
    KeychainCredentialStore m_keychain;

    Result<QString> read(const QString &system, const QString &secret)
    {
        KeychainCredentialStore other;
        std::optional<Result<QString>> result;
        other.read({QStringLiteral("first-run"), system, secret}, this,
                   [&](Result<QString> r) { result = std::move(r); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return makeError(QStringLiteral("timeout"), QStringLiteral("keychain did not answer"));
        return *result;
    }

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
        QSettings().clear();
        QDir(ProfileCatalog::defaultFolder()).removeRecursively();
        QFile::remove(Profile::defaultPath());
        qputenv("LEADBRIDGE_SF_CLIENT_SECRET", "leadbridge-sandbox-consumer-secret");
        for (const char *v : {"LEADBRIDGE_SF_REFRESH_TOKEN", "LEADBRIDGE_PLATFORM_API_KEY",
                              "LEADBRIDGE_WEBHOOK_SECRET"})
            qunsetenv(v);
        m_sandbox.start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                        {QStringLiteral("--platform-api-key"), QStringLiteral("pk_first_run"),
                         QStringLiteral("--save-interval"), QStringLiteral("0")});
        QVERIFY(m_sandbox.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return m_sandbox.canReadLine(); }, 30'000));
        m_ready = QJsonDocument::fromJson(m_sandbox.readLine()).object();
        QVERIFY(!m_ready.value(QStringLiteral("platformUrl")).toString().isEmpty());
    }

    void cleanupTestCase()
    {
        m_sandbox.terminate();
        m_sandbox.waitForFinished(10'000);
    }

    void setsUpSignsInTestsAndSyncs()
    {
        ui::ConsoleSession session(m_keychain);
        session.setBrowserOpener(
            [this](const QUrl &url) {
                m_nam.get(QNetworkRequest(url)); // the login page redirects at once
                return true;
            },
            60'000);
        session.open(QString());
        ui::SetupWizard *setup = session.setupWizard();
        QVERIFY2(setup, "no first-run setup without a profile");
        QVERIFY(!session.window());
        QVERIFY(QTest::qWaitForWindowExposed(setup));
        QVERIFY(setup->button(QWizard::CustomButton1)->isVisible()); // Try the demo
        auto line = [setup](const char *name) {
            return setup->findChild<QLineEdit *>(QLatin1String(name));
        };
        auto text = [setup](const char *name) {
            return setup->findChild<QLabel *>(QLatin1String(name))->text();
        };
        auto next = [setup] {
            QAbstractButton *b = setup->button(QWizard::NextButton);
            if (!b->isVisible())
                b = setup->button(QWizard::CommitButton);
            return b;
        };

        // Salesforce: the sandbox's login host is a My Domain-like address.
        line("setupName")->clear();
        QTest::keyClicks(line("setupName"), QStringLiteral("first-run"));
        QCOMPARE(line("setupLoginUrl")->text(), QStringLiteral("https://login.salesforce.com"));
        setup->findChild<QComboBox *>(QStringLiteral("setupEnvironment"))->setCurrentIndex(2);
        QVERIFY(line("setupLoginUrl")->text().isEmpty()); // My Domain: typed
        QVERIFY(!line("setupLoginUrl")->isReadOnly());
        QTest::keyClicks(line("setupLoginUrl"),
                         m_ready.value(QStringLiteral("loginUrl")).toString());
        QTest::keyClicks(line("setupClientId"),
                         m_ready.value(QStringLiteral("clientId")).toString());
        QVERIFY(!next()->isEnabled());
        QTest::mouseClick(setup->findChild<QPushButton *>(QStringLiteral("setupSignIn")),
                          Qt::LeftButton);
        QVERIFY2(QTest::qWaitFor([&] { return next()->isEnabled(); }, 60'000),
                 qPrintable(text("setupSignInState")));
        QVERIFY(text("setupSignInState").startsWith(QLatin1String("Signed in as")));
        QTest::mouseClick(next(), Qt::LeftButton);

        // The lead platform.
        QVERIFY(!next()->isEnabled());
        QTest::keyClicks(line("setupPlatformUrl"),
                         m_ready.value(QStringLiteral("platformUrl")).toString());
        QTest::keyClicks(line("setupApiKey"), QStringLiteral("pk_first_run"));
        QVERIFY(next()->isEnabled());
        QTest::mouseClick(next(), Qt::LeftButton);

        // Webhooks: a generated secret; any free port here.
        const QString webhookSecret = line("setupWebhookSecret")->text();
        QVERIFY(webhookSecret.size() >= 32);
        line("setupWebhookListen")->setText(QStringLiteral("127.0.0.1:0"));
        QTest::mouseClick(next(), Qt::LeftButton);

        // Allowed hosts, filled in from what was entered.
        auto *hosts = setup->findChild<QPlainTextEdit *>(QStringLiteral("setupAllowedHosts"));
        QVERIFY2(hosts->toPlainText().split(u'\n').contains(QStringLiteral("127.0.0.1")),
                 qPrintable(hosts->toPlainText()));
        QVERIFY(text("setupHostsCheck").contains(QLatin1String("will be allowed")));
        QTest::mouseClick(next(), Qt::LeftButton); // Save and test

        // Both connections tested, the first sync ran.
        QAbstractButton *finish = setup->button(QWizard::FinishButton);
        QVERIFY2(QTest::qWaitFor([&] { return finish->isEnabled(); }, 120'000),
                 qPrintable(text("setupProgress") + u'|' + text("setupSalesforceTest") + u'|'
                            + text("setupPlatformTest") + u'|' + text("setupFirstSync")));
        QVERIFY(text("setupSalesforceTest").startsWith(QLatin1String("Connection works")));
        QVERIFY(text("setupPlatformTest").startsWith(QLatin1String("Connection works")));
        QVERIFY(text("setupFirstSync").contains(QLatin1String("first sync ran")));

        // The profile, and the secrets in the keychain only.
        const QString path = setup->profilePath();
        auto profile = Profile::load(path);
        QVERIFY2(profile.ok(), profile ? "" : qPrintable(profile.error().message));
        QCOMPARE(profile->name, QStringLiteral("first-run"));
        QCOMPARE(profile->salesforce.authFlow, QStringLiteral("authorization_code"));
        QCOMPARE(profile->salesforce.instanceUrl.toString(),
                 m_ready.value(QStringLiteral("instanceUrl")).toString());
        QVERIFY(!profile->salesforce.username.isEmpty());
        QCOMPARE(profile->allowedHosts, QStringList {QStringLiteral("127.0.0.1")});
        const QString refreshToken
            = read(QStringLiteral("salesforce"), QStringLiteral("refresh_token")).value();
        QVERIFY(!refreshToken.isEmpty());
        QCOMPARE(read(QStringLiteral("platform"), QStringLiteral("api_key")).value(),
                 QStringLiteral("pk_first_run"));
        QCOMPARE(read(QStringLiteral("platform"), QStringLiteral("webhook_secret")).value(),
                 webhookSecret);
        // In the keyring session HOME is a throwaway folder holding every file the console
        // wrote (profile, settings, store).
        for (const QString &secret :
             {refreshToken, QStringLiteral("pk_first_run"), webhookSecret}) {
            const QStringList found = filesContaining(QDir::homePath(), secret.toUtf8());
            QVERIFY2(found.isEmpty(), qPrintable(found.join(u',')));
        }

        QTest::mouseClick(finish, Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return session.window() != nullptr; }, 10'000));
        QCOMPARE(session.window()->context().profile.name, QStringLiteral("first-run"));
        QCOMPARE(ui::ConsoleSession::profileToOpen(), QFileInfo(path).absoluteFilePath());
    }
};

QTEST_MAIN(TestFirstRunSetup)
#include "TestFirstRunSetup.moc"
