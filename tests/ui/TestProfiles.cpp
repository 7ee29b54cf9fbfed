// Connector profiles in the console, in a private gnome-keyring (with-keyring.sh): the picker
// creates, duplicates, renames and deletes profiles with their own keychain entries (delete
// only after a confirmation), and switching restarts the real engine on the other profile's
// store and secrets; the last profile opened opens next time.
#include "ConsoleSession.h"
#include "MainWindow.h"
#include "auth/KeychainCredentialStore.h"
#include "profiles/ProfilePicker.h"
#include "engine/ThreadedSyncController.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace lb;

class TestProfiles : public QObject
{
    Q_OBJECT

private:
    KeychainCredentialStore m_keychain;
    QString m_folder;

    Result<QString> read(const QString &profile, const QString &system, const QString &secret)
    {
        KeychainCredentialStore other; // a fresh client, as the engine would use
        std::optional<Result<QString>> result;
        other.read({profile, system, secret}, this,
                   [&](Result<QString> r) { result = std::move(r); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return makeError(QStringLiteral("timeout"), QStringLiteral("keychain did not answer"));
        return *result;
    }
    bool write(const QString &profile, const QString &system, const QString &secret,
               const QString &value)
    {
        std::optional<Result<void>> result;
        m_keychain.write({profile, system, secret}, value, this,
                         [&](Result<void> r) { result = std::move(r); });
        return QTest::qWaitFor([&] { return result.has_value(); }, 30'000) && result->ok();
    }

    // A profile the engine can build (nothing answers at 127.0.0.1:9, which is fine here).
    QString writeProfile(const QString &name)
    {
        const QString path = QDir(m_folder).filePath(name + QStringLiteral(".json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        const QJsonObject profile {
            {QStringLiteral("name"), name},
            {QStringLiteral("salesforce"),
             QJsonObject {{QStringLiteral("login_url"), QStringLiteral("https://127.0.0.1:9")},
                          {QStringLiteral("instance_url"), QStringLiteral("https://127.0.0.1:9")},
                          {QStringLiteral("auth_flow"), QStringLiteral("client_credentials")},
                          {QStringLiteral("client_id"), QStringLiteral("3MVG9-profiles")},
                          {QStringLiteral("changes"), QStringLiteral("poll")}}},
            {QStringLiteral("platform"),
             QJsonObject {{QStringLiteral("base_url"), QStringLiteral("https://127.0.0.1:9")},
                          {QStringLiteral("webhook_listen"), QStringLiteral("127.0.0.1:0")}}},
            {QStringLiteral("store"),
             QString(QStringLiteral("sqlite://") + QDir(m_folder).filePath(name + u".db"))},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}}};
        f.write(QJsonDocument(profile).toJson());
        return path;
    }

    static QPushButton *button(QWidget *in, const char *name)
    {
        return in->findChild<QPushButton *>(QLatin1String(name));
    }
    static void select(ui::ProfilePicker *picker, const QString &name)
    {
        auto *list = picker->findChild<QListWidget *>(QStringLiteral("profileList"));
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->data(Qt::UserRole + 1).toString() == name)
                list->setCurrentRow(i);
        }
    }
    static QString message(ui::ProfilePicker *picker)
    {
        return picker->findChild<QLabel *>(QStringLiteral("profileMessage"))->text();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_folder = ProfileCatalog::defaultFolder();
        QDir(m_folder).removeRecursively();
        QVERIFY(QDir().mkpath(m_folder));
    }

