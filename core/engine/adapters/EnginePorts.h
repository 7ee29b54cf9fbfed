#pragma once

#include "config/Profile.h"
#include "engine/SyncWorker.h"

#include <QHash>

namespace lb {

// The secrets the engine needs, resolved beforehand (keychain or environment).
struct EngineSecrets
{
    QString salesforceClientSecret;
    QString salesforcePassword;
    QString salesforceRefreshToken;
    QByteArray salesforcePrivateKey;
    QString platformApiKey;
    QByteArray webhookSecret;
    // "destination:<name>/signing_secret" and "alert:<name>/routing_key" -> the secret.
    QHash<QString, QByteArray> destinationSecrets;
    // The profile whose keychain entry receives refresh tokens Salesforce rotates; empty when
    // the secrets are not the user's (the demo, tests), so nothing is written.
    QString keychainProfile;

    // `profile` names the keychain entries rotated refresh tokens are written back to.
    static EngineSecrets fromResolved(const QHash<QString, QString> &secrets,
                                      const QString &profile);
};

// Builds, on the calling (worker) thread, everything that talks to the two systems: one
// QNetworkAccessManager, an HttpClient per system on the profile's host allowlist, the
// Salesforce OAuth session and REST client, the platform client, the webhook receiver (when a
// webhook secret is set and `receiveWebhooks`) and the engine's ports over them.
Result<PortSet> buildEnginePorts(const Profile &profile, const EngineSecrets &secrets, Store &store,
                                 const Clock &clock,
                                 std::function<void(const ApiLimits &)> onLimits,
                                 std::function<void()> onEvent, bool receiveWebhooks = true);

// The profile's allowed hosts, or (if it lists none) the hosts of the URLs it configures.
QStringList effectiveAllowedHosts(const Profile &profile);

} // namespace lb
