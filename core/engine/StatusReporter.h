#pragma once

#include "sync/SyncStatus.h"
#include "util/Clock.h"

#include <QObject>

#include <deque>

namespace lb {

class Store;
struct EngineParts;

// Keeps what the engine did (deliveries, polls) and turns it, with the engine's parts and the
// queue, into the SyncStatus the console shows and `leadbridge status` reads from the store. It
// raises the tray's notifications on transitions (a breaker opening, a growing inbox).
class StatusReporter : public QObject
{
    Q_OBJECT
public:
    // What only the worker knows: its state and the admin's switches.
    struct Control
    {
        SyncStatus::State state = SyncStatus::State::Stopped;
        QString detail;
        bool queuePaused = false;
        qint64 msToReconcile = -1;
    };

    explicit StatusReporter(const Clock &clock, QObject *parent = nullptr);

    void noteRound(int toSalesforce, int toPlatform);
    void notePlatformPoll() { m_lastPollPlatform = m_clock.nowMs(); }
    void noteSalesforcePoll();
    void noteSalesforcePollStarted();
    // The stream asked for a catch-up poll; the next Salesforce poll started after it ends it.
    void noteCatchUp(const QString &why);
    // A catch-up that needed no poll (the stream replayed what it missed) is over.
    void noteCaughtUp() { m_caughtUpAt = m_clock.nowMs(); }
    qint64 delivered() const { return m_delivered; }
    void setInboxBaseline(qint64 open) { m_lastInboxCount = open; }

    // `parts` and `store` may be null (no engine, or not built yet).
    SyncStatus compose(const Control &control, const EngineParts *parts, Store *store) const;
    // Emits statusChanged (and notifications); with `persist`, stores it for other processes.
    void publish(const SyncStatus &status, Store &store, bool persist);

signals:
    void statusChanged(const lb::SyncStatus &status);
    void notify(const QString &kind, const QString &title, const QString &message);

private:
    const Clock &m_clock;
    qint64 m_delivered = 0;
    qint64 m_lastToSalesforce = 0;
    qint64 m_lastToPlatform = 0;
    qint64 m_lastPollPlatform = 0;
    qint64 m_lastPollSalesforce = 0;
    qint64 m_salesforcePolls = 0;
    qint64 m_salesforcePollStartedAt = 0;
    QString m_catchUpWhy;
    qint64 m_catchUpAt = 0;
    qint64 m_caughtUpAt = 0;
    qint64 m_lastInboxCount = 0;
    QString m_lastBreakerStates;
    mutable std::deque<std::pair<qint64, int>> m_recent; // (ms, records) in the last minute
};

} // namespace lb
