#include "UpdatedAtIndex.h"

namespace lb::sandbox {

UpdatedAtIndex::Page UpdatedAtIndex::page(const std::optional<Key> &after, qint64 since,
                                          int limit) const
{
    auto it = m_keys.lower_bound(Key(since, QString()));
    if (after) {
        const auto next = m_keys.upper_bound(*after);
        // Start at whichever of the two bounds comes later.
        if (next == m_keys.end() || (it != m_keys.end() && *it < *next))
            it = next;
    }
    Page page;
    page.ids.reserve(limit);
    for (; it != m_keys.end() && page.ids.size() < limit; ++it)
        page.ids.append(it->second);
    if (it != m_keys.end() && !page.ids.isEmpty())
        page.last = *std::prev(it);
    return page;
}

} // namespace lb::sandbox
