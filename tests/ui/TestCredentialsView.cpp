// Runs twice: inside a private D-Bus session with an unlocked gnome-keyring
// (LB_TEST_KEYCHAIN=available), where secrets saved in the view must land in the keychain and
// in no file; and with no session bus at all (=unavailable), where the view must say so.
#include "ConsoleFixture.h"
#include "auth/KeychainCredentialStore.h"
#include "credentials/CredentialsView.h"

#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace lb;

namespace {

bool keychainExpected()
{
    return qEnvironmentVariable("LB_TEST_KEYCHAIN") == QLatin1String("available");
}

// Files under `root` that contain `needle` (files over 50 MB are binaries of the build).
QStringList filesContaining(const QString &root, const QByteArray &needle)
{
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.size() < 50'000'000 && f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            found.append(f.fileName());
    }
    return found;
}

} // namespace

class TestCredentialsView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<KeychainCredentialStore> m_keychain;
    std::unique_ptr<ui::CredentialsView> m_view;
    // Unique per run, so a match can only come from this test.
    const QString m_run = QUuid::createUuid().toString(QUuid::Id128);

    QLineEdit *line(const char *name)
    {
        return m_view->findChild<QLineEdit *>(QLatin1String(name));
    }
    QString label(const char *name)
    {
        return m_view->findChild<QLabel *>(QLatin1String(name))->text();
    }
    QPushButton *button(const char *name)
    {
        return m_view->findChild<QPushButton *>(QLatin1String(name));
    }
    Result<QString> readBack(const QString &system, const QString &secret)
    {
        std::optional<Result<QString>> result;
        KeychainCredentialStore other; // a fresh client, as the engine would use
        other.read({QStringLiteral("ui-test"), system, secret}, this,
                   [&](Result<QString> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return makeError(QStringLiteral("timeout"), QStringLiteral("no answer"));
        return *result;
    }
    void checkNowhereOnDisk(const QString &secret)
    {
        const QByteArray needle = secret.toUtf8();
        // In the keyring session HOME is a throwaway folder: all of it. Otherwise it is the
        // real one: where applications keep files (config, data, Qt's test settings).
        QStringList found;
        if (keychainExpected()) {
            found = filesContaining(QDir::homePath(), needle);
        } else {
            for (const char *sub : {".config", ".local/share", ".qttest"})
                found += filesContaining(QDir::home().filePath(QLatin1String(sub)), needle);
        }
        found += filesContaining(m_fx->dir.path(), needle);
        const QString build = qEnvironmentVariable("LB_BUILD_DIR");
        if (!build.isEmpty())
            found += filesContaining(build, needle);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QStringLiteral(", "))));
    }

