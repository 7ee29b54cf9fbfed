#pragma once

#include <QString>

namespace lb::jobs {

// Outbox job kinds. Payloads are JSON objects; see the processors that build them.
inline const QString SalesforceLeadUpsert = QStringLiteral("sf.lead.upsert");
// A lead deleted on the platform, closed in Salesforce (profile lifecycle.platform_delete).
inline const QString SalesforceLeadClose = QStringLiteral("sf.lead.close");
// The same, deleted in Salesforce instead (lifecycle.platform_delete = delete_in_salesforce).
inline const QString SalesforceLeadDelete = QStringLiteral("sf.lead.delete");
inline const QString SalesforcePeopleUpdate = QStringLiteral("sf.people.update");
// A lead created in Salesforce gets its platform id ("L-" + its Id) written back, once.
inline const QString SalesforceLeadLink = QStringLiteral("sf.lead.link");
inline const QString SalesforceEventPublish = QStringLiteral("sf.event.publish");
inline const QString PlatformLeadPut = QStringLiteral("platform.lead.put");
// A lead deleted in Salesforce, deleted on the platform (a tombstone there).
inline const QString PlatformLeadDelete = QStringLiteral("platform.lead.delete");
// A lead undeleted in Salesforce, restored on the platform (PUT ?restore=true).
inline const QString PlatformLeadRestore = QStringLiteral("platform.lead.restore");
inline const QString PlatformAgentPut = QStringLiteral("platform.agent.put");
// An agent whose People__c was deleted or set inactive in Salesforce, or one only the platform
// knows (found by the reconcile), deactivated there: DELETE /v1/agents/{id}.
inline const QString PlatformAgentDeactivate = QStringLiteral("platform.agent.deactivate");
// Not a write: an inbox item. A lead deleted in Salesforce (by LeadBridge, for
// lifecycle.platform_delete = delete_in_salesforce) and restored on the platform: Salesforce
// decides whether a lead exists, so the platform's lead is deleted again, and the item says how
// to bring it back (undelete it from Salesforce's Recycle Bin; Salesforce's REST API has no
// undelete). Resolved when the lead is undeleted in Salesforce; a retry has nothing to send.
inline const QString PlatformLeadRestoreRefused = QStringLiteral("platform.lead.restore_refused");
// Not a write: a record the platform listed that could not be read, parked in the inbox with
// its raw JSON as the payload. Its target is the platform, where it has to be fixed; once
// fixed there, the next poll reads it again, so a retry from the inbox has nothing to send.
inline const QString PlatformLeadRejected = QStringLiteral("platform.lead.rejected");

// A lead or agent event for one destination (hub and spoke): its payload is the body to POST,
// its target the destination's lane ("destination:<name>").
inline const QString DestinationEvent = QStringLiteral("destination.event");
// An alert (trigger or resolve) for one alert receiver, lane "alert:<name>".
inline const QString AlertNotice = QStringLiteral("alert.notice");

// The one idempotency-key format of every job: "<kind>:<record key>:<variant>", where the
// variant is what makes this write distinct for that record (the content hash of the state to
// write, the id to write back, the event and its agent). Enqueuing a key already known is a
// no-op (OutboxStore::enqueue), so one decision about one record's content is one job.
inline QString idempotencyKey(const QString &kind, const QString &recordKey, const QString &variant)
{
    return kind + u':' + recordKey + u':' + variant;
}

// Priorities: urgent work keeps flowing while non-urgent work is paused by API limits.
constexpr int NormalPriority = 0;
constexpr int UrgentPriority = 100;

// Tag written to Last_Updated_By_System__c on every Salesforce write LeadBridge makes.
inline const QString SystemTag = QStringLiteral("LeadPlatform");
// `updated_by` on every platform write LeadBridge makes.
inline const QString PlatformUpdatedBy = QStringLiteral("salesforce");

} // namespace lb::jobs
