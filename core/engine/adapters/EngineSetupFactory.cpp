#include "EngineSetupFactory.h"

#include "auth/KeychainCredentialStore.h"
#include "auth/SecretResolver.h"

#include <QCoreApplication>
#include <QPointer>

namespace lb {

void readEngineSecrets(const Profile &profile, QObject *context,
                       std::function<void(Result<EngineSecrets>)> done)
{
    QStringList required = SecretResolver::requiredFor(profile.salesforce.authFlow);
    required.append(QStringLiteral("platform/api_key"));
    QStringList optional = SecretResolver::optionalFor(profile.salesforce.authFlow);
    optional.append(QStringLiteral("platform/webhook_secret"));
    QPointer<QObject> back(context);
    const QString name = profile.name;
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [required, optional, back, name, done = std::move(done)]() mutable {
            auto *keychain = new KeychainCredentialStore;
            auto *resolver = new SecretResolver(*keychain, name, keychain);
            resolver->resolve(
                required, optional, keychain,
                [keychain, back, name, done = std::move(done)](Result<SecretResolver::Secrets> r) {
                    keychain->deleteLater();
                    if (!back)
                        return;
                    Result<EngineSecrets> secrets = r
                        ? Result<EngineSecrets>(EngineSecrets::fromResolved(*r, name))
                        : Result<EngineSecrets>(r.error());
                    QMetaObject::invokeMethod(
                        back.data(),
                        [back, done, secrets] {
                            if (back)
                                done(secrets);
                        },
                        Qt::QueuedConnection);
                });
        },
        Qt::QueuedConnection);
}

namespace {

EngineSetup::PortsBuilder portsWith(EngineSecrets secrets)
{
    return [secrets = std::move(secrets)](const Profile &p, Store &s,
                                          std::function<void(const ApiLimits &)> onLimits,
                                          std::function<void()> onEvent) -> Result<PortSet> {
        return buildEnginePorts(p, secrets, s, Clock::system(), std::move(onLimits),
                                std::move(onEvent));
    };
}

} // namespace

EngineSetup engineSetup(const Profile &profile, const StoreConfig &store,
                        const FieldMapping &mapping, const QString &workerPrefix,
                        std::optional<EngineSecrets> fixedSecrets)
{
    EngineSetup setup;
    setup.profile = profile;
    setup.store = store;
    setup.mapping = mapping;
    setup.role = workerPrefix;
    if (fixedSecrets) {
        setup.ports = portsWith(*fixedSecrets);
        return setup;
    }
    setup.preparePorts = [](const Profile &p, QObject *context,
                            std::function<void(Result<EngineSetup::PortsBuilder>)> done) {
        readEngineSecrets(p, context, [done = std::move(done)](Result<EngineSecrets> secrets) {
            if (!secrets) {
                done(secrets.error());
                return;
            }
            done(portsWith(*secrets));
        });
    };
    return setup;
}

} // namespace lb
