#include "LeadRecord.h"

#include "platform/PlatformTime.h"

namespace lb::sandbox {
namespace {

QJsonValue nullable(const std::optional<QString> &s)
{
    return s ? QJsonValue(*s) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject LeadRecord::toJson() const
{
    if (deleted)
        return QJsonObject {
            {QStringLiteral("id"), id},
            {QStringLiteral("deleted"), true},
            {QStringLiteral("deleted_at"), platform::formatPlatformTimestamp(deletedAt)},
            {QStringLiteral("updated_at"), platform::formatPlatformTimestamp(updatedAt)},
            {QStringLiteral("updated_by"), updatedBy},
            {QStringLiteral("version"), version},
        };
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("first_name"), firstName},
        {QStringLiteral("last_name"), lastName},
        {QStringLiteral("company"), company},
        {QStringLiteral("email"), email},
        {QStringLiteral("phone"), phone},
        {QStringLiteral("status"), status},
        {QStringLiteral("source"), source},
        {QStringLiteral("score"), score},
        {QStringLiteral("value"), value},
        {QStringLiteral("agent_id"), nullable(agentId)},
        {QStringLiteral("eligible"), eligible},
        {QStringLiteral("salesforce_id"), nullable(salesforceId)},
        {QStringLiteral("updated_at"), platform::formatPlatformTimestamp(updatedAt)},
        {QStringLiteral("updated_by"), updatedBy},
        {QStringLiteral("version"), version},
    };
}

LeadRecord LeadRecord::tombstone(qint64 nowMs, const QString &user) const
{
    LeadRecord t;
    t.id = id;
    t.status.clear();
    t.deleted = true;
    t.deletedAt = nowMs;
    t.updatedBy = user;
    t.updatedAt = updatedAt;
    t.version = version;
    return t;
}

QStringList LeadRecord::differences(const LeadRecord &o) const
{
    QStringList d;
    const auto check = [&d](bool same, const char *name) {
        if (!same)
            d.append(QString::fromLatin1(name));
    };
    check(firstName == o.firstName, "first_name");
    check(lastName == o.lastName, "last_name");
    check(company == o.company, "company");
    check(email == o.email, "email");
    check(phone == o.phone, "phone");
    check(status == o.status, "status");
    check(source == o.source, "source");
    check(score == o.score, "score");
    check(value == o.value, "value");
    check(agentId == o.agentId, "agent_id");
    check(eligible == o.eligible, "eligible");
    check(salesforceId == o.salesforceId, "salesforce_id");
    check(deleted == o.deleted, "deleted");
    return d;
}

} // namespace lb::sandbox
