#include "RecordTable.h"

namespace lb::sandbox {

RecordTable::RecordTable(const ObjectDef *def)
    : m_def(def)
{
    rebuildIndexes();
}

QList<int> RecordTable::rowsWithExternalId(int fieldIndex, const QString &value,
                                           bool includeDeleted) const
{
    const auto fieldIt = m_extIndex.constFind(fieldIndex);
    if (fieldIt == m_extIndex.cend())
        return {};
    const QList<int> rows = fieldIt->value(value.toLower());
    if (includeDeleted)
        return rows;
    QList<int> live;
    for (int row : rows) {
        if (!m_rows[size_t(row)].deleted)
            live.append(row);
    }
    return live;
}

void RecordTable::index(int row)
{
    const Record &r = m_rows[size_t(row)];
    m_byId.insert(r.id, row);
    for (auto it = m_extIndex.begin(); it != m_extIndex.end(); ++it) {
        const QJsonValue &v = r.values[it.key()];
        if (v.isString())
            (*it)[v.toString().toLower()].append(row);
    }
    if (m_def->systemModstampIndex() >= 0)
        m_byModstamp.emplace(ModstampKey {r.systemModstampMs, r.id}, row);
    if (!r.deleted)
        ++m_liveCount;
}

void RecordTable::unindex(int row)
{
    const Record &r = m_rows[size_t(row)];
    for (auto it = m_extIndex.begin(); it != m_extIndex.end(); ++it) {
        const QJsonValue &v = r.values[it.key()];
        if (!v.isString())
            continue;
        const QString key = v.toString().toLower();
        auto rowsIt = it->find(key);
        if (rowsIt == it->end())
            continue;
        rowsIt->removeOne(row);
        if (rowsIt->isEmpty())
            it->erase(rowsIt);
    }
    m_byModstamp.erase(ModstampKey {r.systemModstampMs, r.id});
    if (!r.deleted)
        --m_liveCount;
}

int RecordTable::append(Record record)
{
    m_rows.push_back(std::move(record));
    const int row = int(m_rows.size()) - 1;
    index(row);
    return row;
}

void RecordTable::replace(int row, Record record)
{
    unindex(row);
    m_rows[size_t(row)] = std::move(record);
    index(row);
}

void RecordTable::removeLast()
{
    const int row = int(m_rows.size()) - 1;
    unindex(row);
    m_byId.remove(m_rows.back().id);
    m_rows.pop_back();
}

void RecordTable::clear()
{
    m_rows.clear();
    m_byId.clear();
    m_byModstamp.clear();
    m_liveCount = 0;
    rebuildIndexes();
}

void RecordTable::rebuildIndexes()
{
    m_extIndex.clear();
    for (int i = 0; i < m_def->fieldCount(); ++i) {
        if (m_def->field(i).externalId)
            m_extIndex.insert(i, {});
    }
    m_byId.clear();
    m_byModstamp.clear();
    m_liveCount = 0;
    for (int row = 0; row < int(m_rows.size()); ++row)
        index(row);
}

} // namespace lb::sandbox
