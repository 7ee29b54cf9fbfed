#pragma once

#include <QList>
#include <QString>

#include <optional>
#include <set>
#include <utility>

namespace lb::sandbox {

// Record ids ordered by (updated_at, id): the order the platform pages in. Paging is a
// lower_bound plus `limit` steps, so a page costs O(log n + limit) whatever the table size.
class UpdatedAtIndex
{
public:
    using Key = std::pair<qint64, QString>;

    struct Page
    {
        QList<QString> ids;
        std::optional<Key> last; // set when more records follow this page
    };

    void insert(qint64 updatedAt, const QString &id) { m_keys.emplace(updatedAt, id); }
    void erase(qint64 updatedAt, const QString &id) { m_keys.erase(Key(updatedAt, id)); }
    qsizetype size() const { return qsizetype(m_keys.size()); }

    // Records after `after` (exclusive) with updated_at >= `since`, at most `limit`.
    Page page(const std::optional<Key> &after, qint64 since, int limit) const;

private:
    std::set<Key> m_keys;
};

} // namespace lb::sandbox
