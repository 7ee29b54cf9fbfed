#include "WriteLog.h"

#include "SfDateTime.h"

#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

QJsonObject WriteLogEntry::toJson() const
{
    return QJsonObject {
        {u"seq"_s, seq},
        {u"operation"_s, operation},
        {u"object"_s, object},
        {u"id"_s, recordId},
        {u"externalId"_s, externalId.isEmpty() ? QJsonValue() : QJsonValue(externalId)},
        {u"fields"_s, QJsonArray::fromStringList(fields)},
        {u"changedFields"_s, QJsonArray::fromStringList(changedFields)},
        {u"client"_s, client.isEmpty() ? QJsonValue() : QJsonValue(client)},
        {u"time"_s, SfDateTime::format(timeMs)},
        {u"changed"_s, changed},
    };
}

QString WriteLog::key(const QString &object, const QString &value)
{
    return object.toLower() + u'\x1f' + value;
}

void WriteLog::count(const WriteLogEntry &e, int delta)
{
    if (!e.externalId.isEmpty()) {
        m_byExternalId[key(e.object, e.externalId)] += delta;
        if (e.changed)
            m_changedByExternalId[key(e.object, e.externalId)] += delta;
    }
    m_byRecordId[key(e.object, e.recordId)] += delta;
    if (!e.changed)
        m_echoes += delta;
}

void WriteLog::append(WriteLogEntry entry)
{
    entry.seq = m_entries.isEmpty() ? 1 : m_entries.constLast().seq + 1;
    count(entry, 1);
    m_entries.append(std::move(entry));
}

void WriteLog::truncate(qsizetype size)
{
    while (m_entries.size() > size) {
        count(m_entries.constLast(), -1);
        m_entries.removeLast();
    }
}

void WriteLog::clear()
{
    m_entries.clear();
    m_byExternalId.clear();
    m_changedByExternalId.clear();
    m_byRecordId.clear();
    m_echoes = 0;
}

int WriteLog::countFor(const QString &object, const QString &externalId) const
{
    return m_byExternalId.value(key(object, externalId));
}

int WriteLog::changedCountFor(const QString &object, const QString &externalId) const
{
    return m_changedByExternalId.value(key(object, externalId));
}

int WriteLog::countForRecord(const QString &object, const QString &recordId) const
{
    return m_byRecordId.value(key(object, recordId));
}

QHash<QString, int> WriteLog::countByClient() const
{
    QHash<QString, int> counts;
    for (const WriteLogEntry &e : m_entries)
        ++counts[e.client];
    return counts;
}

QJsonArray WriteLog::toJson(qint64 since, qsizetype limit) const
{
    QJsonArray out;
    // seq is 1-based and dense, so the first entry after `since` is at index `since`.
    for (qsizetype i = qMax<qint64>(0, since); i < m_entries.size(); ++i) {
        if (limit > 0 && out.size() >= limit)
            break;
        out.append(m_entries[i].toJson());
    }
    return out;
}

} // namespace lb::sandbox
