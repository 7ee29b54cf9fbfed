#pragma once

#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace lb::sandbox {

// One committed write, as tests and CDC need to see it.
struct WriteLogEntry
{
    qint64 seq = 0; // 1, 2, ... in commit order
    QString operation; // insert | update | delete | undelete
    QString object;
    QString recordId;
    QString externalId; // the object's unique external id after the write, if any
    QStringList fields; // fields the request wrote (API names)
    QStringList changedFields; // of those, the ones whose value changed
    QString client; // Sforce-Call-Options client=..., empty when not sent
    qint64 timeMs = 0;
    bool changed = false; // false = an "echo": the write changed no value

    QJsonObject toJson() const;
};

// Every write the org committed. Rolled-back writes are removed again (truncate), so the
// log only ever shows what a client could observe.
class WriteLog
{
public:
    void append(WriteLogEntry entry);
    void truncate(qsizetype size);
    void clear();

    const QList<WriteLogEntry> &entries() const { return m_entries; }
    qsizetype size() const { return m_entries.size(); }

    // Writes (any operation) to the record with this external id.
    int countFor(const QString &object, const QString &externalId) const;
    // Of those, the ones that changed a value.
    int changedCountFor(const QString &object, const QString &externalId) const;
    int countForRecord(const QString &object, const QString &recordId) const;
    int echoCount() const { return m_echoes; }
    QHash<QString, int> countByClient() const;

    // Entries with seq > since (at most `limit`, 0 = all), as JSON.
    QJsonArray toJson(qint64 since = 0, qsizetype limit = 0) const;

private:
    static QString key(const QString &object, const QString &value);
    void count(const WriteLogEntry &e, int delta);

    QList<WriteLogEntry> m_entries;
    QHash<QString, int> m_byExternalId;
    QHash<QString, int> m_changedByExternalId;
    QHash<QString, int> m_byRecordId;
    int m_echoes = 0;
};

} // namespace lb::sandbox
