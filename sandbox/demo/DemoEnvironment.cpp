#include "DemoEnvironment.h"

#include "log/Logging.h"

#include <QDir>
#include <QJsonObject>
#include <QTcpServer>

namespace lb::sandbox {

DemoEnvironment::DemoEnvironment(QObject *parent)
    : DemoEnvironment(Options {}, parent)
{ }

DemoEnvironment::DemoEnvironment(Options options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_dir(QDir::tempPath() + QStringLiteral("/leadbridge-demo-XXXXXX"))
{
    connect(&m_traffic, &QTimer::timeout, this, &DemoEnvironment::tick);
}

DemoEnvironment::~DemoEnvironment()
{
    m_traffic.stop();
}

StoreConfig DemoEnvironment::store() const
{
    return StoreConfig::sqlite(m_dir.filePath(QStringLiteral("demo.db")));
}

Result<void> DemoEnvironment::start()
{
    if (!m_dir.isValid())
        return makeError(QStringLiteral("demo"),
                         QStringLiteral("Cannot create a temporary folder for the demo."));
    if (auto r = m_salesforce.start(); !r)
        return r;
    if (!m_platform.listen())
        return makeError(QStringLiteral("demo"),
                         QStringLiteral("The demo lead platform cannot listen on loopback."));
    m_platform.setApiKey(QStringLiteral("pk_demo"));

    // The roster in Salesforce: most agents known to the platform, a few new ones.
    for (int i = 1; i <= m_options.agents; ++i) {
        QJsonObject person {
            {QStringLiteral("Name"), QStringLiteral("Demo Agent %1").arg(i)},
            {QStringLiteral("Email__c"), QStringLiteral("agent%1@demo.example").arg(i)},
            {QStringLiteral("Active__c"), true},
            {QStringLiteral("Eligible__c"), i % 5 != 0},
            {QStringLiteral("States__c"),
             i % 2 ? QStringLiteral("TX;CA") : QStringLiteral("NY;FL")},
            {QStringLiteral("Capacity__c"), 20 + i % 10}};
        if (i <= m_options.agents - 5)
            person.insert(QStringLiteral("Platform_Agent_Id__c"),
                          QStringLiteral("A-%1").arg(i, 4, 10, QLatin1Char('0')));
        (void)m_salesforce.createRecord(QStringLiteral("People__c"), person,
                                        QStringLiteral("Admin"));
    }
    m_platform.generateAgents(m_options.agents - 5, 7);
    m_platform.generateLeads(m_options.leads, 7);
    FaultConfig faults;
    faults.fail503 = m_options.fail503;
    faults.seed = 7;
    m_salesforce.setFaults(faults);

    QTcpServer probe; // a free loopback port for the webhook receiver
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();

    m_profile.name = QStringLiteral("demo");
    m_profile.sourceFile = QStringLiteral("(demo)");
    m_profile.salesforce.loginUrl = QUrl(m_salesforce.loginUrl());
    m_profile.salesforce.authFlow = QStringLiteral("password");
    m_profile.salesforce.clientId = m_salesforce.config().clientId;
    m_profile.salesforce.username = SandboxConfig::defaultUser().username;
    m_profile.platform.baseUrl = QUrl(m_platform.baseUrl());
    m_profile.platform.webhookListen = QStringLiteral("127.0.0.1:%1").arg(port);
    m_profile.store = QStringLiteral("sqlite://") + store().sqlitePath;
    m_profile.allowedHosts = {QStringLiteral("127.0.0.1")};
    m_profile.sync.pollIntervalS = 20;
    m_profile.sync.reconcileIntervalMin = 10;
    m_profile.sync.retryBaseMs = 500;
    m_profile.sync.retryCapMs = 5'000;
    m_profile.sync.maxAttempts = 6;
    m_profile.sync.limitBackoffS = 5;
    m_profile.sync.highValueThreshold = 80'000;

    m_secrets.salesforceClientSecret = m_salesforce.config().clientSecret;
    m_secrets.salesforcePassword = SandboxConfig::defaultUser().password;
    m_secrets.platformApiKey = m_platform.apiKey();
    m_secrets.webhookSecret = QByteArrayLiteral("whsec_demo_only");
    if (m_healthyDestination.listen() && m_failingDestination.listen()) {
        m_failingDestination.setMode(DestinationReceiver::Mode::Fail);
        DestinationConfig crm;
        crm.name = QStringLiteral("crm-mirror");
        crm.url = QUrl(m_healthyDestination.url());
        crm.events = LeadEvent::all();
        DestinationConfig warehouse;
        warehouse.name = QStringLiteral("warehouse");
        warehouse.url = QUrl(m_failingDestination.url());
        warehouse.events = {LeadEvent::Created, LeadEvent::Updated, LeadEvent::StatusChanged};
        if (auto rule = DestinationRule::parse(QStringLiteral("score >= 50")))
            warehouse.when = *rule;
        m_profile.destinations = {crm, warehouse};
        m_secrets.destinationSecrets.insert(QStringLiteral("destination:crm-mirror/signing_secret"),
                                            QByteArrayLiteral("dest_demo_crm"));
        m_secrets.destinationSecrets.insert(QStringLiteral("destination:warehouse/signing_secret"),
                                            QByteArrayLiteral("dest_demo_warehouse"));
    }
    m_platform.setWebhookTarget(
        QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(port)),
        m_secrets.webhookSecret);
    qCInfo(lcSandbox) << "demo: Salesforce sandbox at" << m_salesforce.instanceUrl()
                      << ", lead platform at" << m_platform.baseUrl();
    return {};
}

void DemoEnvironment::startTraffic()
{
    m_traffic.start(m_options.trafficIntervalMs);
}

void DemoEnvironment::stopTraffic()
{
    m_traffic.stop();
}

void DemoEnvironment::tick()
{
    ++m_ticks;
    const int pick = int(m_random.bounded(m_options.leads)) + 1;
    const QString id = QStringLiteral("L-%1").arg(pick, 6, 10, QLatin1Char('0'));
    switch (m_ticks % 8) {
    case 0: {
        // A new lead arrives on the platform; every 5th with an address Salesforce refuses,
        // seeded past the platform's own checks as a careless import would.
        LeadRecord lead;
        lead.id = QStringLiteral("L-%1").arg(800'000 + ++m_created, 6, 10, QLatin1Char('0'));
        lead.firstName = QStringLiteral("Demo");
        lead.lastName = QStringLiteral("Prospect %1").arg(m_created);
        lead.company = QStringLiteral("Demo Co %1").arg(m_created % 17);
        lead.email = m_created % 5 == 0 ? QStringLiteral("not-an-email-%1").arg(m_created)
                                        : QStringLiteral("prospect%1@demo.example").arg(m_created);
        lead.source = QStringLiteral("web");
        lead.score = int(m_random.bounded(101));
        lead.value = double(m_random.bounded(100'000));
        if (m_created % 5 == 0) {
            lead.updatedAt = QDateTime::currentMSecsSinceEpoch();
            lead.version = 1;
            m_platform.seedLead(lead);
            m_platform.emitEvent(QStringLiteral("lead.created"), lead.id);
        } else {
            (void)m_platform.createLead(lead, QStringLiteral("demo-user"));
        }
        break;
    }
    case 3: {
        // A sales rep works a lead in Salesforce.
        const auto sf = m_salesforce.recordByExternalId(QStringLiteral("Lead"),
                                                        QStringLiteral("Platform_Lead_Id__c"), id);
        if (sf)
            (void)m_salesforce.updateRecord(
                QStringLiteral("Lead"), sf->value(QStringLiteral("Id")).toString(),
                {{QStringLiteral("Company"), QStringLiteral("Worked %1 Inc").arg(m_ticks)},
                 {QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("Salesforce")}},
                QStringLiteral("SalesRep"));
        break;
    }
    case 5:
        (void)m_platform.assignLead(
            id,
            QStringLiteral("A-%1").arg(int(m_random.bounded(m_options.agents - 5)) + 1, 4, 10,
                                       QLatin1Char('0')),
            QStringLiteral("router"));
        break;
    default:
        (void)m_platform.editLead(id, {{QStringLiteral("score"), int(m_random.bounded(101))}},
                                  QStringLiteral("demo-user"));
    }
}

} // namespace lb::sandbox
