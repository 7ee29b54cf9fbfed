#pragma once

#include "ChangeEventLog.h"
#include "FaultInjector.h"
#include "PlatformEventLog.h"
#include "SandboxConfig.h"
#include "SfHttpServer.h"
#include "WriteLog.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace lb {
class Clock;
}

namespace lb::sandbox {

class AdminEndpoint;
class CometdEndpoint;
class OAuthEndpoint;
class RestRouter;
class SandboxOrg;

// The Salesforce sandbox org: two loopback listeners (a login host that plays
// login.salesforce.com and an instance / My Domain host with the REST API and the admin
// endpoints) over one emulated org, plus a C++ API for tests, the benchmark and demo mode.
// Use it from one thread (the one whose event loop runs it).
class SalesforceSandbox : public QObject
{
    Q_OBJECT

public:
    explicit SalesforceSandbox(SandboxConfig config = {}, QObject *parent = nullptr);
    // With an injected clock (session lifetime, SystemModstamp, date literals in tests).
    SalesforceSandbox(SandboxConfig config, const Clock &clock, QObject *parent = nullptr);
    ~SalesforceSandbox() override;

    // Validates the configuration, loads the state file if there is one, starts listening.
    Result<void> start();
    // Saves the state file (if configured) and stops listening.
    void stop();
    bool isRunning() const;

    QString loginUrl() const; // http://127.0.0.1:PORT
    QString instanceUrl() const;
    // instanceUrl() + /services/data/vNN.N (latest supported when version is 0)
    QString restBaseUrl(int version = 0) const;

    // Seeding: same validation as the API, not counted, not in the write log.
    Result<QHash<QString, int>> seedJson(const QByteArray &json);
    Result<int> seedCsv(const QString &object, const QByteArray &csv);
    Result<QHash<QString, int>> seedFile(const QString &path);

    // Writes as a client would (validated, logged with `client`), without HTTP or counting.
    Result<QString> createRecord(const QString &object, const QJsonObject &fields,
                                 const QString &client = QStringLiteral("Sandbox"));
    Result<void> updateRecord(const QString &object, const QString &id, const QJsonObject &fields,
                              const QString &client = QStringLiteral("Sandbox"));
    Result<void> deleteRecord(const QString &object, const QString &id,
                              const QString &client = QStringLiteral("Sandbox"));
    std::optional<QJsonObject> record(const QString &object, const QString &id) const;
    std::optional<QJsonObject> recordByExternalId(const QString &object, const QString &field,
                                                  const QString &value) const;
    int recordCount(const QString &object, bool includeDeleted = false) const;

    // Change tracking.
    const WriteLog &writeLog() const;
    int writeCountFor(const QString &object, const QString &externalId) const;
    int changedWriteCountFor(const QString &object, const QString &externalId) const;
    QList<WriteLogEntry> writesFor(const QString &object, const QString &externalId) const;
    QList<PublishedEvent> publishedEvents() const;

    // Streaming API and Change Data Capture.
    QString cometdUrl(int version = 0) const; // instanceUrl() + /cometd/NN.N
    QList<ChangeEvent> changeEvents() const; // retained, oldest first
    int streamingClientCount() const;
    void dropStreamingClients();
    // The Streaming API stops answering (true) and comes back without its clients (false).
    void setStreamingSilent(bool silent);
    void expireChangeEvents();
    Result<void> emitGapEvent(const QString &object, const QString &changeType,
                              const QStringList &recordIds = {});

    // Limits.
    qint64 apiUsed() const;
    qint64 apiMax() const;
    void setApiUsage(qint64 used, qint64 max);
    QHash<QString, qint64> apiCallsByKind() const;

    // Faults and sessions.
    void setFaults(const FaultConfig &faults);
    FaultConfig faults() const;
    FaultInjector::Counters faultCounters() const;
    void expireAllSessions();
    // A valid access token without the OAuth dance (tests, demo mode).
    Result<QString> issueAccessToken(const QString &username = {});

    Result<void> markExternalId(const QString &object, const QString &field, bool unique);
    // Records, logs, events and API counters go; sessions and configuration stay.
    void reset();
    Result<void> saveState(const QString &path) const;
    Result<void> loadState(const QString &path);
    QJsonObject stats(qint64 writeLogSince = 0, qsizetype writeLogLimit = 1000) const;

    SandboxOrg &org() { return *m_org; }
    const SandboxConfig &config() const;

Q_SIGNALS:
    // After every answered HTTP request (not for hung or dropped ones).
    void requestServed(const QString &path, int status);

private:
    SfHttpServer::Outcome dispatch(const ApiRequest &request, bool instanceHost);
    Result<void> saveIfChanged();

    std::unique_ptr<SandboxOrg> m_org;
    std::unique_ptr<RestRouter> m_router;
    std::unique_ptr<OAuthEndpoint> m_oauth;
    std::unique_ptr<AdminEndpoint> m_admin;
    std::unique_ptr<CometdEndpoint> m_cometd;
    std::unique_ptr<SfHttpServer> m_login;
    std::unique_ptr<SfHttpServer> m_instance;
    QTimer m_saveTimer;
    quint64 m_savedGeneration = 0;
};

} // namespace lb::sandbox
