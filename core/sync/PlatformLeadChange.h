#pragma once

#include "store/InboundEventStore.h"
#include "util/Result.h"

#include <QJsonObject>

namespace lb {

// One change of a platform lead as the intake takes it, whichever source brought it: a webhook
// (stored with its body before the 2xx), a polled page or an import row (stored as the lead
// itself: they are not webhooks and do not pretend to be). Decoded once, here, from the stored
// event; the raw bytes stay with it for the inbox and the audit log.
struct PlatformLeadChange
{
    qint64 eventId = 0; // inbound_events.id
    QString origin; // "webhook" | "poll" | "import"
    QJsonObject lead; // as the platform sent it; a tombstone for a deletion
    qint64 updatedAt = 0; // epoch ms, the platform's updated_at
    qint64 version = 0;
    // A lead.deleted webhook or a tombstone in a polled page.
    bool deletion = false;
    QByteArray raw;

    // Newer by the platform's (updated_at, version).
    bool isNewerThan(const PlatformLeadChange &other) const
    {
        return updatedAt != other.updatedAt ? updatedAt > other.updatedAt : version > other.version;
    }

    // The stored form of a lead read by polling or importing: the lead itself.
    static InboundEvent storedForm(const QJsonObject &lead, const QString &origin,
                                   const QString &eventId, qint64 receivedAt);
    // The stored event id of a polled lead: one per (id, updated_at, version), so the overlap of
    // two polls stores it once.
    static QString pollEventId(const QJsonObject &lead);

    // Decodes a stored event. An event that holds no lead object is refused with why (that
    // event alone; the rest of its batch goes on).
    static Result<PlatformLeadChange> fromEvent(const InboundEvent &event);
};

} // namespace lb
