#pragma once

#include "AgentRepository.h"
#include "LeadRepository.h"
#include "PlatformAnswer.h"
#include "PlatformWriteLog.h"
#include "util/Clock.h"

#include <QByteArray>
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <functional>

namespace lb::sandbox {

// The endpoints of the lead platform API (contract v1.1), behind authentication, rate limiting
// and faults (PlatformRouter does those). Every accepted write goes to the write log and,
// when it changed something, to `onLeadChanged` (which sends the webhook). A deleted lead is
// a tombstone: listed among the leads, 410 on GET, 409 on writes until PUT ?restore=true.
class PlatformApi
{
public:
    static constexpr int MaxBatch = 500;
    static constexpr int MaxPageSize = 500;
    static constexpr int DefaultPageSize = 100;

    struct Request
    {
        QByteArray method;
        QStringList path; // decoded segments after the host, e.g. {"v1", "leads", "L-1"}
        QUrlQuery query;
        QByteArray ifMatch;
        QByteArray body;
    };

    using LeadListener = std::function<void(const QString &type, const LeadRecord &lead)>;

    PlatformApi(LeadRepository &leads, AgentRepository &agents, PlatformWriteLog &log,
                const Clock &clock);

    void setLeadListener(LeadListener listener) { m_onLeadChanged = std::move(listener); }
    // Items listed as they are at the end of the first page of every lead listing, whatever
    // the filter: records outside the contract (a score of 130, a broken email, an item that is
    // not an object) such as real sources send (PLATFORM_API.md, "Leads"). Nothing else sees
    // them: they are not stored, so GET answers 404 and a PUT creates the lead.
    void setRawLeads(QJsonArray items) { m_rawLeads = std::move(items); }

    PlatformAnswer handle(const Request &request);

    // The webhook type for a change: lead.deleted (now a tombstone), lead.created (new or
    // restored), lead.assigned (only agent_id changed), else lead.updated.
    static QString eventTypeFor(const LeadRepository::Write &write);
    // {"error": "deleted", "message", "current": tombstone}: what GET (410) and writes (409)
    // answer for a deleted lead.
    static PlatformAnswer deletedAnswer(int status, const LeadRecord &tombstone);

private:
    PlatformAnswer listLeads(const Request &r);
    PlatformAnswer getLead(const QString &id);
    PlatformAnswer writeLead(const Request &r, const QString &id, bool partial);
    PlatformAnswer deleteLead(const QString &id);
    PlatformAnswer batch(const Request &r);
    PlatformAnswer listAgents(const Request &r);
    PlatformAnswer putAgent(const Request &r, const QString &id);
    PlatformAnswer deleteAgent(const QString &id);

    void logLead(const QString &operation, const LeadRepository::Write &write,
                 const QStringList &fields, int status, const QString &updatedBy);
    void logAgent(const QString &operation, const AgentRepository::Write &write,
                  const QStringList &fields, int status);

    LeadRepository &m_leads;
    AgentRepository &m_agents;
    PlatformWriteLog &m_log;
    const Clock &m_clock;
    LeadListener m_onLeadChanged;
    QJsonArray m_rawLeads;
};

} // namespace lb::sandbox
