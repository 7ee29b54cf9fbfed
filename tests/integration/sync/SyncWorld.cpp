#include "SyncWorld.h"

#include "EngineStop.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

namespace lb::test {

SyncWorld::SyncWorld(const Clock &salesforceClock, const sandbox::SandboxConfig &salesforceConfig)
    : salesforce(salesforceConfig, salesforceClock)
{
    // These tests drive Salesforce -> platform by explicit polls unless they choose the stream.
    profile.salesforce.changes = QStringLiteral("poll");
    // Test paces, set here so that a test can change them before start() (set in start(),
    // a test's faster poll was silently undone and the engine polled once an hour).
    profile.sync.pollIntervalS = 3600;
    profile.sync.retryBaseMs = 20;
    profile.sync.retryCapMs = 400;
    profile.sync.maxAttempts = 12;
    profile.sync.limitBackoffS = 1;
}

SyncWorld::~SyncWorld()
{
    stopEngine();
}

void SyncWorld::stopEngine()
{
    if (m_controller) {
        if (!test::stopEngine(*m_controller))
            qWarning("the engine did not stop within a minute");
        m_controller.reset();
    }
}

Result<void> SyncWorld::start(const FieldMapping &mapping)
{
    if (auto r = salesforce.start(); !r)
        return r;
    if (!platform.listen())
        return makeError(QStringLiteral("platform"),
                         QStringLiteral("the platform sandbox cannot listen"));
    platform.setApiKey(QStringLiteral("pk_test_e2e"));
    storePath = m_dir.filePath(QStringLiteral("e2e.db"));
    profile.name = QStringLiteral("e2e");
    profile.salesforce.loginUrl = QUrl(salesforce.loginUrl());
    profile.salesforce.authFlow = QStringLiteral("password");
    profile.salesforce.clientId = salesforce.config().clientId;
    profile.salesforce.username = sandbox::SandboxConfig::defaultUser().username;
    profile.platform.baseUrl = QUrl(platform.baseUrl());
    profile.allowedHosts = {QStringLiteral("127.0.0.1")};

    EngineSecrets secrets;
    secrets.salesforceClientSecret = salesforce.config().clientSecret;
    secrets.salesforcePassword = sandbox::SandboxConfig::defaultUser().password;
    secrets.platformApiKey = platform.apiKey();
    if (m_webhooks) {
        QTcpServer probe; // a free port for the receiver
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        profile.platform.webhookListen = QStringLiteral("127.0.0.1:%1").arg(port);
        secrets.webhookSecret = QByteArrayLiteral("whsec_e2e_shared_secret");
        platform.setWebhookTarget(
            QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(port)),
            secrets.webhookSecret);
    }

    m_secrets = secrets;
    return launchEngine(mapping);
}

Result<void> SyncWorld::restartEngine(const FieldMapping &mapping)
{
    stopEngine();
    return launchEngine(mapping);
}

Result<void> SyncWorld::launchEngine(const FieldMapping &mapping)
{
    auto engine = anotherEngine(mapping);
    if (!engine)
        return engine.error();
    m_controller = std::move(*engine);
    return {};
}

Result<std::unique_ptr<ThreadedSyncController>>
SyncWorld::anotherEngine(const FieldMapping &mapping)
{
    EngineSetup setup;
    setup.profile = profile;
    setup.store = store ? *store : StoreConfig::sqlite(storePath);
    setup.mapping = mapping;
    setup.ports = [secrets = m_secrets](const Profile &p, Store &store,
                                        std::function<void(const ApiLimits &)> onLimits,
                                        std::function<void()> onEvent) {
        return buildEnginePorts(p, secrets, store, Clock::system(), std::move(onLimits),
                                std::move(onEvent));
    };
    auto controller = std::make_unique<ThreadedSyncController>(std::move(setup));
    QSignalSpy initialized(controller.get(), &ThreadedSyncController::initialized);
    controller->launch();
    if (!QTest::qWaitFor([&] { return initialized.count() > 0; }, 30'000))
        return makeError(QStringLiteral("timeout"), QStringLiteral("the engine did not start"));
    if (!initialized.first().at(0).toBool())
        return makeError(QStringLiteral("engine"), initialized.first().at(1).toString());
    return controller;
}

std::optional<OnceResult> SyncWorld::runOnce(int timeoutMs)
{
    QSignalSpy finished(m_controller.get(), &ThreadedSyncController::onceFinished);
    m_controller->runOnce();
    if (!QTest::qWaitFor([&] { return finished.count() > 0; }, timeoutMs))
        return std::nullopt;
    return finished.first().at(0).value<OnceResult>();
}

QJsonObject person(int i, bool withPlatformId)
{
    QJsonObject p {
        {QStringLiteral("Name"), QStringLiteral("Agent %1").arg(i)},
        {QStringLiteral("Email__c"), QStringLiteral("agent%1@example.com").arg(i)},
        {QStringLiteral("Active__c"), true},
        {QStringLiteral("Eligible__c"), i % 3 != 0},
        {QStringLiteral("States__c"), i % 2 ? QStringLiteral("TX;CA") : QStringLiteral("NY")},
        {QStringLiteral("Capacity__c"), 10 + i % 20}};
    if (withPlatformId)
        p.insert(QStringLiteral("Platform_Agent_Id__c"),
                 QStringLiteral("A-%1").arg(i, 4, 10, QLatin1Char('0')));
    return p;
}

} // namespace lb::test
