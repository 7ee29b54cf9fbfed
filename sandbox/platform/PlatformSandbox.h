#pragma once

#include "AgentRepository.h"
#include "LeadRepository.h"
#include "PlatformApi.h"
#include "PlatformFaults.h"
#include "PlatformRouter.h"
#include "PlatformWriteLog.h"
#include "RateLimitWindow.h"
#include "WebhookDispatcher.h"
#include "util/Clock.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <memory>
#include <optional>

namespace lb::sandbox {

class LoopbackServer;

// An emulator of the external lead platform (contract v1.1, ../shared/PLATFORM_API.md) on a
// loopback QHttpServer, with a C++ API for tests, the benchmark and the demo:
//  - the REST API: leads and agents, cursor paging by (updated_at, id), batch with per-item
//    results, validation, version conflicts, 1 MiB limit, Bearer key, rate limit, faults;
//  - webhooks: every change (through the API or through this class) is signed and delivered
//    to the configured URL, with retries, duplicates and reordering on demand;
//  - the platform's own users: createLead/editLead/assignLead/deleteLead change leads as
//    someone on the platform would (new version and updated_at, updated_by = the user) and
//    emit lead.created / lead.updated / lead.assigned / lead.deleted (deleting leaves a
//    tombstone, which lead() and leads() return with `deleted` set);
//  - observation: records, request stats, webhook stats and a log of every API write.
// Everything happens on the thread that owns it; it needs a running event loop.
class PlatformSandbox : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *DefaultApiKey = "sandbox-platform-key";

    struct Stats
    {
        PlatformRouter::Stats http;
        WebhookDispatcher::Stats webhooks;
        qsizetype leads = 0;
        qsizetype agents = 0;
        qsizetype writes = 0; // write log size
        int echoWrites = 0; // accepted writes that changed nothing
    };

    explicit PlatformSandbox(const Clock &clock = Clock::system(), QObject *parent = nullptr);
    ~PlatformSandbox() override;

    // Listens on 127.0.0.1 (port 0 = pick one).
    bool listen(quint16 port = 0);
    quint16 port() const;
    QString baseUrl() const; // http://127.0.0.1:<port>

    // Settings ----------------------------------------------------------------------------
    void setApiKey(const QString &key);
    QString apiKey() const;
    void setRateLimit(int requests, int windowS);
    const RateLimitWindow &rateLimit() const { return m_rate; }
    PlatformFaults &faults() { return m_faults; }
    // Whether writes through the REST API also send webhooks (a real platform does; the
    // engine must recognise them as echoes). On by default.
    void setWebhooksForApiWrites(bool on) { m_webhooksForApiWrites = on; }

    // Webhooks ----------------------------------------------------------------------------
    void setWebhookTarget(const QUrl &url, const QByteArray &secret);
    WebhookDispatcher &webhooks() { return *m_dispatcher; }
    // Sends an event of `type` carrying the lead's current state (or the given state).
    // Returns the event id, or an empty string if there is no such lead.
    QString emitEvent(const QString &type, const QString &leadId);
    QString emitEvent(const QString &type, const LeadRecord &lead);

    // The platform's own users -------------------------------------------------------------
    Result<LeadRecord> createLead(const LeadRecord &lead,
                                  const QString &user = QStringLiteral("platform"));
    // `changes` in the API's field names, e.g. {"status": "working", "score": 80}.
    Result<LeadRecord> editLead(const QString &id, const QJsonObject &changes,
                                const QString &user = QStringLiteral("platform"));
    Result<LeadRecord> assignLead(const QString &id, const std::optional<QString> &agentId,
                                  const QString &user = QStringLiteral("platform"));
    Result<void> deleteLead(const QString &id, const QString &user = QStringLiteral("platform"));
    // Brings a deleted lead back with `lead`'s content (what PUT ?restore=true does), as a
    // platform user restoring it from the trash; emits lead.created.
    Result<LeadRecord> restoreLead(const LeadRecord &lead,
                                   const QString &user = QStringLiteral("platform"));

    // Seeding (no webhooks, no write log) ---------------------------------------------------
    void seedLead(const LeadRecord &lead);
    void seedAgent(const AgentRecord &agent);
    // `count` plausible leads L-000001... (deterministic for a given seed), agents A-0001...
    void generateLeads(int count, quint32 seed = 1);
    void generateAgents(int count, quint32 seed = 1);
    // {"leads": [lead...], "agents": [agent...], "raw_leads": [any...]} in the API's JSON
    // shapes (a lead may be a tombstone); raw_leads are listed unchecked, as they are
    // (PlatformApi::setRawLeads). Returns how many records were loaded.
    Result<int> seedFromFile(const QString &path);
    Result<int> seedFromJson(const QByteArray &json);
    void clear();

    // Observation -------------------------------------------------------------------------
    std::optional<LeadRecord> lead(const QString &id) const;
    std::optional<AgentRecord> agent(const QString &id) const;
    QList<LeadRecord> leads() const { return m_leads.all(); }
    QList<AgentRecord> agents() const { return m_agents.all(); }
    qsizetype leadCount() const { return m_leads.size(); }
    qsizetype agentCount() const { return m_agents.size(); }
    const PlatformWriteLog &writeLog() const { return m_log; }
    void clearWriteLog() { m_log.clear(); }
    Stats stats() const;

signals:
    void requestHandled(const QByteArray &method, const QString &path, int status);
    void leadChanged(const QString &type, const QString &leadId);

private:
    void leadChangedInternally(const QString &type, const LeadRecord &lead);
    Result<LeadRecord> userWrite(const QString &id, const QJsonObject &changes, const QString &user,
                                 bool create);
    QByteArray eventBody(const QString &eventId, const QString &type, const LeadRecord &lead) const;
    QString nextEventId();

    const Clock &m_clock;
    LeadRepository m_leads;
    AgentRepository m_agents;
    PlatformWriteLog m_log;
    PlatformFaults m_faults;
    RateLimitWindow m_rate;
    PlatformApi m_api;
    PlatformRouter m_router;
    std::unique_ptr<WebhookDispatcher> m_dispatcher;
    std::unique_ptr<LoopbackServer> m_server;
    bool m_webhooksForApiWrites = true;
    quint64 m_eventSeq = 0;
    quint64 m_eventPrefix = 0;
};

} // namespace lb::sandbox
