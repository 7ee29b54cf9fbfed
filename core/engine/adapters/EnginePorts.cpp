#include "EnginePorts.h"

#include "PlatformPortAdapter.h"
#include "SalesforcePortAdapter.h"
#include "auth/KeychainCredentialStore.h"
#include "log/Logging.h"
#include "platform/LeadPlatformClient.h"
#include "platform/WebhookReceiver.h"
#include "salesforce/SalesforceClient.h"
#include "salesforce/SalesforceSession.h"
#include "salesforce/streaming/CometdChangeEventSource.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QPointer>

namespace lb {

EngineSecrets EngineSecrets::fromResolved(const QHash<QString, QString> &s, const QString &profile)
{
    EngineSecrets e;
    e.keychainProfile = profile;
    e.salesforceClientSecret = s.value(QStringLiteral("salesforce/client_secret"));
    e.salesforcePassword = s.value(QStringLiteral("salesforce/password"));
    e.salesforceRefreshToken = s.value(QStringLiteral("salesforce/refresh_token"));
    e.salesforcePrivateKey = s.value(QStringLiteral("salesforce/private_key")).toUtf8();
    e.platformApiKey = s.value(QStringLiteral("platform/api_key"));
    e.webhookSecret = s.value(QStringLiteral("platform/webhook_secret")).toUtf8();
    for (auto it = s.begin(); it != s.end(); ++it) {
        if (it.key().startsWith(QLatin1String("destination:"))
            || it.key().startsWith(QLatin1String("alert:")))
            e.destinationSecrets.insert(it.key(), it.value().toUtf8());
    }
    return e;
}

namespace {

// The keychain library runs its D-Bus jobs through one executor on the main thread; jobs
// started from the worker thread crash it. So the write happens there, and the answer comes
// back to `session`'s (the worker's) thread; dropped if the session is gone by then.
void keepOnMainThread(const CredentialKey &key, const QString &token, QObject *session,
                      salesforce::SalesforceSession::DoneCallback stored)
{
    QPointer<QObject> back(session);
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [key, token, back, stored = std::move(stored)]() mutable {
            auto *keychain = new KeychainCredentialStore;
            keychain->write(key, token, keychain,
                            [keychain, back, stored = std::move(stored)](Result<void> r) {
                                keychain->deleteLater();
                                if (!back)
                                    return;
                                QMetaObject::invokeMethod(
                                    back.data(),
                                    [back, stored, r] {
                                        if (back)
                                            stored(r);
                                    },
                                    Qt::QueuedConnection);
                            });
        },
        Qt::QueuedConnection);
}

} // namespace

QStringList effectiveAllowedHosts(const Profile &profile)
{
    if (!profile.allowedHosts.isEmpty())
        return profile.allowedHosts;
    QStringList hosts;
    for (const QUrl &u :
         {profile.salesforce.loginUrl, profile.salesforce.instanceUrl, profile.platform.baseUrl}) {
        if (!u.host().isEmpty())
            hosts.append(u.host());
    }
    if (profile.salesforce.loginUrl.host().endsWith(QLatin1String("salesforce.com")))
        hosts.append(QStringLiteral("*.my.salesforce.com"));
    // Without an explicit allowlist, the hosts the profile itself names are the allowed ones.
    for (const DestinationConfig &d : profile.destinations)
        hosts.append(d.url.host());
    for (const AlertConfig &a : profile.alerts)
        hosts.append(a.url.host());
    return hosts;
}

