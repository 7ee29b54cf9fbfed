#pragma once

#include "SalesforceRecordChange.h"
#include "SalesforceSideEvents.h"
#include "SyncPlanner.h"
#include "store/Store.h"

#include <QList>

namespace lb {

// Salesforce -> platform, first half: takes changes read from Salesforce (a poll page, a stream
// run read back, Bulk query rows; Leads or People__c) and turns real changes into mirror updates
// and outbox jobs for the platform. A record whose mapped content equals what the mirror holds for
// Salesforce is our own write coming back (or an unchanged record re-read by the overlap window)
// and is skipped. Leads and People__c records without a platform id get one ("L-" / "A-" + their
// 18-character Salesforce id), written back to Salesforce by a job of its own. Records are read
// with the Recycle Bin (queryAll): a deleted lead (IsDeleted, MasterRecordId when merged away)
// becomes a tombstone and is deleted on the platform; one undeleted (live again, with a newer
// SystemModstamp than the tombstone's) is restored there.
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
        int deleted = 0; // leads deleted or merged away in Salesforce, newly seen
        int restored = 0; // leads undeleted in Salesforce
        int erased = 0; // leads of a person forgotten (erasure): not taken
        int stale = 0; // reads older than what the mirror already took: not taken

        Stats &operator+=(const Stats &o)
        {
            records += o.records;
            enqueued += o.enqueued;
            echoes += o.echoes;
            unlinked += o.unlinked;
            idsAssigned += o.idsAssigned;
            deleted += o.deleted;
            restored += o.restored;
            erased += o.erased;
            stale += o.stale;
            return *this;
        }
    };

    SalesforceChangeProcessor(Store &store, const SyncPlanner &leads, const SyncPlanner &agents,
                              QString actor);

    Result<Stats> processLeads(const QList<SalesforceRecordChange> &changes);
    // The platform id of a lead created in Salesforce: "L-" + its 18-character Id.
    static QString platformIdFor(const QString &salesforceId);
    Result<Stats> processAgents(const QList<SalesforceRecordChange> &changes);

    // Destinations hear of Salesforce's lead status changes, conversions and deletions and of
    // roster changes, in the transaction that records them. Not owned; null = none.
    void setFanout(const DestinationFanout *fanout) { m_events.setFanout(fanout); }

    // lifecycle.platform_delete: what a lead deleted on the platform before its Salesforce id
    // was known gets in Salesforce once a read tells that id (its first write had landed).
    void setPlatformDelete(const QString &action) { m_platformDelete = action; }

private:
    // Whether `state`, read from Salesforce for a lead it never saw there, is what LeadBridge's
    // first write of it carries (that write landed, its answer was lost).
    bool isOwnFirstWrite(const MirrorRecord &record, const QJsonObject &state) const;

    Store &m_store;
    const SyncPlanner &m_leads;
    const SyncPlanner &m_agents;
    QString m_actor;
    QString m_platformDelete;
    SalesforceSideEvents m_events;
};

} // namespace lb
