#pragma once

#include "LeadRecord.h"
#include "PlatformRecordTable.h"

#include <QHash>

namespace lb::sandbox {

// The platform's leads: by id, in (updated_at, id) order, and by salesforce_id (unique).
class LeadRepository
{
public:
    using Write = RecordWrite<LeadRecord>;

    const LeadRecord *find(const QString &id) const { return m_table.find(id); }
    // The lead that holds `salesforceId`, or an empty string.
    QString holderOfSalesforceId(const QString &salesforceId) const;

    Write put(const LeadRecord &lead, qint64 nowMs);
    void seed(const LeadRecord &lead, qint64 nowMs);
    bool remove(const QString &id);

    UpdatedAtIndex::Page page(const std::optional<UpdatedAtIndex::Key> &after, qint64 since,
                              int limit) const
    {
        return m_table.page(after, since, limit);
    }
    QList<LeadRecord> all() const { return m_table.all(); }
    qsizetype size() const { return m_table.size(); }
    void clear();

private:
    void unlinkSalesforceId(const QString &id);

    PlatformRecordTable<LeadRecord> m_table;
    QHash<QString, QString> m_bySalesforceId;
};

} // namespace lb::sandbox
