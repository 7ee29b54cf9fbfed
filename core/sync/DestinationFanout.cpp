#include "DestinationFanout.h"

#include "JobKinds.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>

namespace lb {

QByteArray LeadEventRecord::body() const
{
    const QJsonObject json {
        {QStringLiteral("event_id"), eventId},
        {QStringLiteral("type"), type},
        {QStringLiteral("occurred_at"),
         QDateTime::fromMSecsSinceEpoch(occurredAt, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("data"), data}};
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

QString LeadEventRecord::makeEventId(const QString &recordKey, const QString &type,
                                     const QString &variant)
{
    const QByteArray digest = QCryptographicHash::hash(
        (recordKey + u'\n' + type + u'\n' + variant).toUtf8(), QCryptographicHash::Sha256);
    return QStringLiteral("evt_lb_") + QString::fromLatin1(digest.left(12).toHex());
}

QList<NewJob> DestinationFanout::jobsFor(const LeadEventRecord &event) const
{
    QList<NewJob> jobs;
    for (const DestinationConfig &d : m_destinations) {
        if (!d.wants(event.type, event.data))
            continue;
        NewJob job;
        job.kind = jobs::DestinationEvent;
        job.target = d.target();
        job.recordKey = event.recordKey;
        job.idempotencyKey
            = jobs::idempotencyKey(job.kind, event.recordKey, d.name + u':' + event.eventId);
        job.payload = event.body();
        job.priority = jobs::NormalPriority;
        // Every event is delivered: a destination sees a lead's history, not only its newest
        // state, so nothing here is coalesced.
        job.supersedesPending = false;
        jobs.append(job);
    }
    return jobs;
}

QString DestinationFanout::leadEventType(bool known, bool deleted, const QJsonObject &before,
                                         const QJsonObject &after)
{
    if (deleted)
        return LeadEvent::Deleted;
    if (!known || before.isEmpty())
        return LeadEvent::Created;
    const auto changed = [&](const char *field) {
        const QString key = QString::fromLatin1(field);
        return before.value(key) != after.value(key);
    };
    if (changed("status")) {
        const QString status = after.value(QStringLiteral("status")).toString();
        return status.compare(QStringLiteral("converted"), Qt::CaseInsensitive) == 0
            ? LeadEvent::Converted
            : LeadEvent::StatusChanged;
    }
    if (changed("agent_id") && !after.value(QStringLiteral("agent_id")).toString().isEmpty())
        return LeadEvent::Assigned;
    return LeadEvent::Updated;
}

} // namespace lb
