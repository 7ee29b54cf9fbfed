#include "PlatformEventLog.h"

#include "SfDateTime.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

QJsonObject PublishedEvent::toJson() const
{
    return QJsonObject {
        {u"type"_s, eventType},
        {u"id"_s, id},
        {u"uuid"_s, uuid},
        {u"replayId"_s, replayId},
        {u"fields"_s, fields},
        {u"client"_s, client.isEmpty() ? QJsonValue() : QJsonValue(client)},
        {u"time"_s, SfDateTime::format(timeMs)},
    };
}

void PlatformEventLog::append(PublishedEvent event)
{
    event.replayId = m_nextReplayId++;
    m_events.append(std::move(event));
}

void PlatformEventLog::truncate(qsizetype size)
{
    while (m_events.size() > size)
        m_events.removeLast();
    m_committed = qMin(m_committed, m_events.size());
}

void PlatformEventLog::commit()
{
    if (m_committed >= m_events.size())
        return;
    const QList<PublishedEvent> fresh = m_events.mid(m_committed);
    m_committed = m_events.size();
    if (m_listener)
        m_listener(fresh);
}

} // namespace lb::sandbox
