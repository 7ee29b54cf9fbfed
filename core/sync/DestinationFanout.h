#pragma once

#include "config/DestinationConfig.h"
#include "model/OutboxJob.h"

#include <QJsonObject>
#include <QList>

namespace lb {

// One lead or agent event as destinations receive it (PROFILE.md "Destinations and alerts").
struct LeadEventRecord
{
    QString type; // LeadEvent::...
    QString recordKey; // "lead:<platform id>" or "agent:<platform id>"
    QString eventId; // stable: the same decision gives the same id (a replay changes nothing)
    qint64 occurredAt = 0; // epoch ms
    QJsonObject data; // the lead or agent, platform field names

    // {"event_id", "type", "occurred_at", "data"}: the exact bytes a destination receives.
    QByteArray body() const;
    static QString makeEventId(const QString &recordKey, const QString &type,
                               const QString &variant);
};

// Hub and spoke: turns one event into one outbox job per destination that wants it, each in that
// destination's own lane, so a slow or failing destination holds back only its own jobs. Built
// in the intake's transaction, so an event is fanned out exactly when its change is taken in.
class DestinationFanout
{
public:
    explicit DestinationFanout(QList<DestinationConfig> destinations = {})
        : m_destinations(std::move(destinations))
    { }

    void setDestinations(QList<DestinationConfig> destinations)
    {
        m_destinations = std::move(destinations);
    }
    const QList<DestinationConfig> &destinations() const { return m_destinations; }
    bool isEmpty() const { return m_destinations.isEmpty(); }

    QList<NewJob> jobsFor(const LeadEventRecord &event) const;

    // Which event a lead's change is: created (first seen), deleted, converted, status_changed,
    // assigned (a new agent), else updated. `before` and `after` are platform views.
    static QString leadEventType(bool known, bool deleted, const QJsonObject &before,
                                 const QJsonObject &after);

private:
    QList<DestinationConfig> m_destinations;
};

} // namespace lb
