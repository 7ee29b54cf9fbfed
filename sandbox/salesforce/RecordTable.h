#pragma once

#include "ObjectDef.h"
#include "Record.h"

#include <map>
#include <vector>

namespace lb::sandbox {

// The rows of one object with the indexes the hot paths need: id -> row, every external-id
// field -> rows (case-insensitive, several when the field is not unique), and
// (SystemModstamp, Id) in order for incremental queries. Rows are never removed except when
// a transaction rolls back the rows it appended (soft delete keeps them).
class RecordTable
{
public:
    using ModstampKey = std::pair<qint64, QString>;

    explicit RecordTable(const ObjectDef *def);

    const ObjectDef &def() const { return *m_def; }
    int rowCount() const { return int(m_rows.size()); }
    int liveCount() const { return m_liveCount; }
    const Record &at(int row) const { return m_rows[size_t(row)]; }

    // -1 when no row has this canonical 18-character id.
    int rowOf(const QString &canonicalId) const { return m_byId.value(canonicalId, -1); }
    QList<int> rowsWithExternalId(int fieldIndex, const QString &value,
                                  bool includeDeleted = false) const;
    bool isIndexed(int fieldIndex) const { return m_extIndex.contains(fieldIndex); }

    int append(Record record);
    void replace(int row, Record record);
    // Undo of the latest append (transaction rollback).
    void removeLast();
    void clear();

    // After a field became an external id at run time.
    void rebuildIndexes();

    const std::map<ModstampKey, int> &modstampIndex() const { return m_byModstamp; }

private:
    void index(int row);
    void unindex(int row);

    const ObjectDef *m_def;
    std::vector<Record> m_rows;
    QHash<QString, int> m_byId;
    QHash<int, QHash<QString, QList<int>>> m_extIndex;
    std::map<ModstampKey, int> m_byModstamp;
    int m_liveCount = 0;
};

} // namespace lb::sandbox
