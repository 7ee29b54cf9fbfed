#include "AlertBook.h"

#include "JobKinds.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace lb {

AlertBook::AlertBook(QString profileName, QList<AlertConfig> receivers)
    : m_profile(std::move(profileName))
    , m_receivers(std::move(receivers))
{ }

QString AlertBook::dedupKey(const QString &conditionId) const
{
    return m_open.value(conditionId).dedupKey;
}

std::optional<AlertBook::Incident> AlertBook::incident(const QString &conditionId) const
{
    const auto it = m_open.constFind(conditionId);
    if (it == m_open.constEnd())
        return std::nullopt;
    return *it;
}

QList<NewJob> AlertBook::raise(const AlertCondition &condition, qint64 nowMs)
{
    if (m_open.contains(condition.id))
        return {};
    // One key per incident: the same condition later again is a new incident.
    Incident incident {
        condition, QStringLiteral("leadbridge/%1/%2/%3").arg(m_profile, condition.id).arg(nowMs),
        nowMs};
    m_open.insert(condition.id, incident);
    return jobs(incident, false, nowMs);
}

QList<NewJob> AlertBook::resolve(const QString &conditionId, qint64 nowMs)
{
    const auto it = m_open.constFind(conditionId);
    if (it == m_open.constEnd())
        return {};
    const Incident incident = *it;
    m_open.erase(it);
    return jobs(incident, true, nowMs);
}

QList<NewJob> AlertBook::jobs(const Incident &incident, bool resolved, qint64 nowMs) const
{
    QList<NewJob> out;
    const QString action = resolved ? QStringLiteral("resolve") : QStringLiteral("trigger");
    for (const AlertConfig &receiver : m_receivers) {
        NewJob job;
        job.kind = jobs::AlertNotice;
        job.target = receiver.target();
        // The incident is the record: its resolve leaves after its trigger (in-order lanes).
        job.recordKey = QStringLiteral("incident:") + incident.dedupKey;
        job.idempotencyKey
            = jobs::idempotencyKey(job.kind, job.recordKey, receiver.name + u':' + action);
        job.payload = receiver.isPagerDuty()
            ? pagerDutyBody(m_profile, incident.condition, incident.dedupKey, resolved, nowMs)
            : slackBody(m_profile, incident.condition, resolved);
        job.priority = jobs::UrgentPriority;
        out.append(job);
    }
    return out;
}

QByteArray AlertBook::slackBody(const QString &profile, const AlertCondition &condition,
                                bool resolved)
{
    const QString text = resolved
        ? QStringLiteral(":white_check_mark: LeadBridge %1: resolved: %2")
              .arg(profile, condition.summary)
        : QStringLiteral(":rotating_light: LeadBridge %1: %2").arg(profile, condition.summary);
    return QJsonDocument(QJsonObject {{QStringLiteral("text"), text}})
        .toJson(QJsonDocument::Compact);
}

QByteArray AlertBook::pagerDutyBody(const QString &profile, const AlertCondition &condition,
                                    const QString &dedupKey, bool resolved, qint64 nowMs)
{
    QJsonObject body {{QStringLiteral("event_action"),
                       resolved ? QStringLiteral("resolve") : QStringLiteral("trigger")},
                      {QStringLiteral("dedup_key"), dedupKey}};
    if (!resolved) {
        body.insert(
            QStringLiteral("payload"),
            QJsonObject {
                {QStringLiteral("summary"),
                 QStringLiteral("LeadBridge %1: %2").arg(profile, condition.summary).left(1024)},
                {QStringLiteral("source"), QString(QStringLiteral("leadbridge/") + profile)},
                {QStringLiteral("severity"), condition.severity},
                {QStringLiteral("component"), condition.id},
                {QStringLiteral("timestamp"),
                 QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).toString(Qt::ISODateWithMs)}});
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace lb