Result<PortSet> buildEnginePorts(const Profile &profile, const EngineSecrets &secrets, Store &store,
                                 const Clock &clock,
                                 std::function<void(const ApiLimits &)> onLimits,
                                 std::function<void()> onEvent, bool receiveWebhooks)
{
    auto allowlist = HostAllowlist::fromEntries(effectiveAllowedHosts(profile));
    if (!allowlist)
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("%1: $.allowed_hosts: %2")
                             .arg(profile.sourceFile, allowlist.error().message));
    if (profile.platform.baseUrl.isEmpty())
        return makeError(
            QStringLiteral("profile"),
            QStringLiteral("%1: $.platform.base_url is required").arg(profile.sourceFile));
    const auto flow = salesforce::authFlowFromName(profile.salesforce.authFlow);
    if (!flow)
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("Unknown auth flow %1").arg(profile.salesforce.authFlow));

    PortSet set;
    auto *nam = new QNetworkAccessManager;
    set.owned.emplace_back(nam);
    auto *sfHttp = new HttpClient(nam, *allowlist);
    set.owned.emplace_back(sfHttp);
    auto *pfHttp = new HttpClient(nam, *allowlist);
    set.owned.emplace_back(pfHttp);
    set.salesforceHttp = sfHttp;
    set.platformHttp = pfHttp;
    auto *destinationsHttp = new HttpClient(nam, *allowlist);
    set.owned.emplace_back(destinationsHttp);
    set.destinationsHttp = destinationsHttp;
    set.destinationSecrets = secrets.destinationSecrets;

    salesforce::SalesforceConfig config;
    config.loginUrl = profile.salesforce.loginUrl;
    config.instanceUrl = profile.salesforce.instanceUrl;
    config.apiVersion = profile.salesforce.apiVersion;
    config.flow = *flow;
    config.clientId = profile.salesforce.clientId;
    config.username = profile.salesforce.username;
    config.callOptionsClient = profile.salesforce.callOptionsClient;
    config.redirectUri = profile.salesforce.redirectUri;
    if (profile.sync.requestTimeoutS > 0)
        config.timeoutMs = profile.sync.requestTimeoutS * 1000;
    salesforce::SalesforceSecrets sfSecrets;
    sfSecrets.clientSecret = secrets.salesforceClientSecret;
    sfSecrets.password = secrets.salesforcePassword;
    sfSecrets.refreshToken = secrets.salesforceRefreshToken;
    sfSecrets.privateKeyPem = secrets.salesforcePrivateKey;
    auto *session = new salesforce::SalesforceSession(*sfHttp, config, sfSecrets);
    session->setClock(clock);
    set.owned.emplace_back(session);
    if (!secrets.keychainProfile.isEmpty()) {
        // With rotation on, the refresh token used at start is dead after the first refresh:
        // the new one must be in the keychain before it is relied on, or the next start
        // cannot log in.
        const CredentialKey key {secrets.keychainProfile, QStringLiteral("salesforce"),
                                 QStringLiteral("refresh_token")};
        session->setTokenKeeper([key, session](const QString &token,
                                               salesforce::SalesforceSession::DoneCallback stored) {
            keepOnMainThread(key, token, session, std::move(stored));
        });
    }
    auto *sf = new salesforce::SalesforceClient(*sfHttp, *session, config);
    // The engine's clock, as for the session and the platform client: the limits it stamps
    // are compared with times the engine takes from that clock.
    sf->setClock(clock);
    set.owned.emplace_back(sf);
    QObject::connect(sf, &salesforce::SalesforceClient::limitsObserved, sf, onLimits);
    if (profile.salesforce.streamsChanges()) {
        // Same HttpClient (allowlist, cookie jar for BAYEUX_BROWSER) and session as the REST
        // client, so a token refresh serves both.
        salesforce::streaming::CometdChangeEventSource::Options options;
        options.apiVersion = profile.salesforce.apiVersion;
        options.callOptionsClient = profile.salesforce.callOptionsClient;
        if (profile.sync.requestTimeoutS > 0) {
            // A held connect may outlast the advised hold by one request timeout.
            options.requestTimeoutMs = profile.sync.requestTimeoutS * 1000;
            options.watchdogMarginMs = options.requestTimeoutMs;
        }
        auto *source
            = new salesforce::streaming::CometdChangeEventSource(*sfHttp, *session, options);
        set.owned.emplace_back(source);
        set.changeSource = source;
    }

    auto *pf = new platform::LeadPlatformClient(*pfHttp, profile.platform.baseUrl,
                                                secrets.platformApiKey);
    pf->setClock(clock);
    if (profile.sync.requestTimeoutS > 0) {
        auto options = pf->options();
        options.timeoutMs = profile.sync.requestTimeoutS * 1000;
        pf->setOptions(options);
    }
    set.owned.emplace_back(pf);
    QObject::connect(pf, &platform::LeadPlatformClient::limitsObserved, pf, onLimits);

    if (!receiveWebhooks) {
        qCInfo(lcPlatform) << "this command's engine does not receive webhooks";
    } else if (!secrets.webhookSecret.isEmpty()) {
        auto settings = platform::WebhookReceiver::settingsFromProfile(
            profile.platform.webhookListen, secrets.webhookSecret);
        if (!settings)
            return makeError(QStringLiteral("profile"),
                             QStringLiteral("%1: $.platform.webhook_listen: %2")
                                 .arg(profile.sourceFile, settings.error().message));
        auto *receiver = new platform::WebhookReceiver(store, clock, *settings);
        set.owned.emplace_back(receiver);
        auto port = receiver->start();
        if (!port)
            return makeError(QStringLiteral("webhook_listen"),
                             QStringLiteral("The webhook receiver cannot listen on %1: %2")
                                 .arg(profile.platform.webhookListen, port.error().message));
        QObject::connect(receiver, &platform::WebhookReceiver::eventStored, receiver,
                         [onEvent] { onEvent(); });
    } else {
        qCInfo(lcPlatform) << "no webhook secret configured: the platform is polled only";
    }

    set.salesforce = std::make_unique<SalesforcePortAdapter>(*sf);
    set.platform = std::make_unique<PlatformPortAdapter>(*pf);
    return set;
}

} // namespace lb
