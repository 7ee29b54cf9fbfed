#pragma once

#include "BoundQuery.h"

#include <QStringList>

#include <map>

namespace lb::sandbox {

class IdGenerator;

// Open query locators ("01g...") for results longer than one page. A locator keeps the
// matching ids in result order; the records are rendered when their page is fetched. Idle
// locators expire after 15 minutes (INVALID_QUERY_LOCATOR), and only the most recent
// kMaxCursors stay open.
class QueryCursorStore
{
public:
    struct Cursor
    {
        std::shared_ptr<const BoundQuery> query;
        QStringList ids;
        int batchSize = 2000;
        qint64 lastUsedMs = 0;
    };

    static constexpr qint64 kIdleMs = 15 * 60 * 1000;
    static constexpr size_t kMaxCursors = 200;

    QString open(Cursor cursor, IdGenerator &locatorIds);
    // Null when unknown or expired; touching it keeps it open.
    Cursor *find(const QString &locator, qint64 nowMs);
    void clear() { m_cursors.clear(); }
    size_t size() const { return m_cursors.size(); }

private:
    std::map<QString, Cursor> m_cursors; // locator ids grow, so begin() is the oldest
};

} // namespace lb::sandbox
