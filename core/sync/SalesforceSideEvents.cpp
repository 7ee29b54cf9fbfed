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

namespace {

// A field absent and a field null say the same: no value.
bool sameValue(const QJsonValue &a, const QJsonValue &b)
{
    const bool aBlank = a.isNull() || a.isUndefined() || (a.isString() && a.toString().isEmpty());
    const bool bBlank = b.isNull() || b.isUndefined() || (b.isString() && b.toString().isEmpty());
    return (aBlank && bBlank) || a == b;
}

} // namespace

QJsonObject SalesforceSideEvents::salesforceEdits(const QJsonObject &stateBefore,
                                                  const MirrorRecord &record) const
{
    // Both states seen through the same mapping, every field included (a platform-owned field
    // such as the agent is one the platform keeps, but its change is still news).
    const auto image = [&](const QJsonObject &state) {
        auto mapped = m_leads.mapper().toPlatform(SalesforceState::toRecord(state), false);
        return mapped ? SalesforceState::normalized(*mapped) : QJsonObject();
    };
    const QJsonObject before = image(stateBefore);
    const QJsonObject after = image(record.salesforceState);
    const QJsonObject platform = SalesforceState::normalized(record.platformState);
    const QString key = m_leads.mapping().platformKey;
    QJsonObject edits;
    QStringList fields = before.keys() + after.keys();
    fields.removeDuplicates();
    for (const QString &field : std::as_const(fields)) {
        if (field == key || sameValue(before.value(field), after.value(field)))
            continue;
        // The platform holds this value already: our own write coming back from Salesforce
        // before its delivery recorded it, announced by the platform's side.
        if (record.existsOnPlatform() && sameValue(platform.value(field), after.value(field)))
            continue;
        edits.insert(field, after.value(field).isUndefined() ? QJsonValue() : after.value(field));
    }
    return edits;
}

void SalesforceSideEvents::leadChanged(const QJsonObject &stateBefore, const MirrorRecord &record,
                                       qint64 nowMs, QList<NewJob> &jobs) const
{
    if (!active() || record.isDeleted())
        return;
    const FieldRule *status = m_leads.mapping().byPlatform(QStringLiteral("status"));
    QString type = leadEventType(stateBefore, record.salesforceState,
                                 status ? status->salesforce : QString());
    QJsonObject data = platformImage(m_leads, record);
    if (type.isEmpty() && stateBefore.isEmpty()) {
        // First sight in Salesforce. A lead the platform holds was created there (and announced
        // there): this is its write-back. One only Salesforce holds was created in Salesforce.
        if (record.existsOnPlatform() || !record.platformState.isEmpty())
            return;
        type = LeadEvent::Created;
    } else if (type.isEmpty()) {
        // Same order as the platform's events: a new agent is an assignment, else an update.
        const QJsonObject edits = salesforceEdits(stateBefore, record);
        if (edits.isEmpty())
            return;
        const QString agent = QStringLiteral("agent_id");
        type = edits.contains(agent) && !sameValue(edits.value(agent), QJsonValue())
            ? LeadEvent::Assigned
            : LeadEvent::Updated;
        // The lead as the platform holds it, with Salesforce's change: a destination's
        // condition (an agent, a score) reads the values the event is about.
        for (auto it = edits.begin(); it != edits.end(); ++it)
            data.insert(it.key(), it.value());
    }
    const qint64 at = record.salesforceModstamp > 0 ? record.salesforceModstamp : nowMs;
    announce(type, QStringLiteral("lead:") + record.platformId,
             QString::number(record.salesforceModstamp) + u'/'
                 + QString::fromLatin1(record.salesforceHash),
             at, data, jobs);
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
