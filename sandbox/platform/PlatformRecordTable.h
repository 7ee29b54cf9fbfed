#pragma once

#include "UpdatedAtIndex.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <unordered_map>

namespace lb::sandbox {

// What a write did to one record.
template<typename Record> struct RecordWrite
{
    Record stored; // the state after the write
    bool created = false;
    QStringList changed; // data fields whose value changed (empty when created)
    bool changedAnything() const { return created || !changed.isEmpty(); }
};

// Records by id (hash, stable references) plus the (updated_at, id) index the API pages
// through. A write that changes no data field changes nothing at all (no new version, no new
// updated_at): that is how an echo looks from outside. Record needs id, updatedAt, version
// and differences().
template<typename Record> class PlatformRecordTable
{
public:
    const Record *find(const QString &id) const
    {
        const auto it = m_records.find(id);
        return it == m_records.end() ? nullptr : &it->second;
    }

    RecordWrite<Record> put(Record record, qint64 nowMs)
    {
        RecordWrite<Record> write;
        auto it = m_records.find(record.id);
        if (it == m_records.end()) {
            record.version = 1;
            record.updatedAt = nowMs;
            m_index.insert(record.updatedAt, record.id);
            write.created = true;
            write.stored = m_records.emplace(record.id, record).first->second;
            return write;
        }
        Record &current = it->second;
        write.changed = record.differences(current);
        if (write.changed.isEmpty()) {
            write.stored = current;
            return write;
        }
        m_index.erase(current.updatedAt, current.id);
        // Never earlier than before, so a record only moves forward in the paging order.
        record.updatedAt = qMax(nowMs, current.updatedAt);
        record.version = current.version + 1;
        current = std::move(record);
        m_index.insert(current.updatedAt, current.id);
        write.stored = current;
        return write;
    }

    // Stores as given (seeding): version and updated_at default to 1 and nowMs.
    void seed(Record record, qint64 nowMs)
    {
        if (record.version <= 0)
            record.version = 1;
        if (record.updatedAt <= 0)
            record.updatedAt = nowMs;
        remove(record.id);
        m_index.insert(record.updatedAt, record.id);
        m_records.insert_or_assign(record.id, std::move(record));
    }

    bool remove(const QString &id)
    {
        const auto it = m_records.find(id);
        if (it == m_records.end())
            return false;
        m_index.erase(it->second.updatedAt, id);
        m_records.erase(it);
        return true;
    }

    UpdatedAtIndex::Page page(const std::optional<UpdatedAtIndex::Key> &after, qint64 since,
                              int limit) const
    {
        return m_index.page(after, since, limit);
    }

    // Every record in paging order (for tests and seeding files; O(n)).
    QList<Record> all() const
    {
        QList<Record> out;
        out.reserve(qsizetype(m_records.size()));
        std::optional<UpdatedAtIndex::Key> after;
        for (;;) {
            const auto p = m_index.page(after, 0, 1000);
            for (const QString &id : p.ids)
                out.append(m_records.at(id));
            if (!p.last)
                break;
            after = p.last;
        }
        return out;
    }

    qsizetype size() const { return qsizetype(m_records.size()); }
    void clear()
    {
        m_records.clear();
        m_index = {};
    }

private:
    std::unordered_map<QString, Record> m_records;
    UpdatedAtIndex m_index;
};

} // namespace lb::sandbox
