#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

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

// Platform events published through REST: kept for tests and for replay, and handed to the
// Streaming API's /event/<Name> channels when the publishing request commits.
class PlatformEventLog
{
public:
    using Listener = std::function<void(const QList<PublishedEvent> &)>;

    void append(PublishedEvent event);
    void truncate(qsizetype size);
    void clear()
    {
        m_events.clear();
        m_committed = 0;
    }
    // The request is over: what it published goes to the listener.
    void commit();
    void setListener(Listener listener) { m_listener = std::move(listener); }
    const QList<PublishedEvent> &events() const { return m_events; }
    qsizetype size() const { return m_events.size(); }
    qint64 nextReplayId() const { return m_nextReplayId; }

private:
    QList<PublishedEvent> m_events;
    qint64 m_nextReplayId = 1;
    qsizetype m_committed = 0; // events handed to the listener
    Listener m_listener;
};

} // namespace lb::sandbox
