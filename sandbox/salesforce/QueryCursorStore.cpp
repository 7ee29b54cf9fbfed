#include "QueryCursorStore.h"

#include "IdGenerator.h"

namespace lb::sandbox {

QString QueryCursorStore::open(Cursor cursor, IdGenerator &locatorIds)
{
    while (m_cursors.size() >= kMaxCursors)
        m_cursors.erase(m_cursors.begin());
    const QString locator = locatorIds.next();
    m_cursors.emplace(locator, std::move(cursor));
    return locator;
}

QueryCursorStore::Cursor *QueryCursorStore::find(const QString &locator, qint64 nowMs)
{
    const auto it = m_cursors.find(locator);
    if (it == m_cursors.end())
        return nullptr;
    if (nowMs - it->second.lastUsedMs > kIdleMs) {
        m_cursors.erase(it);
        return nullptr;
    }
    it->second.lastUsedMs = nowMs;
    return &it->second;
}

} // namespace lb::sandbox
