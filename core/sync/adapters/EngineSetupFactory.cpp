#include "EngineSetupFactory.h"

#include "auth/KeychainCredentialStore.h"
#include "auth/SecretResolver.h"

#include <QCoreApplication>
#include <QEventLoop>

namespace lb {

Result<EngineSecrets> readEngineSecrets(const Profile &profile)
{
    KeychainCredentialStore keychain;
    SecretResolver resolver(keychain, profile.name);
    QStringList required = SecretResolver::requiredFor(profile.salesforce.authFlow);
    required.append(QStringLiteral("platform/api_key"));
    QStringList optional = SecretResolver::optionalFor(profile.salesforce.authFlow);
    optional.append(QStringLiteral("platform/webhook_secret"));
    std::optional<Result<SecretResolver::Secrets>> result;
    // The worker thread waits here for the keychain's D-Bus answer (never the GUI thread).
    QEventLoop loop;
    resolver.resolve(required, optional, &loop, [&](Result<SecretResolver::Secrets> r) {
        result = std::move(r);
        loop.quit();
    });
    if (!result)
        loop.exec();
    if (!*result)
        return result->error();
    return EngineSecrets::fromResolved(result->value(), profile.name);
}

EngineSetup consoleEngineSetup(const Profile &profile, const StoreConfig &store,
                               const FieldMapping &mapping,
                               std::optional<EngineSecrets> fixedSecrets)
{
    EngineSetup setup;
    setup.profile = profile;
    setup.store = store;
    setup.mapping = mapping;
    setup.workerId = QStringLiteral("console-%1").arg(QCoreApplication::applicationPid());
    setup.ports = [fixedSecrets](const Profile &p, Store &s,
                                 std::function<void(const ApiLimits &)> onLimits,
                                 std::function<void()> onEvent) -> Result<PortSet> {
        EngineSecrets secrets;
        if (fixedSecrets) {
            secrets = *fixedSecrets;
        } else {
            auto read = readEngineSecrets(p);
            if (!read)
                return read.error();
            secrets = *read;
        }
        return buildEnginePorts(p, secrets, s, Clock::system(), std::move(onLimits),
                                std::move(onEvent));
    };
    return setup;
}

} // namespace lb
