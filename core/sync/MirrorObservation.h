#pragma once

#include "model/MirrorRecord.h"

#include <QJsonObject>

namespace lb {

// The one way a record observed on one side (a poll, a webhook, a refresh before a resend, a
// conflict answer, the reconcile) is copied into its mirror record: the state in the mirror's
// shape, its hash, and that side's version.
//
// Observations arrive out of order (polls overlap, a refresh races a poll), so Salesforce's
// SystemModstamp only ever moves forward. The platform's (updated_at, version) is taken as
// observed: callers that may see an older platform record compare before observing
// (InboundProcessor's staleness check).
void observeSalesforce(MirrorRecord &record, const QJsonObject &state, qint64 modstamp);
void observePlatform(MirrorRecord &record, const QJsonObject &view, qint64 updatedAt,
                     qint64 version);
// The same for a lead as the platform sends it: updated_at and version are read from `lead`,
// `view` is its mapped view (SyncPlanner::platformView).
void observePlatformLead(MirrorRecord &record, const QJsonObject &view, const QJsonObject &lead);

// The one place a lead's deletion is recorded: the record becomes a tombstone, deleted `at`
// (epoch ms) on `side` ("platform" | "salesforce"). The states and hashes stay as last seen, so
// the reconcile and the planners can tell a tombstone from a record never seen. A tombstone
// already there keeps its first deletion.
void observeDeletion(MirrorRecord &record, const QString &side, qint64 at);
// A restore (platform) or undelete (Salesforce) at the side that deleted it clears the tombstone.
// Returns false, and changes nothing, when the record was deleted on the other side: only the
// source of a deletion can undo it.
bool observeRestore(MirrorRecord &record, const QString &side);
// A lead deleted on the platform that LeadBridge then deleted in Salesforce
// (lifecycle.platform_delete = delete_in_salesforce): Salesforce decides whether a lead exists,
// so the tombstone becomes Salesforce's, and only an undelete there brings the lead back.
void observeDeletedInSalesforce(MirrorRecord &record);

} // namespace lb
