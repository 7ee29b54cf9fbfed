// Runs twice: inside a private D-Bus session with an unlocked gnome-keyring
// (LB_TEST_KEYCHAIN=available) and with no session bus at all (=unavailable).
#include "auth/KeychainCredentialStore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>
#include <QUuid>

using namespace lb;

namespace {

bool keychainExpected()
{
    return qEnvironmentVariable("LB_TEST_KEYCHAIN") == QLatin1String("available");
}

// True if `needle` occurs in any regular file under `root` (the keyring's own encrypted file
// is not plain text, so a plaintext secret must appear nowhere).
bool foundInFiles(const QString &root, const QByteArray &needle)
{
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.size() < 50'000'000 && f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            return true;
    }
    return false;
}

} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT

private:
    CredentialKey key() const
    {
        return {QStringLiteral("test-") + m_run, QStringLiteral("salesforce"),
                QStringLiteral("client_secret")};
    }

    Result<void> write(KeychainCredentialStore &store, const QString &secret)
    {
        std::optional<Result<void>> result;
        store.write(key(), secret, this, [&](Result<void> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return makeError(QStringLiteral("timeout"), QStringLiteral("no answer"));
        return *result;
    }

    Result<QString> read(KeychainCredentialStore &store)
    {
        std::optional<Result<QString>> result;
        store.read(key(), this, [&](Result<QString> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            return makeError(QStringLiteral("timeout"), QStringLiteral("no answer"));
        return *result;
    }

    QString m_run = QUuid::createUuid().toString(QUuid::Id128);

private slots:
    void roundTripThroughSecretService()
    {
        if (!keychainExpected())
            QSKIP("runs in the keyring session");
        KeychainCredentialStore store;
        const QString secret = QStringLiteral("s3cr3t-") + m_run + QStringLiteral("-Zoë😀");
        auto written = write(store, secret);
        QVERIFY2(written.ok(), written ? "" : qPrintable(written.error().toString()));
        auto got = read(store);
        QVERIFY2(got.ok(), got ? "" : qPrintable(got.error().toString()));
        QCOMPARE(got.value(), secret);

        // Nothing readable on disk: not in HOME (keyring files are encrypted), not in /tmp.
        QVERIFY(!foundInFiles(QDir::homePath(), secret.toUtf8()));

        std::optional<Result<void>> removed;
        store.remove(key(), this, [&](Result<void> r) { removed = r; });
        QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 30'000);
        QVERIFY(removed->ok());
        auto gone = read(store);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, QStringLiteral("not_found"));
    }

    void failsClearlyWithoutSecretService()
    {
        if (keychainExpected())
            QSKIP("runs without a session bus");
        QVERIFY(qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"));
        KeychainCredentialStore store;
        auto written = write(store, QStringLiteral("never-stored"));
        QVERIFY(!written.ok());
        QCOMPARE(written.error().code, QStringLiteral("keychain_unavailable"));
        QVERIFY2(written.error().message.contains(QLatin1String("DBUS_SESSION_BUS_ADDRESS")),
                 qPrintable(written.error().message));
        QVERIFY(
            written.error().message.contains(QLatin1String("never stores secrets in plain text")));
        auto got = read(store);
        QVERIFY(!got.ok());
        QCOMPARE(got.error().code, QStringLiteral("keychain_unavailable"));
        // And no plaintext fallback file appeared.
        QVERIFY(!foundInFiles(QDir::homePath() + QStringLiteral("/.config"),
                              QByteArrayLiteral("never-stored")));
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "TestKeychain.moc"
