#pragma once

#include <QObject>
#include <QTimer>

namespace lb::service {

// systemd's notify protocol through libsystemd (Debian libsystemd-dev). Every call is a no-op
// unless the process was started with NOTIFY_SOCKET (a Type=notify unit).
// "READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=...".
void notify(const QByteArray &state);

// Half the watchdog interval the service manager asked for (WATCHDOG_USEC), 0 when none.
qint64 watchdogPingIntervalMs();

// Sends WATCHDOG=1 at half the watchdog interval from the thread it lives on, so pings stop
// when that thread's event loop hangs (the engine's thread, for `leadbridge sync`). Inactive
// without WATCHDOG_USEC.
class WatchdogPinger : public QObject
{
    Q_OBJECT
public:
    explicit WatchdogPinger(QObject *parent = nullptr);
    bool isActive() const { return m_timer.isActive(); }

private:
    QTimer m_timer;
};

} // namespace lb::service
