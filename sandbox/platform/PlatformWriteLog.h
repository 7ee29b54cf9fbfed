#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace lb::sandbox {

// One accepted API write (PUT, PATCH, DELETE, one batch item, agent PUT/DELETE).
struct PlatformWriteEntry
{
    qint64 seq = 0; // 1, 2, ... in order of acceptance
    QString operation; // put | patch | batch | delete | restore | agent_put | agent_delete
    QString entity; // lead | agent
    QString id;
    QStringList fields; // data fields the request wrote
    QStringList changedFields; // of those, the ones whose value changed
    QJsonObject changedTo; // their values after the write (what a test's diagnostics show)
    QString updatedBy; // as the request gave it ("salesforce" for LeadBridge)
    int status = 0; // 200 | 201 | 204
    qint64 version = 0; // the record's version after the write
    qint64 timeMs = 0;
    bool created = false;
    bool changed = false; // false = an "echo": the write changed nothing

    QJsonObject toJson() const;
};

// Every write the platform accepted through its API, so tests can count echo writes (writes
// that changed nothing) and who made them. Edits made through the sandbox's C++ API (the
// platform's own users) are not API writes and are not logged here.
class PlatformWriteLog
{
public:
    void append(PlatformWriteEntry entry);
    void clear();

    const QList<PlatformWriteEntry> &entries() const { return m_entries; }
    qsizetype size() const { return m_entries.size(); }
    int echoCount() const { return m_echoes; }
    // Writes to one record (entity "lead" or "agent"), and those that changed something.
    int countFor(const QString &id, const QString &entity = QStringLiteral("lead")) const
    {
        return m_byId.value(entity + u':' + id);
    }
    int changedCountFor(const QString &id, const QString &entity = QStringLiteral("lead")) const
    {
        return m_changedById.value(entity + u':' + id);
    }
    QHash<QString, int> countByUpdatedBy() const;

    QJsonArray toJson(qint64 sinceSeq = 0) const;

private:
    QList<PlatformWriteEntry> m_entries;
    QHash<QString, int> m_byId;
    QHash<QString, int> m_changedById;
    int m_echoes = 0;
};

} // namespace lb::sandbox
