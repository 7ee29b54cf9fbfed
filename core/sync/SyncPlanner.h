#pragma once

#include "mapping/RecordMapper.h"
#include "model/MirrorRecord.h"
#include "model/OutboxJob.h"

#include <optional>

namespace lb {

// Decides what, if anything, must be written to bring one side up to date with the other,
// from the mirror alone. Used twice: when a change arrives (to know whether to enqueue a job)
// and when the job is sent (to build the write from the newest state, so coalesced, retried and
// re-tried-from-the-inbox jobs always write current values).
//
// Field authority: Salesforce-owned fields go to Salesforce only when the record is created
// there; platform-owned fields go to the platform only on creation; "latest" fields take the
// value of the side that changed last (platform updated_at vs Salesforce SystemModstamp).
class SyncPlanner
{
public:
    struct SalesforceWrite
    {
        QJsonObject fields; // body for the upsert (RecordMapper form, without the key)
        QJsonObject newState; // salesforceState after the write
        QByteArray newHash;
    };
    struct PlatformWrite
    {
        QJsonObject record; // full platform record to PUT (platform field names, with the key)
        QByteArray newHash;
    };

    explicit SyncPlanner(ObjectMapping mapping);

    // Platform -> Salesforce. nullopt: Salesforce already has it, or the lead was converted
    // there (read-only from then on). Error: the record cannot be
    // valid in Salesforce (Salesforce-shaped error code and message).
    Result<std::optional<SalesforceWrite>> planSalesforceWrite(const MirrorRecord &record) const;
    // Salesforce -> platform. nullopt: the platform already has it.
    Result<std::optional<PlatformWrite>> planPlatformWrite(const MirrorRecord &record) const;

    // SALESFORCE_ORG.md: a high-value lead (Estimated_Value__c at least `threshold`) that a
    // delivery newly assigned to an agent, on a lead Salesforce already had, is announced to
    // Salesforce's listeners as a Lead_Assigned__e platform event (not for leads loaded already
    // assigned). `before` is the mirror before the write, `written` the Salesforce state after
    // it. The job that publishes the event, one per lead and agent, or none.
    static std::optional<NewJob> assignmentEvent(const MirrorRecord &before,
                                                 const QJsonObject &written,
                                                 const QString &salesforceId, qint64 nowMs,
                                                 double threshold);

    // The hash of a side's state as the mirror stores it.
    static QByteArray hashOf(const QJsonObject &state);
    // The platform record restricted to what the mapping covers (what the mirror keeps).
    QJsonObject platformView(const QJsonObject &platformRecord) const;

    const ObjectMapping &mapping() const { return m_mapper.mapping(); }
    const RecordMapper &mapper() const { return m_mapper; }

private:
    RecordMapper m_mapper;
};

} // namespace lb
