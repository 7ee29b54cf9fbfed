#include "auth/MemoryCredentialStore.h"

#include <QSignalSpy>
#include <QTest>

using namespace lb;

class TestMemoryCredentials : public QObject
{
    Q_OBJECT

private slots:
    void accountFollowsProfileLayout()
    {
        const CredentialKey key {QStringLiteral("production"), QStringLiteral("salesforce"),
                                 QStringLiteral("client_secret")};
        QCOMPARE(key.account(), QStringLiteral("production/salesforce/client_secret"));
        QVERIFY(key.validate().ok());
    }

    void rejectsBadKeys_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::newRow("empty") << QString();
        QTest::newRow("slash") << QStringLiteral("a/b");
        QTest::newRow("control") << QStringLiteral("a\nb");
        QTest::newRow("long") << QString(200, u'x');
    }

    void rejectsBadKeys()
    {
        QFETCH(QString, profile);
        const CredentialKey key {profile, QStringLiteral("salesforce"), QStringLiteral("password")};
        QVERIFY(!key.validate().ok());
    }

    void roundTripIsAsynchronous()
    {
        MemoryCredentialStore store;
        const CredentialKey key {QStringLiteral("p"), QStringLiteral("platform"),
                                 QStringLiteral("api_key")};
        bool wrote = false;
        store.write(key, QStringLiteral("k-123"), this, [&](Result<void> r) { wrote = r.ok(); });
        QVERIFY(!wrote); // answers later, like the keychain
        QTRY_VERIFY(wrote);
        std::optional<Result<QString>> read;
        store.read(key, this, [&](Result<QString> r) { read = r; });
        QTRY_VERIFY(read.has_value());
        QVERIFY(read->ok());
        QCOMPARE(read->value(), QStringLiteral("k-123"));
        bool removed = false;
        store.remove(key, this, [&](Result<void> r) { removed = r.ok(); });
        QTRY_VERIFY(removed);
        read.reset();
        store.read(key, this, [&](Result<QString> r) { read = r; });
        QTRY_VERIFY(read.has_value());
        QCOMPARE(read->error().code, QStringLiteral("not_found"));
    }

    void callbackDroppedWhenContextDies()
    {
        MemoryCredentialStore store;
        const CredentialKey key {QStringLiteral("p"), QStringLiteral("platform"),
                                 QStringLiteral("api_key")};
        bool called = false;
        auto *context = new QObject;
        store.read(key, context, [&](Result<QString>) { called = true; });
        delete context;
        QTest::qWait(50);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestMemoryCredentials)
#include "TestMemoryCredentials.moc"
