#include "auth/MemoryCredentialStore.h"
#include "auth/SecretResolver.h"

#include <QTemporaryFile>
#include <QTest>

using namespace lb;

class TestSecretResolver : public QObject
{
    Q_OBJECT

private:
    Result<SecretResolver::Secrets> resolve(SecretResolver &resolver, const QStringList &required,
                                            const QStringList &optional = {})
    {
        std::optional<Result<SecretResolver::Secrets>> result;
        resolver.resolve(required, optional, this,
                         [&](Result<SecretResolver::Secrets> r) { result = std::move(r); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 5000))
            return makeError(QStringLiteral("timeout"), QString());
        return *result;
    }

private slots:
    void cleanup()
    {
        qunsetenv("LEADBRIDGE_SF_CLIENT_SECRET");
        qunsetenv("LEADBRIDGE_SF_PRIVATE_KEY_FILE");
    }

    void keychainThenEnvironment()
    {
        MemoryCredentialStore store;
        bool written = false;
        store.write(
            {QStringLiteral("prod"), QStringLiteral("salesforce"), QStringLiteral("client_secret")},
            QStringLiteral("from-keychain"), this, [&](Result<void>) { written = true; });
        QTRY_VERIFY(written);
        SecretResolver resolver(store, QStringLiteral("prod"));
        auto r = resolve(resolver, {QStringLiteral("salesforce/client_secret")});
        QVERIFY(r.ok());
        QCOMPARE(r->value(QStringLiteral("salesforce/client_secret")),
                 QStringLiteral("from-keychain"));
        qputenv("LEADBRIDGE_SF_CLIENT_SECRET", "from-env");
        r = resolve(resolver, {QStringLiteral("salesforce/client_secret")});
        QVERIFY(r.ok());
        QCOMPARE(r->value(QStringLiteral("salesforce/client_secret")), QStringLiteral("from-env"));
    }

    void missingRequiredSecretNamesItAndHowToSetIt()
    {
        MemoryCredentialStore store;
        SecretResolver resolver(store, QStringLiteral("prod"));
        auto r = resolve(resolver, {QStringLiteral("salesforce/password")},
                         {QStringLiteral("salesforce/client_secret")});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("secret_missing"));
        QVERIFY(r.error().message.contains(QLatin1String("Salesforce password")));
        QVERIFY(r.error().message.contains(QLatin1String("LEADBRIDGE_SF_PASSWORD")));
        QVERIFY(r.error().message.contains(QLatin1String("credentials set")));
    }

    void optionalSecretsMayBeAbsent()
    {
        MemoryCredentialStore store;
        SecretResolver resolver(store, QStringLiteral("prod"));
        auto r = resolve(resolver, {}, {QStringLiteral("salesforce/client_secret")});
        QVERIFY(r.ok());
        QVERIFY(r->isEmpty());
    }

    void privateKeyComesFromTheNamedFile()
    {
        QTemporaryFile key;
        QVERIFY(key.open());
        key.write("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n");
        key.flush();
        qputenv("LEADBRIDGE_SF_PRIVATE_KEY_FILE", key.fileName().toLocal8Bit());
        MemoryCredentialStore store;
        SecretResolver resolver(store, QStringLiteral("prod"));
        auto r = resolve(resolver, SecretResolver::requiredFor(QStringLiteral("jwt_bearer")));
        QVERIFY(r.ok());
        QVERIFY(r->value(QStringLiteral("salesforce/private_key"))
                    .startsWith(QLatin1String("-----BEGIN")));
        qputenv("LEADBRIDGE_SF_PRIVATE_KEY_FILE", "/nonexistent/key.pem");
        r = resolve(resolver, SecretResolver::requiredFor(QStringLiteral("jwt_bearer")));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QLatin1String("/nonexistent/key.pem")));
    }

    void keychainFailureIsReported()
    {
        MemoryCredentialStore store;
        store.failWith(makeError(QStringLiteral("keychain_unavailable"), QStringLiteral("no bus")));
        SecretResolver resolver(store, QStringLiteral("prod"));
        auto r = resolve(resolver, {QStringLiteral("platform/api_key")});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("keychain_unavailable"));
        QVERIFY(r.error().message.contains(QLatin1String("LEADBRIDGE_PLATFORM_API_KEY")));
    }
};

QTEST_GUILESS_MAIN(TestSecretResolver)
#include "TestSecretResolver.moc"
