#pragma once

#include "ChangeEventLog.h"
#include "IdGenerator.h"
#include "OrgSchema.h"
#include "PlatformEventLog.h"
#include "RecordTable.h"
#include "WriteLog.h"

#include <map>
#include <memory>
#include <optional>

namespace lb::sandbox {

// All records of the org, the write and event logs, the id sequences, and an undo journal so
// that allOrNone requests (Collections, Composite) can roll back what they already wrote.
class OrgData
{
public:
    struct Savepoint
    {
        size_t journal = 0;
        qsizetype writeLog = 0;
        qsizetype events = 0;
        qsizetype changes = 0;
    };

    explicit OrgData(const OrgSchema *schema);

    // Null for unknown objects and for platform events (they are not stored as records).
    RecordTable *table(QStringView object);
    const RecordTable *table(QStringView object) const;
    RecordTable *table(const ObjectDef &def) { return table(def.name()); }

    IdGenerator &ids(const QString &keyPrefix);
    WriteLog &writeLog() { return m_writeLog; }
    const WriteLog &writeLog() const { return m_writeLog; }
    PlatformEventLog &events() { return m_events; }
    const PlatformEventLog &events() const { return m_events; }
    ChangeEventLog &changes() { return m_changes; }
    const ChangeEventLog &changes() const { return m_changes; }

    Savepoint savepoint() const;
    void rollbackTo(const Savepoint &savepoint);
    // Forget the undo information: the current request is over and what it wrote is
    // committed, so its change events are published.
    void clearJournal();
    void noteAppend(RecordTable *table);
    void noteReplace(RecordTable *table, int row, Record before);

    // Drop every record, log entry and event; id sequences keep counting.
    void clear();
    // After a schema change (an external id added): rebuild every table's indexes.
    void rebuildIndexes();

    // Grows with every change to the records, so persistence knows when to save.
    quint64 generation() const { return m_generation; }

    QHash<QString, quint64> idSequences() const;
    void setIdSequence(const QString &keyPrefix, quint64 sequence);

private:
    struct JournalEntry
    {
        RecordTable *table;
        int row;
        std::optional<Record> before; // empty = the row was appended
    };

    std::map<QString, std::unique_ptr<RecordTable>> m_tables; // by lower-case name
    std::map<QString, IdGenerator> m_ids;
    std::vector<JournalEntry> m_journal;
    WriteLog m_writeLog;
    PlatformEventLog m_events;
    ChangeEventLog m_changes;
    quint64 m_generation = 0;
};

} // namespace lb::sandbox
