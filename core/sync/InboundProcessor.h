#pragma once

#include "DestinationFanout.h"
#include "PlatformLeadChange.h"
#include "SyncPlanner.h"
#include "store/Store.h"

namespace lb {

struct PlatformLeadChange;

// Platform -> Salesforce, first half: turns stored inbound events (webhooks and poll pages) into
// mirror updates and outbox jobs, in one transaction per batch, so an event is either fully
// taken into account or not at all (crash safety).
//
// Events may arrive twice and out of order: per lead only the newest (updated_at, version) is
// kept; an event no newer than what the mirror has is stale; one whose content equals the
// mirror's platform state is an echo of our own write or a duplicate.
class InboundProcessor
{
public:
    struct Stats
    {
        int events = 0;
        int enqueued = 0;
        int echoes = 0;
        int stale = 0;
        int invalid = 0; // parked in the inbox before any API call
        int rejected = 0; // unreadable events (kept, marked rejected)
        int deleted = 0; // leads deleted on the platform, now tombstones in the mirror
        int restored = 0; // tombstones restored on the platform, live again in the mirror
        int tombstoned = 0; // changes to leads deleted in Salesforce, not sent there
        int erased = 0; // leads of a person forgotten (erasure): dropped, their events scrubbed
    };

    // platformDelete: what a lead deleted on the platform becomes in Salesforce (profile
    // lifecycle.platform_delete: "close_in_salesforce", "delete_in_salesforce" or "ignore").
    InboundProcessor(Store &store, const SyncPlanner &planner, QString actor,
                     QString platformDelete = QStringLiteral("close_in_salesforce"));

    // Lead events for destinations (hub and spoke) are fanned out in the same transaction as
    // the change they describe. Not owned; null or empty = no destinations.
    void setFanout(const DestinationFanout *fanout) { m_fanout = fanout; }

    // Processes up to `limit` stored events. Returns what happened.
    Result<Stats> processPending(int limit);

private:
    struct Arrivals;
    Result<void> dropErased(QHash<QString, PlatformLeadChange> &newest, const Arrivals &arrivals,
                            QList<qint64> &processed, Stats &stats);
    Result<void> refuseRestore(const MirrorRecord &record);
    void fanOut(const QString &type, const QString &platformId, const PlatformLeadChange &change,
                QList<NewJob> &jobs) const;

    Store &m_store;
    const SyncPlanner &m_planner;
    QString m_actor;
    QString m_platformDelete;
    const DestinationFanout *m_fanout = nullptr;
};

} // namespace lb
