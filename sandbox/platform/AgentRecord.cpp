#include "AgentRecord.h"

#include "platform/PlatformTime.h"

#include <QJsonArray>

namespace lb::sandbox {

QJsonObject AgentRecord::toJson() const
{
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("email"), email},
        {QStringLiteral("active"), active},
        {QStringLiteral("eligible"), eligible},
        {QStringLiteral("states"), QJsonArray::fromStringList(states)},
        {QStringLiteral("capacity"), capacity},
        {QStringLiteral("salesforce_id"),
         salesforceId ? QJsonValue(*salesforceId) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("updated_at"), platform::formatPlatformTimestamp(updatedAt)},
        {QStringLiteral("version"), version},
    };
}

QStringList AgentRecord::differences(const AgentRecord &o) const
{
    QStringList d;
    const auto check = [&d](bool same, const char *name) {
        if (!same)
            d.append(QString::fromLatin1(name));
    };
    check(name == o.name, "name");
    check(email == o.email, "email");
    check(active == o.active, "active");
    check(eligible == o.eligible, "eligible");
    check(states == o.states, "states");
    check(capacity == o.capacity, "capacity");
    check(salesforceId == o.salesforceId, "salesforce_id");
    return d;
}

} // namespace lb::sandbox
