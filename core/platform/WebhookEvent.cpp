#include "WebhookEvent.h"

#include "PlatformTime.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace lb::platform {
namespace {

Error failure(int status, const char *code, const QString &message)
{
    Error e = makeError(QString::fromLatin1(code), message);
    e.httpStatus = status;
    return e;
}

} // namespace

const QStringList &WebhookEvent::knownTypes()
{
    static const QStringList types {QStringLiteral("lead.created"), QStringLiteral("lead.updated"),
                                    QStringLiteral("lead.assigned"),
                                    QStringLiteral("lead.deleted")};
    return types;
}

bool WebhookEvent::isValidEventId(QStringView id)
{
    if (id.isEmpty() || id.size() > MaxEventIdLength)
        return false;
    for (const QChar ch : id) {
        const char16_t c = ch.unicode();
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
            || (c >= u'0' && c <= u'9') || c == u'.' || c == u'_' || c == u':' || c == u'-';
        if (!ok)
            return false;
    }
    return true;
}

Result<WebhookEvent> WebhookEvent::parse(QByteArrayView body)
{
    // Qt's parser lets raw control bytes through inside strings; JSON does not (RFC 8259),
    // and outside strings only blanks may appear. So any byte below 0x20 other than tab, LF
    // and CR makes the body invalid, before it is parsed at all.
    for (qsizetype i = 0; i < body.size(); ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return failure(400, "invalid_json",
                           QStringLiteral("The body is not valid JSON: control byte 0x%1 at "
                                          "byte %2.")
                               .arg(c, 2, 16, QLatin1Char('0'))
                               .arg(i));
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return failure(400, "invalid_json",
                       QStringLiteral("The body is not valid JSON: %1 at byte %2.")
                           .arg(parseError.errorString())
                           .arg(parseError.offset));
    if (!doc.isObject())
        return failure(400, "invalid_json", QStringLiteral("The body is not a JSON object."));
    const QJsonObject root = doc.object();

    WebhookEvent event;
    const QJsonValue id = root.value(QStringLiteral("event_id"));
    if (!id.isString() || !isValidEventId(id.toString()))
        return failure(400, "invalid_event",
                       QStringLiteral("event_id must be 1-%1 letters, digits, '.', '_', ':' or "
                                      "'-'.")
                           .arg(MaxEventIdLength));
    event.eventId = id.toString();

    const QJsonValue type = root.value(QStringLiteral("type"));
    if (!type.isString() || type.toString().isEmpty())
        return failure(400, "invalid_event", QStringLiteral("type must be non-empty text."));

    const QJsonValue occurred = root.value(QStringLiteral("occurred_at"));
    const auto occurredAt
        = occurred.isString() ? parsePlatformTimestamp(occurred.toString()) : std::nullopt;
    if (!occurredAt)
        return failure(400, "invalid_event",
                       QStringLiteral("occurred_at must be an RFC 3339 time such as "
                                      "2026-11-22T13:05:00.000Z."));
    event.occurredAt = *occurredAt;

    const QJsonValue data = root.value(QStringLiteral("data"));
    if (!data.isObject())
        return failure(400, "invalid_event", QStringLiteral("data must be a lead object."));

    event.type = type.toString();
    if (!knownTypes().contains(event.type)) {
        // The type is shown only when it is short, clean text (it is attacker-controlled).
        const bool showable = event.type.size() <= 64 && isValidEventId(event.type);
        return failure(422, "unknown_event_type",
                       QStringLiteral("The event type %1 is not one of %2.")
                           .arg(showable ? u'"' + event.type + u'"' : QStringLiteral("given"),
                                knownTypes().join(QStringLiteral(", "))));
    }

    QList<FieldIssue> issues;
    const bool isTombstone = PlatformTombstone::isTombstone(data.toObject());
    if (isTombstone && event.type != QLatin1String("lead.deleted"))
        return failure(422, "invalid_data",
                       QStringLiteral("data is a tombstone, which only lead.deleted carries."));
    if (isTombstone) {
        PlatformTombstone tombstone = PlatformTombstone::read(data.toObject(), issues);
        event.lead.id = tombstone.id;
        event.lead.updatedAt = tombstone.updatedAt;
        event.lead.updatedBy = tombstone.updatedBy;
        event.lead.version = tombstone.version;
        event.tombstone = std::move(tombstone);
    } else {
        event.lead = PlatformLead::read(data.toObject(), issues);
    }
    if (!issues.isEmpty()) {
        Error e = failure(
            422, "invalid_data",
            QStringLiteral("data is not a valid %1: ")
                    .arg(isTombstone ? QStringLiteral("tombstone") : QStringLiteral("lead"))
                + describeIssues(issues));
        e.details.insert(QStringLiteral("issues"), issuesToJson(issues));
        return e;
    }
    return event;
}

} // namespace lb::platform
