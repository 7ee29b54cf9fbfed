#pragma once

#include "sync/DeliveryBatch.h"

#include <QList>
#include <QObject>

#include <functional>

namespace lb {

// Runs the delivery rounds of several targets side by side, up to `maxInFlight` rounds of each
// target at once: while one round's request is on its way, the next is claimed, planned and
// sent. A target keeps starting rounds while its rounds claim work; a pass ends once no round
// of any target is in flight and the last round of each claimed nothing (or was blocked).
//
// Per-record order is the outbox's to keep: a job whose record has a job claimed for the same
// target is not claimed (OutboxStore::claim), so two writes of one record are never in flight
// at once, and a later write is only claimed once the earlier one's outcome is recorded.
class DeliveryPipeline : public QObject
{
    Q_OBJECT
public:
    // One round of one target (Dispatcher::deliverSalesforce, deliverPlatform).
    using Deliver = std::function<void(std::function<void(DeliveryRound)>)>;
    // Each target's rounds of the pass, summed (in the order the targets were given).
    using Done = std::function<void(const QList<DeliveryRound> &)>;

    explicit DeliveryPipeline(QObject *parent = nullptr);

    // Starts a pass. Not while one runs (running()).
    void run(QList<Deliver> targets, int maxInFlight, Done done);
    bool running() const { return m_running; }
    // No new rounds; the pass ends (and `done` is called) when the rounds in flight have.
    void drain() { m_draining = true; }

private:
    struct Lane
    {
        Deliver deliver;
        int inFlight = 0;
        bool more = true; // the last round claimed work and was not blocked
        DeliveryRound sum;
    };

    void finished(int lane, const DeliveryRound &round);
    // Starts rounds where a lane has room and work; ends the pass when nothing is left.
    void settle();

    QList<Lane> m_lanes;
    int m_maxInFlight = 1;
    Done m_done;
    bool m_running = false;
    bool m_draining = false;
    bool m_settling = false;
    bool m_settleQueued = false;
};

} // namespace lb
