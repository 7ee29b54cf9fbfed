#pragma once

#include "SyncPlanner.h"
#include "store/Store.h"

#include <QJsonObject>
#include <QList>

namespace lb {

// Salesforce -> platform, first half: takes records read from Salesforce (a poll page of Leads
// or People__c) and turns real changes into mirror updates and outbox jobs for the platform.
// A record whose mapped content equals what the mirror holds for Salesforce is our own write
// coming back (or an unchanged record re-read by the overlap window) and is skipped.
// People__c records without a platform id get one ("A-" + their Salesforce id), written back to
// Salesforce by a job of its own.
class SalesforceChangeProcessor
{
public:
    struct Stats
    {
        int records = 0;
        int enqueued = 0;
        int echoes = 0;
        int unlinked = 0; // leads without Platform_Lead_Id__c: not ours to sync
        int idsAssigned = 0;
    };

    SalesforceChangeProcessor(Store &store, const SyncPlanner &leads, const SyncPlanner &agents,
                              QString actor);

    Result<Stats> processLeads(const QList<QJsonObject> &records);
    Result<Stats> processAgents(const QList<QJsonObject> &records);

private:
    Store &m_store;
    const SyncPlanner &m_leads;
    const SyncPlanner &m_agents;
    QString m_actor;
};

} // namespace lb
