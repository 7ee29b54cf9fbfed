#pragma once

#include "platform/LeadPlatformClient.h"
#include "sync/Ports.h"

namespace lb {

// The engine's PlatformPort over the real LeadPlatformClient. Converts the engine's JSON
// records (contract field names) to the client's typed values and back.
class PlatformPortAdapter final : public PlatformPort
{
public:
    explicit PlatformPortAdapter(platform::LeadPlatformClient &client);

    void listLeads(qint64 updatedSinceMs, const QString &cursor, int limit, QObject *context,
                   std::function<void(Result<RecordPage>)> done) override;
    void listAgents(const QString &cursor, int limit, QObject *context,
                    std::function<void(Result<RecordPage>)> done) override;
    void upsertLeads(const QList<QJsonObject> &leads, QObject *context,
                     std::function<void(Result<QList<WriteOutcome>>)> done) override;
    void putAgent(const QJsonObject &agent, QObject *context,
                  std::function<void(Result<WriteOutcome>)> done) override;
    void deleteLead(const QString &id, QObject *context,
                    std::function<void(Result<void>)> done) override;
    void getLead(const QString &id, QObject *context,
                 std::function<void(Result<QJsonObject>)> done) override;
    void restoreLead(const QJsonObject &lead, QObject *context,
                     std::function<void(Result<WriteOutcome>)> done) override;
    void deactivateAgent(const QString &id, QObject *context,
                         std::function<void(Result<void>)> done) override;

    // The typed write values of engine records (no server-managed fields).
    static platform::PlatformLead leadFrom(const QJsonObject &json);
    static platform::PlatformAgent agentFrom(const QJsonObject &json);

private:
    platform::LeadPlatformClient &m_client;
};

} // namespace lb
