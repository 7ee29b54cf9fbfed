#include "LeadRepository.h"

namespace lb::sandbox {

QString LeadRepository::holderOfSalesforceId(const QString &salesforceId) const
{
    return m_bySalesforceId.value(salesforceId);
}

void LeadRepository::unlinkSalesforceId(const QString &id)
{
    if (const LeadRecord *old = m_table.find(id); old && old->salesforceId)
        m_bySalesforceId.remove(*old->salesforceId);
}

LeadRepository::Write LeadRepository::put(const LeadRecord &lead, qint64 nowMs)
{
    unlinkSalesforceId(lead.id);
    Write write = m_table.put(lead, nowMs);
    if (write.stored.salesforceId)
        m_bySalesforceId.insert(*write.stored.salesforceId, write.stored.id);
    return write;
}

void LeadRepository::seed(const LeadRecord &lead, qint64 nowMs)
{
    unlinkSalesforceId(lead.id);
    m_table.seed(lead, nowMs);
    if (lead.salesforceId)
        m_bySalesforceId.insert(*lead.salesforceId, lead.id);
}

bool LeadRepository::remove(const QString &id)
{
    unlinkSalesforceId(id);
    return m_table.remove(id);
}

void LeadRepository::clear()
{
    m_table.clear();
    m_bySalesforceId.clear();
}

} // namespace lb::sandbox
