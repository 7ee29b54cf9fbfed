#pragma once

#include "store/ProcessStore.h"
#include "util/Clock.h"

#include <deque>
#include <utility>

namespace lb {

class Store;

// This engine's row in the fleet's `processes` table: who it is, which duties it holds and how
// much it delivered in the last minute, written every few seconds while it runs.
class Heartbeat
{
public:
    Heartbeat(const Clock &clock, const QString &workerId, const QString &role);

    void noteDelivered(qint64 records);
    // Writes the row now (and forgets processes silent for a day).
    Result<void> beat(Store &store, const QStringList &duties);
    // A clean stop: the row goes.
    Result<void> leave(Store &store);

private:
    qint64 deliveredLastMinute();

    const Clock &m_clock;
    FleetProcess m_self;
    std::deque<std::pair<qint64, qint64>> m_deliveries; // (when, records), the last minute
};

} // namespace lb
