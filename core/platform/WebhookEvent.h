#pragma once

#include "PlatformTypes.h"
#include "util/Result.h"

#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace lb::platform {

// A webhook body (contract v1): {"event_id", "type", "occurred_at", "data": lead}. Parsing
// and validation only, QtCore only, so the fuzz target can build it alone.
struct WebhookEvent
{
    static constexpr int MaxEventIdLength = 128;

    QString eventId;
    QString type; // lead.created | lead.updated | lead.assigned | lead.deleted
    qint64 occurredAt = 0; // epoch ms
    PlatformLead lead;

    static const QStringList &knownTypes();

    // Errors carry the HTTP status the receiver answers with:
    //   400 invalid_json       not UTF-8 JSON, or not an object
    //   400 invalid_event      event_id, type, occurred_at or data missing or malformed
    //   422 unknown_event_type a type this version does not know
    //   422 invalid_data       data is not a valid lead (details.issues lists why)
    static Result<WebhookEvent> parse(QByteArrayView body);

    // 1-128 of [A-Za-z0-9._:-]: safe in logs, URLs and as a unique key.
    static bool isValidEventId(QStringView id);
};

} // namespace lb::platform
