#include "PlatformLeadChange.h"

#include "ChangeTime.h"
#include "platform/PlatformTypes.h"

#include <QJsonDocument>

namespace lb {

InboundEvent PlatformLeadChange::storedForm(const QJsonObject &lead, const QString &origin,
                                            const QString &eventId, qint64 receivedAt)
{
    InboundEvent e;
    e.eventId = eventId;
    e.source = origin;
    e.type = platform::PlatformTombstone::isTombstone(lead) ? QStringLiteral("lead.deleted")
                                                            : QStringLiteral("lead.updated");
    e.occurredAt = parseTimestampMs(lead.value(QStringLiteral("updated_at")).toString());
    e.receivedAt = receivedAt;
    e.payload = QJsonDocument(lead).toJson(QJsonDocument::Compact);
    return e;
}

QString PlatformLeadChange::pollEventId(const QJsonObject &lead)
{
    return QStringLiteral("poll:%1:%2:%3")
        .arg(lead.value(QStringLiteral("id")).toString(),
             lead.value(QStringLiteral("updated_at")).toString())
        .arg(lead.value(QStringLiteral("version")).toInteger());
}

Result<PlatformLeadChange> PlatformLeadChange::fromEvent(const InboundEvent &event)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(event.payload, &parseError);
    if (!doc.isObject())
        return makeError(QStringLiteral("event_unreadable"),
                         QStringLiteral("stored %1 event is not a JSON object: %2")
                             .arg(event.source, parseError.errorString()));
    QJsonObject body = doc.object();
    // A webhook carries the lead in its envelope's data. So did polled and imported leads
    // stored by earlier versions, which may still wait in a store.
    const bool envelope = event.source == QLatin1String("webhook")
        || (body.contains(QStringLiteral("event_id"))
            && body.value(QStringLiteral("data")).isObject());
    PlatformLeadChange c;
    c.eventId = event.id;
    c.origin = event.source;
    c.lead = envelope ? body.value(QStringLiteral("data")).toObject() : body;
    if (c.lead.isEmpty())
        return makeError(QStringLiteral("event_unreadable"),
                         QStringLiteral("stored %1 event holds no lead").arg(event.source));
    c.updatedAt = parseTimestampMs(c.lead.value(QStringLiteral("updated_at")).toString());
    c.version = c.lead.value(QStringLiteral("version")).toInteger();
    const QString type = envelope ? body.value(QStringLiteral("type")).toString() : event.type;
    c.deletion
        = type == QLatin1String("lead.deleted") || platform::PlatformTombstone::isTombstone(c.lead);
    c.raw = event.payload;
    return c;
}

} // namespace lb
