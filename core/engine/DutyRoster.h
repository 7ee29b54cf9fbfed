#pragma once

#include "util/Clock.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace lb {

class Store;

// Which of the fleet's singleton duties (store/Duties.h: platform poll, backstop Salesforce
// poll, reconcile, limits refresh) this process holds. The one gate: the worker asks mayRun()
// before it starts a duty's work. While running it takes every duty that is free and renews
// those it holds every third of the lease, so a dead holder's duties move to another process
// within the lease time; the store's writes under a duty are fenced from then on (LeaseStore).
// The stream's consumer takes its own lease through the same store (SalesforceStream).
// Inactive (`sync --once`, one-off commands) every duty may run, as with a single process.
class DutyRoster : public QObject
{
    Q_OBJECT
public:
    explicit DutyRoster(const Clock &clock, QObject *parent = nullptr);

    // Starts holding duties as `holder` in `store` (which must outlive stop()).
    void start(Store &store, const QString &holder, qint64 leaseMs);
    // Gives every duty held up, so others need not wait for the leases to run out.
    void stop();
    bool active() const { return m_store != nullptr; }

    // Whether this process may run `duty` now: it holds the lease (renewed here if it runs out
    // soon) or the roster is inactive.
    bool mayRun(const QString &duty);
    // The duties this process holds, the stream's consumer included.
    QStringList held() const;
    // Who holds `duty` now (empty when nobody does or it cannot be read).
    QString holderOf(const QString &duty) const;

signals:
    void heldChanged(const QStringList &held);

private:
    bool acquire(const QString &duty);
    void renewAll();

    const Clock &m_clock;
    Store *m_store = nullptr;
    QString m_holder;
    qint64 m_leaseMs = 30'000;
    QTimer m_renew;
    QHash<QString, qint64> m_until; // held duty -> when its lease runs out (as taken here)
};

} // namespace lb
