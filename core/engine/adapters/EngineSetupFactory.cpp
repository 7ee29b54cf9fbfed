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
    for (const DestinationConfig &d : profile.destinations)
        required.append(QStringLiteral("destination:%1/signing_secret").arg(d.name));
    for (const AlertConfig &a : profile.alerts) {
        if (a.isPagerDuty())
            required.append(QStringLiteral("alert:%1/routing_key").arg(a.name));
    }
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

EngineSetup::PortsBuilder portsWith(EngineSecrets secrets, EngineRole role)
{
    return [secrets = std::move(secrets), role](const Profile &p, Store &s,
                                                std::function<void(const ApiLimits &)> onLimits,
                                                std::function<void()> onEvent) -> Result<PortSet> {
        return buildEnginePorts(p, secrets, s, Clock::system(), std::move(onLimits),
                                std::move(onEvent), role != EngineRole::Command);
    };
}

} // namespace

EngineSetup engineSetup(const Profile &profile, const StoreConfig &store,
                        const FieldMapping &mapping, const QString &workerPrefix, EngineRole role,
                        std::optional<EngineSecrets> fixedSecrets)
{
    EngineSetup setup;
    setup.profile = profile;
    setup.store = store;
    setup.mapping = mapping;
    setup.role = workerPrefix;
    setup.serveMetrics = role == EngineRole::Service;
    setup.pingWatchdog = role == EngineRole::Service;
    setup.takeCommands = role != EngineRole::Command;
    if (fixedSecrets) {
        setup.ports = portsWith(*fixedSecrets, role);
        return setup;
    }
    setup.preparePorts = [role](const Profile &p, QObject *context,
                                std::function<void(Result<EngineSetup::PortsBuilder>)> done) {
        readEngineSecrets(p, context,
                          [role, done = std::move(done)](Result<EngineSecrets> secrets) {
                              if (!secrets) {
                                  done(secrets.error());
                                  return;
                              }
                              done(portsWith(*secrets, role));
                          });
    };
    return setup;
}

} // namespace lb
