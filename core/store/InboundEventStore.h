#pragma once

#include "Database.h"
#include "util/Clock.h"

#include <QByteArray>
#include <QList>

namespace lb {

struct InboundEvent
{
    qint64 id = 0;
    QString eventId; // the sender's id; unique, so a redelivery is stored once
    QString source; // "webhook" | "poll"
    QString type; // e.g. "lead.updated"
    qint64 occurredAt = 0;
    qint64 receivedAt = 0;
    QByteArray payload; // the raw body as received
    QString state; // "new" | "processed" | "rejected"
};

// Raw inbound events, stored before they are acknowledged, processed afterwards.
class InboundEventStore
{
public:
    InboundEventStore(Database &db, const Clock &clock);

    // Stores the event in its own transaction (or the caller's, if one is open). Returns true
    // when stored, false when an event with this id was already there (not an error).
    Result<bool> insert(const InboundEvent &event);

    Result<QList<InboundEvent>> pending(int limit);
    Result<void> markProcessed(const QList<qint64> &ids);
    Result<void> markRejected(qint64 id, const QString &error);
    Result<qint64> count();

private:
    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
