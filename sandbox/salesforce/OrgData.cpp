#include "OrgData.h"

namespace lb::sandbox {

OrgData::OrgData(const OrgSchema *schema)
{
    for (const ObjectDef *def : schema->objects()) {
        if (!def->isPlatformEvent())
            m_tables.emplace(def->name().toLower(), std::make_unique<RecordTable>(def));
    }
}

RecordTable *OrgData::table(QStringView object)
{
    const auto it = m_tables.find(object.toString().toLower());
    return it == m_tables.end() ? nullptr : it->second.get();
}

const RecordTable *OrgData::table(QStringView object) const
{
    const auto it = m_tables.find(object.toString().toLower());
    return it == m_tables.end() ? nullptr : it->second.get();
}

IdGenerator &OrgData::ids(const QString &keyPrefix)
{
    auto it = m_ids.find(keyPrefix);
    if (it == m_ids.end())
        it = m_ids.emplace(keyPrefix, IdGenerator(keyPrefix)).first;
    return it->second;
}

OrgData::Savepoint OrgData::savepoint() const
{
    return {m_journal.size(), m_writeLog.size(), m_events.size(), m_changes.stagedCount()};
}

void OrgData::rollbackTo(const Savepoint &savepoint)
{
    while (m_journal.size() > savepoint.journal) {
        JournalEntry &e = m_journal.back();
        if (e.before)
            e.table->replace(e.row, std::move(*e.before));
        else
            e.table->removeLast();
        m_journal.pop_back();
    }
    m_writeLog.truncate(savepoint.writeLog);
    ++m_generation;
    m_events.truncate(savepoint.events);
    m_changes.dropStagedAfter(savepoint.changes);
}

void OrgData::clearJournal()
{
    m_journal.clear();
    m_changes.commit();
    m_events.commit();
}

void OrgData::noteAppend(RecordTable *table)
{
    m_journal.push_back({table, table->rowCount() - 1, std::nullopt});
    ++m_generation;
}

void OrgData::noteReplace(RecordTable *table, int row, Record before)
{
    m_journal.push_back({table, row, std::move(before)});
    ++m_generation;
}

void OrgData::clear()
{
    for (auto &[name, table] : m_tables)
        table->clear();
    m_journal.clear();
    m_writeLog.clear();
    m_events.clear();
    m_changes.clear();
    ++m_generation;
}

void OrgData::rebuildIndexes()
{
    for (auto &[name, table] : m_tables)
        table->rebuildIndexes();
}

QHash<QString, quint64> OrgData::idSequences() const
{
    QHash<QString, quint64> out;
    for (const auto &[prefix, gen] : m_ids)
        out.insert(prefix, gen.sequence());
    return out;
}

void OrgData::setIdSequence(const QString &keyPrefix, quint64 sequence)
{
    ids(keyPrefix).setSequence(sequence);
}

} // namespace lb::sandbox
