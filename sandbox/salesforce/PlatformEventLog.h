#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace lb::sandbox {

struct PublishedEvent
{
    QString eventType; // Lead_Assigned__e
    QString id; // e00... as returned to the publisher
    QString uuid; // EventUuid, also in the OPERATION_ENQUEUED message
    QJsonObject fields; // field values as published, plus CreatedDate/CreatedById/EventUuid
    QString client;
    qint64 timeMs = 0;
    qint64 replayId = 0;

    QJsonObject toJson() const;
};

// Platform events published through REST, kept for tests (and later the CometD fan-out).
class PlatformEventLog
{
public:
    void append(PublishedEvent event);
    void truncate(qsizetype size);
    void clear() { m_events.clear(); }
    const QList<PublishedEvent> &events() const { return m_events; }
    qsizetype size() const { return m_events.size(); }
    qint64 nextReplayId() const { return m_nextReplayId; }

private:
    QList<PublishedEvent> m_events;
    qint64 m_nextReplayId = 1;
};

} // namespace lb::sandbox