private slots:
    void init()
    {
        m_fx = std::make_unique<test::ConsoleFixture>();
        const QString error = m_fx->setUp(0, false);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_keychain = std::make_unique<KeychainCredentialStore>();
        m_fx->context.credentials = m_keychain.get();
        m_view = std::make_unique<ui::CredentialsView>(m_fx->context);
        m_view->resize(900, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanup()
    {
        m_view.reset();
        m_keychain.reset();
        m_fx.reset();
    }

    void showsTheFieldsOfTheChosenFlow()
    {
        auto *flow = m_view->findChild<QComboBox *>(QStringLiteral("sfAuthFlow"));
        QCOMPARE(flow->currentData().toString(), QStringLiteral("jwt_bearer"));
        QVERIFY(line("sfUsername")->isVisible());
        QVERIFY(line("secret_salesforce_private_key")->isVisible());
        QVERIFY(!line("secret_salesforce_password")->isVisible());
        QVERIFY(!line("sfInstanceUrl")->isVisible());
        flow->setCurrentIndex(flow->findData(QStringLiteral("client_credentials")));
        QVERIFY(line("sfInstanceUrl")->isVisible());
        QVERIFY(!line("sfUsername")->isVisible());
        QVERIFY(!line("secret_salesforce_private_key")->isVisible());
        QVERIFY(line("secret_salesforce_client_secret")->isVisible());
        flow->setCurrentIndex(flow->findData(QStringLiteral("password")));
        QVERIFY(line("secret_salesforce_password")->isVisible());
        QCOMPARE(line("secret_salesforce_password")->echoMode(), QLineEdit::Password);
    }

    void savesSecretsToTheKeychainOnly()
    {
        if (!keychainExpected())
            QSKIP("runs in the keyring session");
        const QString key = QStringLiteral("-----BEGIN PRIVATE KEY-----\nMIIE%1\n-----END PRIVATE "
                                           "KEY-----\n")
                                .arg(m_run);
        const QString secret = QStringLiteral("consumer-secret-") + m_run;
        const QString apiKey = QStringLiteral("platform-key-") + m_run + QStringLiteral("-Zoë");
        line("secret_salesforce_private_key")->setText(key);
        line("secret_salesforce_client_secret")->setText(secret);
        line("sfClientId")->setText(QStringLiteral("3MVG9-changed"));
        QTest::mouseClick(button("sfSave"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(label("sfResult"),
                                  QStringLiteral("Saved; secrets are in the keychain."), 30'000);
        QVERIFY(line("secret_salesforce_private_key")->text().isEmpty());
        QCOMPARE(label("state_salesforce_client_secret"), QStringLiteral("stored"));
        line("secret_platform_api_key")->setText(apiKey);
        QTest::mouseClick(button("platformSave"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(label("platformResult"),
                                  QStringLiteral("Saved; secrets are in the keychain."), 30'000);

        auto got = readBack(QStringLiteral("salesforce"), QStringLiteral("private_key"));
        QVERIFY2(got.ok(), got ? "" : qPrintable(got.error().message));
        QCOMPARE(*got, key);
        got = readBack(QStringLiteral("salesforce"), QStringLiteral("client_secret"));
        QVERIFY(got.ok());
        QCOMPARE(*got, secret);
        got = readBack(QStringLiteral("platform"), QStringLiteral("api_key"));
        QVERIFY(got.ok());
        QCOMPARE(*got, apiKey);
        // The profile got the setting that is not secret...
        auto profile = Profile::load(m_fx->profilePath);
        QVERIFY(profile.ok());
        QCOMPARE(profile->salesforce.clientId, QStringLiteral("3MVG9-changed"));
        // ...and no secret is in any file: not the profile, the store, settings, HOME, build.
        checkNowhereOnDisk(m_run);
        // (The search does find what is on disk: the client id, which is no secret.)
        QVERIFY(!filesContaining(m_fx->dir.path(), "3MVG9-changed").isEmpty());

        // A new view knows they are stored without showing them.
        m_view = std::make_unique<ui::CredentialsView>(m_fx->context);
        m_view->show();
        QTRY_COMPARE_WITH_TIMEOUT(label("state_platform_api_key"), QStringLiteral("stored"),
                                  30'000);
        QVERIFY(line("secret_platform_api_key")->text().isEmpty());
        QCOMPARE(label("state_salesforce_password"), QStringLiteral("not set"));

        for (const auto &[system, name] :
             {std::pair {"salesforce", "private_key"}, std::pair {"salesforce", "client_secret"},
              std::pair {"platform", "api_key"}}) {
            std::optional<Result<void>> removed;
            m_keychain->remove(
                {QStringLiteral("ui-test"), QLatin1String(system), QLatin1String(name)}, this,
                [&](Result<void> r) { removed = r; });
            QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 30'000);
        }
    }

    void saysPlainlyWhenThereIsNoKeychain()
    {
        if (keychainExpected())
            QSKIP("runs without a session bus");
        QVERIFY(qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"));
        const QString secret = QStringLiteral("never-stored-") + m_run;
        line("secret_platform_api_key")->setText(secret);
        QTest::mouseClick(button("platformSave"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(label("platformResult").startsWith(QLatin1String("Not stored")),
                                 30'000);
        auto *notice = m_view->findChild<QLabel *>(QStringLiteral("keychainNotice"));
        QVERIFY(notice->isVisible());
        QVERIFY2(notice->text().contains(QLatin1String("DBUS_SESSION_BUS_ADDRESS")),
                 qPrintable(notice->text()));
        QVERIFY(notice->text().contains(QLatin1String("never stores secrets in plain text")));
        // What was typed stays in the field (so it is not lost) and nowhere else.
        QCOMPARE(line("secret_platform_api_key")->text(), secret);
        checkNowhereOnDisk(m_run);
    }

    void testsTheConnectionThroughTheEngine()
    {
        QVERIFY(button("sfTest")->isEnabled());
        QTest::mouseClick(button("sfTest"), Qt::LeftButton);
        QCOMPARE(m_fx->controller->tested, QStringList {QStringLiteral("salesforce")});
        QCOMPARE(label("sfResult"), QStringLiteral("Testing…"));
        QVERIFY(!button("sfTest")->isEnabled());
        emit m_fx->controller->connectionTested(
            QStringLiteral("salesforce"), false,
            QStringLiteral("invalid_grant: user hasn't approved this consumer"));
        QCOMPARE(label("sfResult"),
                 QStringLiteral("Connection failed: invalid_grant: user hasn't approved this "
                                "consumer"));
        QVERIFY(button("sfTest")->isEnabled());
        QTest::mouseClick(button("platformTest"), Qt::LeftButton);
        emit m_fx->controller->connectionTested(QStringLiteral("platform"), true,
                                                QStringLiteral("GET /v1/leads answered 200."));
        QCOMPARE(label("platformResult"),
                 QStringLiteral("Connection works. GET /v1/leads answered 200."));
    }

    void refusesAnInvalidProfileChange()
    {
        line("sfLoginUrl")->setText(QStringLiteral("ftp://login.example"));
        QTest::mouseClick(button("sfSave"), Qt::LeftButton);
        QVERIFY2(label("sfResult").startsWith(QLatin1String("Not saved:")),
                 qPrintable(label("sfResult")));
        QVERIFY(label("sfResult").contains(QLatin1String("login_url")));
        auto profile = Profile::load(m_fx->profilePath);
        QVERIFY(profile.ok());
        QCOMPARE(profile->salesforce.loginUrl.toString(),
                 QStringLiteral("https://login.salesforce.com"));
    }

    // Each line is checked as it is typed; a refused line blocks saving and says why, and
    // what is saved reaches the profile (addresses as their hosts).
    void editsTheAllowedHosts()
    {
        auto *edit = m_view->findChild<QPlainTextEdit *>(QStringLiteral("allowedHostsEdit"));
        QVERIFY(edit);
        QVERIFY(edit->toPlainText().isEmpty());
        QVERIFY(edit->placeholderText().contains(QLatin1String("login.salesforce.com")));
        edit->setPlainText(QStringLiteral("https://acme.my.salesforce.com/x\n"));
        QCOMPARE(label("allowedHostsCheck"), QStringLiteral("1 host(s) will be allowed."));
        edit->setFocus();
        edit->moveCursor(QTextCursor::End);
        QTest::keyClicks(edit, QStringLiteral("http://api.leadplatform.example"));
        QVERIFY2(label("allowedHostsCheck").contains(QLatin1String("Line 2")),
                 qPrintable(label("allowedHostsCheck")));
        QVERIFY(label("allowedHostsCheck").contains(QLatin1String("loopback")));
        QVERIFY(!button("allowedHostsSave")->isEnabled());
        edit->setPlainText(
            QStringLiteral("https://acme.my.salesforce.com/x\nhttps://api.leadplatform.example\n"
                           "*.my.salesforce.com\nhttp://127.0.0.1:8787"));
        QCOMPARE(label("allowedHostsCheck"), QStringLiteral("4 host(s) will be allowed."));
        QVERIFY(button("allowedHostsSave")->isEnabled());
        QSignalSpy changed(m_view.get(), &ui::CredentialsView::profileChanged);
        QTest::mouseClick(button("allowedHostsSave"), Qt::LeftButton);
        QCOMPARE(changed.size(), 1);
        auto profile = Profile::load(m_fx->profilePath);
        QVERIFY(profile.ok());
        QCOMPARE(profile->allowedHosts,
                 QStringList({QStringLiteral("acme.my.salesforce.com"),
                              QStringLiteral("api.leadplatform.example"),
                              QStringLiteral("*.my.salesforce.com"), QStringLiteral("127.0.0.1")}));
        QCOMPARE(edit->toPlainText(), profile->allowedHosts.join(u'\n'));
        // Nothing else of the profile changed.
        QCOMPARE(profile->salesforce.clientId, QStringLiteral("3MVG9-example"));
    }
};

QTEST_MAIN(TestCredentialsView)
#include "TestCredentialsView.moc"