    void pickerKeepsEachProfilesSecretsApart()
    {
        ui::ProfilePicker picker(&m_keychain, QString(), m_folder);
        picker.show();
        QVERIFY(QTest::qWaitForWindowExposed(&picker));
        auto *name = picker.findChild<QLineEdit *>(QStringLiteral("profileNameEdit"));
        QVERIFY(!button(&picker, "profileCreate")->isEnabled());

        QTest::keyClicks(name, QStringLiteral("alpha"));
        QTest::mouseClick(button(&picker, "profileCreate"), Qt::LeftButton);
        QVERIFY2(message(&picker).startsWith(QLatin1String("Created")),
                 qPrintable(message(&picker)));
        auto alpha = Profile::load(QDir(m_folder).filePath(QStringLiteral("alpha.json")));
        QVERIFY(alpha.ok());
        QCOMPARE(alpha->salesforce.authFlow, QStringLiteral("authorization_code"));
        // A taken name is refused for that name alone.
        QTest::keyClicks(name, QStringLiteral("Alpha"));
        QTest::mouseClick(button(&picker, "profileCreate"), Qt::LeftButton);
        QVERIFY2(message(&picker).contains(QLatin1String("already a profile")),
                 qPrintable(message(&picker)));
        name->clear();

        QVERIFY(write(QStringLiteral("alpha"), QStringLiteral("platform"),
                      QStringLiteral("api_key"), QStringLiteral("pk_alpha")));
        QVERIFY(write(QStringLiteral("alpha"), QStringLiteral("salesforce"),
                      QStringLiteral("refresh_token"), QStringLiteral("5Aep-alpha")));

        // Duplicate: the settings and secrets, not the sign-in; a store of its own.
        select(&picker, QStringLiteral("alpha"));
        QTest::keyClicks(name, QStringLiteral("beta"));
        QTest::mouseClick(button(&picker, "profileDuplicate"), Qt::LeftButton);
        QVERIFY2(QTest::qWaitFor([&] { return message(&picker).startsWith(u"Copied"); }, 30'000),
                 qPrintable(message(&picker)));
        QCOMPARE(read(QStringLiteral("beta"), QStringLiteral("platform"), QStringLiteral("api_key"))
                     .value(),
                 QStringLiteral("pk_alpha"));
        QCOMPARE(read(QStringLiteral("beta"), QStringLiteral("salesforce"),
                      QStringLiteral("refresh_token"))
                     .error()
                     .code,
                 QStringLiteral("not_found"));
        auto beta = Profile::load(QDir(m_folder).filePath(QStringLiteral("beta.json")));
        QVERIFY(beta.ok());
        QVERIFY(beta->store != alpha->store);

        // Rename moves the secrets.
        select(&picker, QStringLiteral("beta"));
        QTest::keyClicks(name, QStringLiteral("gamma"));
        QTest::mouseClick(button(&picker, "profileRename"), Qt::LeftButton);
        QVERIFY2(QTest::qWaitFor([&] { return message(&picker).startsWith(u"Renamed"); }, 30'000),
                 qPrintable(message(&picker)));
        QVERIFY(!QFile::exists(QDir(m_folder).filePath(QStringLiteral("beta.json"))));
        QCOMPARE(Profile::load(QDir(m_folder).filePath(QStringLiteral("gamma.json")))->name,
                 QStringLiteral("gamma"));
        QCOMPARE(
            read(QStringLiteral("gamma"), QStringLiteral("platform"), QStringLiteral("api_key"))
                .value(),
            QStringLiteral("pk_alpha"));
        QCOMPARE(read(QStringLiteral("beta"), QStringLiteral("platform"), QStringLiteral("api_key"))
                     .error()
                     .code,
                 QStringLiteral("not_found"));

        // Delete asks first; Cancel keeps everything, Delete removes the file and the secrets.
        select(&picker, QStringLiteral("alpha"));
        QTest::mouseClick(button(&picker, "profileDelete"), Qt::LeftButton);
        auto *ask = picker.findChild<QMessageBox *>(QStringLiteral("profileDeleteConfirm"));
        QVERIFY(ask);
        QTest::mouseClick(ask->button(QMessageBox::Cancel), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return message(&picker).contains(u"Nothing was deleted"); },
                                10'000));
        QVERIFY(QFile::exists(QDir(m_folder).filePath(QStringLiteral("alpha.json"))));
        QTest::mouseClick(button(&picker, "profileDelete"), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor(
            [&] {
                ask = picker.findChild<QMessageBox *>(QStringLiteral("profileDeleteConfirm"));
                return ask && ask->isVisible();
            },
            10'000));
        QTest::mouseClick(ask->button(QMessageBox::Yes), Qt::LeftButton);
        QVERIFY2(QTest::qWaitFor([&] { return message(&picker).startsWith(u"Deleted"); }, 30'000),
                 qPrintable(message(&picker)));
        QVERIFY(!QFile::exists(QDir(m_folder).filePath(QStringLiteral("alpha.json"))));
        for (const char *secret : {"api_key"})
            QCOMPARE(
                read(QStringLiteral("alpha"), QStringLiteral("platform"), QLatin1String(secret))
                    .error()
                    .code,
                QStringLiteral("not_found"));
        QCOMPARE(read(QStringLiteral("alpha"), QStringLiteral("salesforce"),
                      QStringLiteral("refresh_token"))
                     .error()
                     .code,
                 QStringLiteral("not_found"));
        // gamma is untouched.
        QVERIFY(read(QStringLiteral("gamma"), QStringLiteral("platform"), QStringLiteral("api_key"))
                    .ok());
    }

    // The console on "one" (no secrets: its engine cannot start) switches to "two" (secrets in
    // the keychain): a new engine starts on two's store with two's secrets.
    void switchingRestartsTheEngineOnTheOtherProfile()
    {
        const QString one = writeProfile(QStringLiteral("one"));
        const QString two = writeProfile(QStringLiteral("two"));
        QVERIFY(!one.isEmpty() && !two.isEmpty());
        QVERIFY(write(QStringLiteral("two"), QStringLiteral("platform"), QStringLiteral("api_key"),
                      QStringLiteral("pk_two")));
        QVERIFY(write(QStringLiteral("two"), QStringLiteral("salesforce"),
                      QStringLiteral("client_secret"), QStringLiteral("cs_two")));

        ui::ConsoleSession session(m_keychain);
        QList<std::pair<QString, std::pair<bool, QString>>> started; // profile -> outcome
        connect(&session, &ui::ConsoleSession::windowOpened, this, [&](ui::MainWindow *window) {
            const QString name = window->context().profile.name;
            connect(session.engine(), &ThreadedSyncController::initialized, this,
                    [&started, name](bool ok, const QString &error) {
                        started.append({name, {ok, error}});
                    });
        });
        session.open(one);
        QVERIFY(QTest::qWaitFor([&] { return started.size() == 1; }, 60'000));
        QCOMPARE(started.at(0).first, QStringLiteral("one"));
        QVERIFY(!started.at(0).second.first);
        QVERIFY2(started.at(0).second.second.contains(QLatin1String("profile \"one\"")),
                 qPrintable(started.at(0).second.second));
        ThreadedSyncController *first = session.engine();
        QVERIFY(first);

        // Through the window's File > Profiles.
        session.window()->showProfiles();
        auto *picker = session.window()->findChild<ui::ProfilePicker *>();
        QVERIFY(picker);
        QVERIFY(!button(picker, "profileDelete")->isEnabled() || picker->selectedPath() != one);
        select(picker, QStringLiteral("two"));
        QSignalSpy switched(&session, &ui::ConsoleSession::switched);
        QTest::mouseClick(button(picker, "profileOpen"), Qt::LeftButton);
        QVERIFY(switched.wait(60'000));
        QCOMPARE(session.context().profile.name, QStringLiteral("two"));
        QCOMPARE(session.context().storeConfig.sqlitePath,
                 QDir(m_folder).filePath(QStringLiteral("two.db")));
        QCOMPARE(session.window()->context().profile.name, QStringLiteral("two"));
        QVERIFY(QTest::qWaitFor([&] { return started.size() == 2; }, 60'000));
        QCOMPARE(started.at(1).first, QStringLiteral("two"));
        QVERIFY2(started.at(1).second.first, qPrintable(started.at(1).second.second));
        QVERIFY(QFile::exists(QDir(m_folder).filePath(QStringLiteral("two.db"))));
        QCOMPARE(session.window()->findChild<QLabel *>(QStringLiteral("profileName"))->text(),
                 QStringLiteral("Profile: two"));

        // The last one opened opens next time.
        QCOMPARE(ui::ConsoleSession::profileToOpen(), QFileInfo(two).absoluteFilePath());
    }
};

QTEST_MAIN(TestProfiles)
#include "TestProfiles.moc"
