#pragma once

#include "DestinationFanout.h"
#include "SyncPlanner.h"
#include "model/MirrorRecord.h"

namespace lb {

// The destinations' events for changes that start in Salesforce (the change stream, the
// backstop poll, the reconcile): a lead's status changed, converted or deleted there, and a
// People__c record changed (agent.changed); a lead created there (lead.created), its agent
// changed (lead.assigned) or another mapped field edited (lead.updated). The platform's echo of the
// write that follows is an echo (same content hash), so each change is announced once, by the side
// it started on. The jobs are appended to the caller's batch, so they are enqueued in the
// transaction that records the change, in the lead's own order.
class SalesforceSideEvents
{
public:
    SalesforceSideEvents(const SyncPlanner &leads, const SyncPlanner &agents)
        : m_leads(leads)
        , m_agents(agents)
    { }

    // Not owned; null or empty = no destinations.
    void setFanout(const DestinationFanout *fanout) { m_fanout = fanout; }
    bool active() const { return m_fanout && !m_fanout->isEmpty(); }

    // A live lead whose Salesforce state went from `stateBefore` to the record's: converted
    // (IsConverted newly true, or the status of a converted lead changed), status_changed
    // (Status differs), assigned (a new agent), updated (another mapped field), else nothing.
    // A lead not seen in Salesforce before is created when the platform does not hold it.
    void leadChanged(const QJsonObject &stateBefore, const MirrorRecord &record, qint64 nowMs,
                     QList<NewJob> &jobs) const;
    // A lead newly a tombstone of Salesforce's (deleted or merged away there).
    void leadDeleted(const MirrorRecord &record, QList<NewJob> &jobs) const;
    // A People__c record whose mapped content changed (or that was deleted or undeleted).
    void agentChanged(const MirrorRecord &record, qint64 nowMs, QList<NewJob> &jobs) const;

    static QString leadEventType(const QJsonObject &stateBefore, const QJsonObject &stateAfter,
                                 const QString &statusField);

private:
    // The mapped fields (platform names) Salesforce changed from `stateBefore`, with their new
    // values, leaving out what the platform already holds (an echo of our own write).
    QJsonObject salesforceEdits(const QJsonObject &stateBefore, const MirrorRecord &record) const;
    // The record as the platform holds it once Salesforce's change is written there.
    static QJsonObject platformImage(const SyncPlanner &planner, const MirrorRecord &record);
    void announce(const QString &type, const QString &recordKey, const QString &variant,
                  qint64 occurredAt, const QJsonObject &data, QList<NewJob> &jobs) const;

    const SyncPlanner &m_leads;
    const SyncPlanner &m_agents;
    const DestinationFanout *m_fanout = nullptr;
};

} // namespace lb
