#pragma once

#include "Database.h"
#include "util/Clock.h"

#include <optional>

namespace lb {

// Named positions of incremental reads (e.g. "salesforce.lead" -> "<SystemModstamp>|<Id>").
class WatermarkStore
{
public:
    WatermarkStore(Database &db, const Clock &clock);

    Result<std::optional<QString>> get(const QString &name);
    // Call inside the transaction that stores what was read up to the new position.
    Result<void> set(const QString &name, const QString &value);

private:
    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
