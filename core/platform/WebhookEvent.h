#pragma once

#include "PlatformTypes.h"
#include "util/Result.h"

#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <optional>

namespace lb::platform {

// A webhook body (contract v1.1): {"event_id", "type", "occurred_at", "data": lead}; a
// lead.deleted event's data is the tombstone. Parsing and validation only, QtCore only, so the
// fuzz target can build it alone.
struct WebhookEvent
{
    static constexpr int MaxEventIdLength = 128;

    QString eventId;
    QString type; // lead.created | lead.updated | lead.assigned | lead.deleted
    qint64 occurredAt = 0; // epoch ms
    // The lead; for a tombstone only id, updated_at, updated_by and version are set.
    PlatformLead lead;
    // Set when data is a tombstone (only lead.deleted carries one).
    std::optional<PlatformTombstone> tombstone;

    static const QStringList &knownTypes();

    // Errors carry the HTTP status the receiver answers with:
    //   400 invalid_json       not UTF-8 JSON, or not an object
    //   400 invalid_event      event_id, type, occurred_at or data missing or malformed
    //   422 unknown_event_type a type this version does not know
    //   422 invalid_data       data is not a valid lead or tombstone (details.issues lists
    //                          why), or a tombstone in an event other than lead.deleted
    static Result<WebhookEvent> parse(QByteArrayView body);

    // 1-128 of [A-Za-z0-9._:-]: safe in logs, URLs and as a unique key.
    static bool isValidEventId(QStringView id);
};

} // namespace lb::platform
