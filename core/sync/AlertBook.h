#pragma once

#include "config/DestinationConfig.h"
#include "model/OutboxJob.h"

#include <QHash>
#include <QList>

#include <optional>

namespace lb {

// Something wrong with LeadBridge itself that people should hear about.
struct AlertCondition
{
    QString id; // stable for the condition: "breaker:flaky", "inbox", "stream", "process:w2"
    QString summary; // for people
    QString severity = QStringLiteral("error"); // PagerDuty: critical | error | warning | info
};

// The open incidents, and the alert jobs their changes send: one trigger when a condition
// starts, one resolve (same dedup key) when it ends, whatever happens in between. A condition
// seen again while open sends nothing, so 100 inbox items past the threshold are one alert.
class AlertBook
{
public:
    struct Incident
    {
        AlertCondition condition;
        QString dedupKey;
        qint64 openedAt = 0;
    };

    AlertBook(QString profileName, QList<AlertConfig> receivers);

    // Jobs for every receiver when `condition` opens a new incident; none if it is open.
    QList<NewJob> raise(const AlertCondition &condition, qint64 nowMs);
    // Jobs that resolve the incident of `conditionId`; none if none is open.
    QList<NewJob> resolve(const QString &conditionId, qint64 nowMs);

    bool isOpen(const QString &conditionId) const { return m_open.contains(conditionId); }
    std::optional<Incident> incident(const QString &conditionId) const;
    // An incident opened before (an earlier run, another process of the fleet): it is open
    // here now, with its own dedup key, and nothing is sent for it.
    void adopt(const Incident &incident) { m_open.insert(incident.condition.id, incident); }
    // Exactly `incidents` are open: what the store holds (the fleet's processes share it).
    void replaceOpen(const QList<Incident> &incidents)
    {
        m_open.clear();
        for (const Incident &i : incidents)
            adopt(i);
    }
    // Undoes raise() or resolve() whose jobs could not be queued, so the next reading retries.
    void forget(const QString &conditionId) { m_open.remove(conditionId); }
    QString dedupKey(const QString &conditionId) const;
    QStringList openConditions() const { return m_open.keys(); }
    const QList<AlertConfig> &receivers() const { return m_receivers; }

    // The bodies as each format wants them (the PagerDuty routing key is added as it is sent,
    // so no secret lands in the outbox).
    static QByteArray slackBody(const QString &profile, const AlertCondition &condition,
                                bool resolved);
    static QByteArray pagerDutyBody(const QString &profile, const AlertCondition &condition,
                                    const QString &dedupKey, bool resolved, qint64 nowMs);

private:
    QList<NewJob> jobs(const Incident &incident, bool resolved, qint64 nowMs) const;

    QString m_profile;
    QList<AlertConfig> m_receivers;
    QHash<QString, Incident> m_open;
};

} // namespace lb
