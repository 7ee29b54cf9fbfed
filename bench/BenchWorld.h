#pragma once

#include "ChildProcess.h"
#include "platform/PlatformSandbox.h"
#include "salesforce/SalesforceSandbox.h"

#include <QHash>
#include <QJsonObject>

namespace lb::bench {

// The two sandboxes every throughput and latency figure is measured against, on the bench's
// main thread, and what a LeadBridge or peer child process needs to reach them: a profile
// file, the secrets in the environment, the binaries.
class BenchWorld
{
public:
    struct Binaries
    {
        QString leadbridge;
        QString node; // empty: peers are skipped
        QString peersDir;
    };

    BenchWorld(QString workDir, Binaries binaries);

    Result<void> start();
    const Binaries &binaries() const { return m_binaries; }
    QString workDir() const { return m_workDir; }

    // Salesforce back to an empty org with the roster (`agents` People__c the platform knows).
    void resetSalesforce(int agents);
    // The platform with `agents` agents and `leads` generated leads.
    void resetPlatform(int agents, int leads);

    // A profile for a LeadBridge child on a fresh SQLite store in the work folder; with a
    // webhook port the child also receives the platform's webhooks.
    QString writeProfile(const QString &name, quint16 webhookPort = 0,
                         const QJsonObject &syncOverrides = {});
    QProcessEnvironment leadbridgeEnvironment() const;
    // What the peers need to log in, as JSON (written next to their input).
    QJsonObject peerLogin() const;

    // API calls the Salesforce sandbox counted, by kind, since the last mark.
    void markApiCalls();
    QHash<QString, qint64> apiCallsSinceMark() const;
    static qint64 total(const QHash<QString, qint64> &byKind);
    static qint64 writes(const QHash<QString, qint64> &byKind);
    // Requests the platform sandbox answered since the last mark, and how many were writes.
    qint64 platformRequestsSinceMark() const { return m_platformRequests; }
    qint64 platformWritesSinceMark() const { return m_platformWrites; }

    sandbox::SalesforceSandbox salesforce;
    sandbox::PlatformSandbox platform;
    static constexpr char WebhookSecret[] = "whsec_bench_shared_secret";

private:
    QString m_workDir;
    Binaries m_binaries;
    QHash<QString, qint64> m_callsMark;
    qint64 m_platformRequests = 0;
    qint64 m_platformWrites = 0;
};

// A People__c record as an admin would create it.
QJsonObject benchPerson(int i);

} // namespace lb::bench
