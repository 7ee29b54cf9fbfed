#pragma once

#include "store/CommandStore.h"
#include "store/Database.h"
#include "util/Clock.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace lb {

class Store;

// Takes the operators' commands to a running fleet from the store (CommandStore) for one engine
// process, on the engine's thread and over its connection.
//
// When it looks: on PostgreSQL when a command is announced (LISTEN on command::Channel through
// the QPSQL driver's subscribeToNotification), with a poll every 10 s as a backstop for a missed
// notification (the LISTEN on a connection of its own); on SQLite, which cannot notify, by polling
// every second.
//
// What it takes: every unclaimed command but the reconcile, claimed atomically (one process
// wins); the reconcile only while `holdsReconcile` says this process holds the reconcile duty,
// so the reconcile asked for runs once in the fleet, where the scheduled ones run. A command
// claimed is handed on by `claimed` (well-formed) or finished here with the reason (malformed);
// either way the next is taken. A command claimed by a process that died before answering (no
// heartbeat within fleet::AliveWithinMs, or no row) is taken over at the next look by exactly one
// live process, under the same reconcile rule; the dead one's late answer is fenced off
// (CommandStore::finish). The fleet-wide pause flag is read at every look: `pauseChanged`
// reports it at the start and whenever it changes.
class CommandListener : public QObject
{
    Q_OBJECT
public:
    explicit CommandListener(QObject *parent = nullptr);
    ~CommandListener() override;

    // `store` must outlive stop(). `pollMs` overrides the interval (tests).
    void start(Store &store, const QString &worker, std::function<bool()> holdsReconcile,
               int pollMs = 0);
    void stop();
    bool running() const { return m_store != nullptr; }
    bool notified() const { return m_subscribed; } // PostgreSQL: listening

    // The claimer's answer to a command it carried out (as handed on by `claimed`).
    void finish(const lb::FleetCommand &command, bool ok, const QString &outcome);

public slots:
    // Looks for commands and the flag now.
    void look();

signals:
    void claimed(const lb::FleetCommand &command, const QJsonObject &arguments);
    void pauseChanged(bool paused);

private:
    // Claims `c` (taking it over when `orphan`) and hands it on; false when another process won.
    void take(CommandStore &commands, const FleetCommand &c, bool orphan, qint64 aliveSinceMs,
              std::optional<bool> &holds);

    Store *m_store = nullptr;
    std::unique_ptr<Database> m_listen; // PostgreSQL: the LISTEN connection
    QString m_worker;
    std::function<bool()> m_holdsReconcile;
    QTimer m_poll;
    bool m_subscribed = false;
    bool m_looking = false;
    std::optional<bool> m_paused; // the flag as last read
};

} // namespace lb
