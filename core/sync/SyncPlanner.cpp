#include "SyncPlanner.h"

#include "ChangeTime.h"
#include "JobKinds.h"
#include "SalesforceState.h"
#include "mapping/ContentHash.h"

#include <QJsonDocument>

namespace lb {

SyncPlanner::SyncPlanner(ObjectMapping mapping)
    : m_mapper(std::move(mapping))
{ }

QByteArray SyncPlanner::hashOf(const QJsonObject &state)
{
    return ContentHash::of(state);
}

QJsonObject SyncPlanner::platformView(const QJsonObject &platformRecord) const
{
    QJsonObject view;
    const ObjectMapping &m = mapping();
    if (platformRecord.contains(m.platformKey))
        view.insert(m.platformKey, platformRecord.value(m.platformKey));
    for (const FieldRule &rule : m.fields) {
        if (platformRecord.contains(rule.platform))
            view.insert(rule.platform, platformRecord.value(rule.platform));
    }
    return SalesforceState::normalized(view);
}

Result<std::optional<SyncPlanner::SalesforceWrite>>
SyncPlanner::planSalesforceWrite(const MirrorRecord &record) const
{
    const ObjectMapping &m = mapping();
    // A converted lead is read-only in Salesforce: nothing is written to it any more.
    if (record.platformState.isEmpty() || SalesforceState::isConverted(record.salesforceState))
        return std::optional<SalesforceWrite>();
    auto mapped = m_mapper.toSalesforce(record.platformState, record.existsInSalesforce());
    if (!mapped)
        return mapped.error();
    QJsonObject fields = *mapped;

    // "latest" fields that Salesforce changed after the platform did keep Salesforce's value.
    if (record.existsInSalesforce() && record.salesforceModstamp > record.platformUpdatedAt) {
        const QJsonObject desired = SalesforceState::apply({}, fields, m);
        for (const FieldRule &rule : m.fields) {
            if (rule.authority != Authority::Latest)
                continue;
            if (!desired.contains(rule.salesforce))
                continue;
            if (desired.value(rule.salesforce) == record.salesforceState.value(rule.salesforce))
                continue;
            if (rule.isRelationship()) {
                QString lookup = rule.salesforce.section(u'.', 0, 0);
                fields.remove(lookup);
                lookup.chop(1);
                fields.remove(lookup + u'c');
            } else {
                fields.remove(rule.salesforce);
            }
        }
    }

    QJsonObject base = record.salesforceState;
    base.insert(m.salesforceKey, record.platformId);
    const QJsonObject newState = SalesforceState::apply(base, fields, m);
    const QByteArray newHash = hashOf(newState);
    if (record.existsInSalesforce() && newHash == record.salesforceHash)
        return std::optional<SalesforceWrite>();
    return std::optional(SalesforceWrite {fields, newState, newHash});
}

Result<std::optional<SyncPlanner::PlatformWrite>>
SyncPlanner::planPlatformWrite(const MirrorRecord &record) const
{
    const ObjectMapping &m = mapping();
    if (record.salesforceState.isEmpty())
        return std::optional<PlatformWrite>();
    auto mapped = m_mapper.toPlatform(SalesforceState::toRecord(record.salesforceState),
                                      record.existsOnPlatform());
    if (!mapped)
        return mapped.error();
    QJsonObject incoming = *mapped;
    if (incoming.value(m.platformKey).toString().isEmpty())
        incoming.insert(m.platformKey, record.platformId);

    QJsonObject merged = record.platformState;
    const bool platformNewer
        = record.existsOnPlatform() && record.platformUpdatedAt > record.salesforceModstamp;
    for (auto it = incoming.begin(); it != incoming.end(); ++it) {
        const FieldRule *rule = m.byPlatform(it.key());
        if (rule && rule->authority == Authority::Latest && platformNewer
            && merged.contains(it.key()) && merged.value(it.key()) != it.value())
            continue; // the platform changed it last
        merged.insert(it.key(), it.value());
    }
    merged = SalesforceState::normalized(merged);
    const QByteArray newHash = hashOf(merged);
    if (record.existsOnPlatform() && newHash == record.platformHash)
        return std::optional<PlatformWrite>();
    return std::optional(PlatformWrite {merged, newHash});
}

std::optional<NewJob> SyncPlanner::assignmentEvent(const MirrorRecord &before,
                                                   const QJsonObject &written,
                                                   const QString &salesforceId, qint64 nowMs,
                                                   double threshold)
{
    const QString agentPath = QStringLiteral("Assigned_Agent__r.Platform_Agent_Id__c");
    const QJsonValue agent = written.value(agentPath);
    const double value = written.value(QStringLiteral("Estimated_Value__c")).toDouble();
    if (!agent.isString() || agent.toString().isEmpty()
        || agent == before.salesforceState.value(agentPath) || value < threshold
        || !(before.existsInSalesforce() || before.platformVersion > 1))
        return std::nullopt;
    NewJob e;
    e.kind = jobs::SalesforceEventPublish;
    e.target = JobTarget::Salesforce;
    e.recordKey = QStringLiteral("lead:") + before.platformId;
    e.priority = jobs::UrgentPriority;
    e.idempotencyKey = jobs::idempotencyKey(e.kind, e.recordKey,
                                            QStringLiteral("Lead_Assigned__e@") + agent.toString());
    const QJsonObject fields {{QStringLiteral("Lead_Id__c"), salesforceId},
                              {QStringLiteral("Platform_Lead_Id__c"), before.platformId},
                              {QStringLiteral("Agent_Id__c"), agent},
                              {QStringLiteral("Estimated_Value__c"), value},
                              {QStringLiteral("Assigned_At__c"), formatPlatformTime(nowMs)}};
    e.payload
        = QJsonDocument(QJsonObject {{QStringLiteral("event"), QStringLiteral("Lead_Assigned__e")},
                                     {QStringLiteral("fields"), fields}})
              .toJson(QJsonDocument::Compact);
    return e;
}

} // namespace lb
