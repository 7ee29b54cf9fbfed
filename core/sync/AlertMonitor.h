#pragma once

#include "AlertBook.h"
#include "store/Store.h"

#include <QObject>

namespace lb {

// Watches what the engine reports and opens or resolves incidents in its AlertBook, enqueuing
// their alert jobs (each receiver's own lane, like a destination). Inputs arrive as they
// happen (a breaker's change) or as periodic readings (the inbox size, API usage, the stream).
class AlertMonitor : public QObject
{
    Q_OBJECT
public:
    struct Thresholds
    {
        qint64 inboxAbove = 100;
        qint64 streamDownMs = 10 * 60'000;
        // A fleet process silent this long, without a clean stop, is gone (heartbeats come
        // every few seconds; `leadbridge status` lists a process alive for 30 s after one).
        qint64 processGoneMs = 60'000;
    };

    // Takes over the incidents still open in the store (an earlier run's, or another process's
    // of the fleet): their resolves go out with their own dedup keys, and they do not trigger
    // again.
    AlertMonitor(Store &store, AlertBook book, Thresholds thresholds, const Clock &clock,
                 QObject *parent = nullptr);

    // A breaker's new state ("open", "half-open", "closed"): open raises, closed resolves.
    void breakerChanged(const QString &name, const QString &state);
    void inboxOpen(qint64 openItems);
    void apiUsage(const QString &system, double share, double pauseAt);
    // The change stream's state and since when it has not been connected (0 = connected).
    void streamDisconnectedSince(qint64 sinceMs);
    // The fleet's processes whose heartbeat stopped (worker ids); the others are fine.
    void processesGone(const QStringList &workerIds);
    // Reads the fleet's heartbeats (the processes table) and feeds processesGone() with the
    // processes silent longer than `processGoneMs`, except `selfWorkerId`. A process that
    // stopped cleanly removed its row and is not gone; one that comes back resolves.
    void checkFleet(const QString &selfWorkerId);

    // Takes the open incidents from the store again: one another process of the fleet
    // triggered (this one resolves it when its condition is gone here too) or resolved.
    void refresh();

    const AlertBook &book() const { return m_book; }
    qint64 enqueueFailures() const { return m_enqueueFailures; }

private:
    void set(bool active, const AlertCondition &condition);
    // The incident row and the alert jobs in one transaction. False: another run or process
    // already did it (nothing written).
    Result<bool> record(bool trigger, const AlertBook::Incident &incident,
                        const QList<NewJob> &jobs);

    Store &m_store;
    AlertBook m_book;
    Thresholds m_thresholds;
    const Clock &m_clock;
    qint64 m_enqueueFailures = 0;
};

} // namespace lb
