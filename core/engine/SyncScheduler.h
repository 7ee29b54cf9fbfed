#pragma once

#include "config/Profile.h"

#include <QObject>
#include <QTimer>

namespace lb {

// When the engine's work falls due: the platform poll, delivery rounds, batches of stored
// webhook events, the reconcile, status reports and the /limits refresh. It only keeps time;
// the worker decides what each tick does.
class SyncScheduler : public QObject
{
    Q_OBJECT
public:
    explicit SyncScheduler(QObject *parent = nullptr);

    // The profile's intervals (poll, reconcile); the others are fixed.
    void configure(const Profile &profile);
    // Running: polls, the reconcile schedule and the limits refresh tick.
    void startRunning();
    // Paused by an admin: no polls and no rounds until started again.
    void stopPolling();
    // Everything but status reports (a reload or a stop).
    void stopWork();
    void startStatus() { m_status.start(); }
    void stopStatus() { m_status.stop(); }

    // A delivery round in `ms` (replacing one already planned).
    void roundIn(int ms) { m_round.start(ms); }
    // A batch of stored webhook events soon; events that arrive together share it.
    void inboundSoon();
    // Milliseconds to the next scheduled reconcile, -1 when none is.
    qint64 msToReconcile() const;

signals:
    void pollDue();
    void roundDue();
    void inboundDue();
    void reconcileDue();
    void statusDue();
    void limitsDue();

private:
    QTimer m_poll;
    QTimer m_round;
    QTimer m_inbound;
    QTimer m_reconcile;
    QTimer m_status;
    QTimer m_limits;
};

} // namespace lb
