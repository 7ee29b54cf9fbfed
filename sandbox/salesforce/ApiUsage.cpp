#include "ApiUsage.h"

namespace lb::sandbox {

void ApiUsage::set(qint64 used, qint64 max)
{
    m_used = qMax<qint64>(0, used);
    m_max = qMax<qint64>(0, max);
}

void ApiUsage::count(const QString &kind)
{
    ++m_used;
    ++m_byKind[kind];
}

void ApiUsage::reset()
{
    m_used = 0;
    m_byKind.clear();
    m_bulkBatches = 0;
    m_bulkQueryJobs = 0;
    m_bulkQueryBytes = 0;
}

QByteArray ApiUsage::limitInfo() const
{
    return "api-usage=" + QByteArray::number(m_used) + '/' + QByteArray::number(m_max);
}

} // namespace lb::sandbox
