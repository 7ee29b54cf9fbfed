#include "SalesforceSideEvents.h"

#include "SalesforceState.h"

namespace lb {

QString SalesforceSideEvents::leadEventType(const QJsonObject &stateBefore,
                                            const QJsonObject &stateAfter,
                                            const QString &statusField)
{
    if (stateBefore.isEmpty())
        return {};
    const bool converted = SalesforceState::isConverted(stateAfter);
    if (converted && !SalesforceState::isConverted(stateBefore))
        return LeadEvent::Converted;
    if (!statusField.isEmpty() && stateBefore.value(statusField) != stateAfter.value(statusField))
        // A delivery refused with CANNOT_UPDATE_CONVERTED_LEAD records IsConverted before any
        // read of the lead does: the read that brings its converted status is the conversion.
        return converted ? LeadEvent::Converted : LeadEvent::StatusChanged;
    return {};
}

QJsonObject SalesforceSideEvents::platformImage(const SyncPlanner &planner,
                                                const MirrorRecord &record)
{
    QJsonObject image;
    if (auto plan = planner.planPlatformWrite(record); plan && plan->has_value())
        image = (*plan)->record;
    else if (!record.platformState.isEmpty())
        image = record.platformState;
    else if (auto mapped = planner.mapper().toPlatform(
                 SalesforceState::toRecord(record.salesforceState), false))
        image = *mapped;
    const QString key = planner.mapping().platformKey;
    if (image.value(key).toString().isEmpty())
        image.insert(key, record.platformId);
    return image;
}

void SalesforceSideEvents::announce(const QString &type, const QString &recordKey,
                                    const QString &variant, qint64 occurredAt,
                                    const QJsonObject &data, QList<NewJob> &jobs) const
{
    LeadEventRecord event;
    event.type = type;
    event.recordKey = recordKey;
    // Keyed on what Salesforce holds (its SystemModstamp and content hash): the stream, the
    // poll and the reconcile reading the same change name the same event.
    event.eventId
        = LeadEventRecord::makeEventId(recordKey, type, QStringLiteral("salesforce:") + variant);
    event.occurredAt = occurredAt;
    event.data = data;
    jobs.append(m_fanout->jobsFor(event));
}

void SalesforceSideEvents::leadChanged(const QJsonObject &stateBefore, const MirrorRecord &record,
                                       qint64 nowMs, QList<NewJob> &jobs) const
{
    if (!active() || record.isDeleted())
        return;
    const FieldRule *status = m_leads.mapping().byPlatform(QStringLiteral("status"));
    const QString type = leadEventType(stateBefore, record.salesforceState,
                                       status ? status->salesforce : QString());
    if (type.isEmpty())
        return;
    const qint64 at = record.salesforceModstamp > 0 ? record.salesforceModstamp : nowMs;
    announce(type, QStringLiteral("lead:") + record.platformId,
             QString::number(record.salesforceModstamp) + u'/'
                 + QString::fromLatin1(record.salesforceHash),
             at, platformImage(m_leads, record), jobs);
}

void SalesforceSideEvents::leadDeleted(const MirrorRecord &record, QList<NewJob> &jobs) const
{
    if (!active() || !record.isDeleted())
        return;
    QJsonObject data = platformImage(m_leads, record);
    if (!record.mergedInto.isEmpty())
        data.insert(QStringLiteral("merged_into"), record.mergedInto);
    announce(LeadEvent::Deleted, QStringLiteral("lead:") + record.platformId,
             QStringLiteral("deleted@") + QString::number(record.deletedAt), record.deletedAt, data,
             jobs);
}

void SalesforceSideEvents::agentChanged(const MirrorRecord &record, qint64 nowMs,
                                        QList<NewJob> &jobs) const
{
    if (!active() || record.platformId.isEmpty())
        return;
    const qint64 at = record.salesforceModstamp > 0 ? record.salesforceModstamp : nowMs;
    QString variant = QString::number(record.salesforceModstamp) + u'/'
        + QString::fromLatin1(record.salesforceHash);
    if (record.isDeleted())
        variant += QStringLiteral("/deleted@") + QString::number(record.deletedAt);
    announce(LeadEvent::AgentChanged, QStringLiteral("agent:") + record.platformId, variant, at,
             platformImage(m_agents, record), jobs);
}

} // namespace lb
