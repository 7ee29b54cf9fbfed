#pragma once

#include "AgentRecord.h"
#include "PlatformRecordTable.h"

namespace lb::sandbox {

// The platform's copy of the roster, by id and in (updated_at, id) order.
class AgentRepository
{
public:
    using Write = RecordWrite<AgentRecord>;

    const AgentRecord *find(const QString &id) const { return m_table.find(id); }
    Write put(const AgentRecord &agent, qint64 nowMs) { return m_table.put(agent, nowMs); }
    void seed(const AgentRecord &agent, qint64 nowMs) { m_table.seed(agent, nowMs); }
    UpdatedAtIndex::Page page(const std::optional<UpdatedAtIndex::Key> &after, int limit) const
    {
        return m_table.page(after, 0, limit);
    }
    QList<AgentRecord> all() const { return m_table.all(); }
    qsizetype size() const { return m_table.size(); }
    void clear() { m_table.clear(); }

private:
    PlatformRecordTable<AgentRecord> m_table;
};

} // namespace lb::sandbox
