#include "PlatformWriteLog.h"

#include <QJsonObject>

namespace lb::sandbox {

QJsonObject PlatformWriteEntry::toJson() const
{
    return QJsonObject {
        {QStringLiteral("seq"), seq},
        {QStringLiteral("operation"), operation},
        {QStringLiteral("entity"), entity},
        {QStringLiteral("id"), id},
        {QStringLiteral("fields"), QJsonArray::fromStringList(fields)},
        {QStringLiteral("changed_fields"), QJsonArray::fromStringList(changedFields)},
        {QStringLiteral("changed_to"), changedTo},
        {QStringLiteral("updated_by"), updatedBy},
        {QStringLiteral("status"), status},
        {QStringLiteral("version"), version},
        {QStringLiteral("time_ms"), timeMs},
        {QStringLiteral("created"), created},
        {QStringLiteral("changed"), changed},
    };
}

void PlatformWriteLog::append(PlatformWriteEntry entry)
{
    entry.seq = m_entries.size() + 1;
    ++m_byId[entry.entity + u':' + entry.id];
    if (entry.changed)
        ++m_changedById[entry.entity + u':' + entry.id];
    else
        ++m_echoes;
    m_entries.append(std::move(entry));
}

void PlatformWriteLog::clear()
{
    m_entries.clear();
    m_byId.clear();
    m_changedById.clear();
    m_echoes = 0;
}

QHash<QString, int> PlatformWriteLog::countByUpdatedBy() const
{
    QHash<QString, int> counts;
    for (const PlatformWriteEntry &e : m_entries)
        ++counts[e.updatedBy];
    return counts;
}

QJsonArray PlatformWriteLog::toJson(qint64 sinceSeq) const
{
    QJsonArray out;
    for (qsizetype i = qMax<qint64>(0, sinceSeq); i < m_entries.size(); ++i)
        out.append(m_entries.at(i).toJson());
    return out;
}

} // namespace lb::sandbox
