#include "SalesforceState.h"

#include "mapping/RecordMapper.h"

namespace lb {

QJsonObject SalesforceState::fromRecord(const QJsonObject &record, const ObjectMapping &mapping)
{
    QJsonObject state;
    const QJsonValue key = record.value(mapping.salesforceKey);
    if (!key.isUndefined())
        state.insert(mapping.salesforceKey, key);
    for (const FieldRule &rule : mapping.fields) {
        const QJsonValue v = RecordMapper::readPath(record, rule.salesforce);
        if (!v.isUndefined())
            state.insert(rule.salesforce, v);
    }
    // Only when true, so the states of the leads that were never converted keep their hashes.
    if (record.value(QStringLiteral("IsConverted")).toBool())
        state.insert(QStringLiteral("IsConverted"), true);
    return normalized(state);
}

bool SalesforceState::isConverted(const QJsonObject &state)
{
    return state.value(QStringLiteral("IsConverted")).toBool();
}

QJsonObject SalesforceState::closedFields()
{
    return {{QStringLiteral("Status"), QStringLiteral("Closed - Not Converted")},
            {QStringLiteral("Eligible_For_Distribution__c"), false}};
}

QJsonObject SalesforceState::apply(QJsonObject state, const QJsonObject &fields,
                                   const ObjectMapping &mapping)
{
    for (const FieldRule &rule : mapping.fields) {
        if (rule.readOnly)
            continue;
        if (!rule.isRelationship()) {
            if (fields.contains(rule.salesforce))
                state.insert(rule.salesforce, fields.value(rule.salesforce));
            continue;
        }
        const QString relationship = rule.salesforce.section(u'.', 0, 0);
        const QString field = rule.salesforce.section(u'.', 1);
        QString lookup = relationship;
        lookup.chop(1);
        lookup += u'c';
        if (fields.contains(relationship))
            state.insert(rule.salesforce, fields.value(relationship).toObject().value(field));
        else if (fields.contains(lookup) && fields.value(lookup).isNull())
            state.insert(rule.salesforce, QJsonValue::Null);
    }
    return normalized(state);
}

QJsonObject SalesforceState::normalized(QJsonObject state)
{
    for (auto it = state.begin(); it != state.end(); ++it) {
        if (it.value().isString() && it.value().toString().isEmpty())
            it.value() = QJsonValue::Null;
    }
    return state;
}

QJsonObject SalesforceState::toRecord(const QJsonObject &state)
{
    QJsonObject record;
    for (auto it = state.begin(); it != state.end(); ++it) {
        const qsizetype dot = it.key().indexOf(u'.');
        if (dot < 0) {
            record.insert(it.key(), it.value());
            continue;
        }
        const QString relationship = it.key().left(dot);
        if (it.value().isNull()) {
            if (!record.contains(relationship))
                record.insert(relationship, QJsonValue::Null);
            continue;
        }
        QJsonObject parent = record.value(relationship).toObject();
        parent.insert(it.key().mid(dot + 1), it.value());
        record.insert(relationship, parent);
    }
    return record;
}

} // namespace lb
