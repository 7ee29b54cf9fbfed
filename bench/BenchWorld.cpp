#include "BenchWorld.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace lb::bench {

BenchWorld::BenchWorld(QString workDir, Binaries binaries)
    : salesforce(sandbox::SandboxConfig {[] {
        sandbox::SandboxConfig c;
        // The bench spends far more than a real org's daily allocation; the figures count
        // calls, the allocation must not throttle them.
        c.dailyApiLimit = 1'000'000'000;
        c.saveIntervalSecs = 0;
        return c;
    }()})
    , m_workDir(std::move(workDir))
    , m_binaries(std::move(binaries))
{
    QObject::connect(&platform, &sandbox::PlatformSandbox::requestHandled, &platform,
                     [this](const QByteArray &method, const QString &, int) {
                         ++m_platformRequests;
                         if (method != "GET")
                             ++m_platformWrites;
                     });
}

Result<void> BenchWorld::start()
{
    if (auto r = salesforce.start(); !r)
        return r;
    if (!platform.listen())
        return makeError(QStringLiteral("platform"),
                         QStringLiteral("the platform sandbox cannot listen on loopback"));
    platform.setApiKey(QStringLiteral("pk_bench"));
    // The platform's own limit would pace every run alike; the bench measures LeadBridge.
    platform.setRateLimit(1'000'000, 60);
    return {};
}

void BenchWorld::resetSalesforce(int agents)
{
    salesforce.reset();
    for (int i = 1; i <= agents; ++i)
        (void)salesforce.createRecord(QStringLiteral("People__c"), benchPerson(i),
                                      QStringLiteral("Admin"));
}

void BenchWorld::resetPlatform(int agents, int leads)
{
    platform.clear();
    platform.clearWriteLog();
    platform.generateAgents(agents);
    platform.generateLeads(leads);
}

QString BenchWorld::writeProfile(const QString &name, quint16 webhookPort,
                                 const QJsonObject &syncOverrides)
{
    const QString dbPath = m_workDir + QStringLiteral("/%1.db").arg(name);
    for (const QString &suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
        QFile::remove(dbPath + suffix);
    QJsonObject platformSection {{QStringLiteral("base_url"), platform.baseUrl()}};
    if (webhookPort)
        platformSection.insert(QStringLiteral("webhook_listen"),
                               QStringLiteral("127.0.0.1:%1").arg(webhookPort));
    QJsonObject sync {{QStringLiteral("poll_interval_s"), 3600},
                      {QStringLiteral("retry_base_ms"), 50}};
    for (auto it = syncOverrides.begin(); it != syncOverrides.end(); ++it)
        sync.insert(it.key(), it.value());
    const QJsonObject profile {
        {QStringLiteral("name"), name},
        {QStringLiteral("salesforce"),
         QJsonObject {
             {QStringLiteral("login_url"), salesforce.loginUrl()},
             {QStringLiteral("auth_flow"), QStringLiteral("password")},
             {QStringLiteral("client_id"), salesforce.config().clientId},
             {QStringLiteral("username"), sandbox::SandboxConfig::defaultUser().username}}},
        {QStringLiteral("platform"), platformSection},
        {QStringLiteral("store"), QString(QStringLiteral("sqlite://") + dbPath)},
        {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}},
        {QStringLiteral("sync"), sync}};
    const QString path = m_workDir + QStringLiteral("/%1.json").arg(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(QJsonDocument(profile).toJson());
    return path;
}

QProcessEnvironment BenchWorld::leadbridgeEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LEADBRIDGE_SF_CLIENT_SECRET"), salesforce.config().clientSecret);
    env.insert(QStringLiteral("LEADBRIDGE_SF_PASSWORD"),
               sandbox::SandboxConfig::defaultUser().password);
    env.insert(QStringLiteral("LEADBRIDGE_PLATFORM_API_KEY"), platform.apiKey());
    env.insert(QStringLiteral("LEADBRIDGE_WEBHOOK_SECRET"), QString::fromLatin1(WebhookSecret));
    // Secrets come from the environment; no keyring is asked.
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.remove(QStringLiteral("DISPLAY"));
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("lb.*.debug=false"));
    return env;
}

QJsonObject BenchWorld::peerLogin() const
{
    return {{QStringLiteral("loginUrl"), salesforce.loginUrl()},
            {QStringLiteral("clientId"), salesforce.config().clientId},
            {QStringLiteral("clientSecret"), salesforce.config().clientSecret},
            {QStringLiteral("username"), sandbox::SandboxConfig::defaultUser().username},
            {QStringLiteral("password"), sandbox::SandboxConfig::defaultUser().password}};
}

void BenchWorld::markApiCalls()
{
    m_callsMark = salesforce.apiCallsByKind();
    m_platformRequests = 0;
    m_platformWrites = 0;
}

QHash<QString, qint64> BenchWorld::apiCallsSinceMark() const
{
    QHash<QString, qint64> used;
    const auto now = salesforce.apiCallsByKind();
    for (auto it = now.begin(); it != now.end(); ++it) {
        const qint64 n = it.value() - m_callsMark.value(it.key());
        if (n > 0)
            used.insert(it.key(), n);
    }
    return used;
}

qint64 BenchWorld::total(const QHash<QString, qint64> &byKind)
{
    qint64 n = 0;
    for (qint64 v : byKind)
        n += v;
    return n;
}

qint64 BenchWorld::writes(const QHash<QString, qint64> &byKind)
{
    qint64 n = 0;
    for (auto it = byKind.begin(); it != byKind.end(); ++it) {
        const QString k = it.key().toLower();
        if (k.contains(QLatin1String("composite")) || k.contains(QLatin1String("collection"))
            || k.contains(QLatin1String("upsert")) || k.contains(QLatin1String("create"))
            || k.contains(QLatin1String("update")) || k.contains(QLatin1String("delete")))
            n += it.value();
    }
    return n;
}

QJsonObject benchPerson(int i)
{
    return {{QStringLiteral("Name"), QStringLiteral("Agent %1").arg(i)},
            {QStringLiteral("Email__c"), QStringLiteral("agent%1@example.com").arg(i)},
            {QStringLiteral("Active__c"), true},
            {QStringLiteral("Eligible__c"), true},
            {QStringLiteral("States__c"), QStringLiteral("TX;CA")},
            {QStringLiteral("Capacity__c"), 10 + i % 20},
            {QStringLiteral("Platform_Agent_Id__c"),
             QStringLiteral("A-%1").arg(i, 4, 10, QLatin1Char('0'))}};
}

} // namespace lb::bench
