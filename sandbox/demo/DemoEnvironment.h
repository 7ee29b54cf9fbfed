#pragma once

#include "config/Profile.h"
#include "destination/DestinationReceiver.h"
#include "engine/adapters/EnginePorts.h"
#include "platform/PlatformSandbox.h"
#include "salesforce/SalesforceSandbox.h"

#include <QObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

namespace lb::sandbox {

// Everything `leadbridge --demo` needs so a new user sees every view working within seconds:
// the Salesforce org and the lead platform running in-process with a seeded roster and leads,
// a throwaway profile and store, the secrets to reach them, and live traffic on both sides
// (new and edited leads, a few with bad data that end in the error inbox, occasional 503s).
class DemoEnvironment : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int leads = 2'000;
        int agents = 40;
        int trafficIntervalMs = 700; // one platform change per tick, a Salesforce edit every 4th
        double fail503 = 0.03;
    };

    explicit DemoEnvironment(QObject *parent = nullptr);
    explicit DemoEnvironment(Options options, QObject *parent = nullptr);
    ~DemoEnvironment() override;

    Result<void> start();
    void startTraffic();
    void stopTraffic();

    // The throwaway folder holding the demo's store; removed when the environment is destroyed.
    QString folder() const { return m_dir.path(); }
    const Profile &profile() const { return m_profile; }
    StoreConfig store() const;
    const EngineSecrets &secrets() const { return m_secrets; }
    SalesforceSandbox &salesforce() { return m_salesforce; }
    PlatformSandbox &platform() { return m_platform; }
    int ticks() const { return m_ticks; }

private:
    void tick();

    Options m_options;
    QTemporaryDir m_dir;
    SalesforceSandbox m_salesforce;
    PlatformSandbox m_platform;
    // Two destinations: one healthy, one told to fail (its breaker opens, its lane waits).
    DestinationReceiver m_healthyDestination {QByteArrayLiteral("dest_demo_crm")};
    DestinationReceiver m_failingDestination {QByteArrayLiteral("dest_demo_warehouse")};
    Profile m_profile;
    EngineSecrets m_secrets;
    QTimer m_traffic;
    QRandomGenerator m_random {20261123};
    int m_ticks = 0;
    int m_created = 0;
};

} // namespace lb::sandbox
