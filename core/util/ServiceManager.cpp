#include "ServiceManager.h"

#include "log/Logging.h"

#include <systemd/sd-daemon.h>

namespace lb::service {

void notify(const QByteArray &state)
{
    // 0: no NOTIFY_SOCKET (not run by systemd); the environment stays set for later calls.
    if (const int r = sd_notify(0, state.constData()); r < 0)
        qCWarning(lcSync) << "could not notify the service manager" << state << ":" << r;
}

qint64 watchdogPingIntervalMs()
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return 0;
    return std::max<qint64>(1, qint64(usec / 2000));
}

WatchdogPinger::WatchdogPinger(QObject *parent)
    : QObject(parent)
    , m_timer(this)
{
    const qint64 every = watchdogPingIntervalMs();
    if (every <= 0)
        return;
    m_timer.setInterval(int(std::min<qint64>(every, 24 * 3600'000)));
    connect(&m_timer, &QTimer::timeout, this, [] { notify(QByteArrayLiteral("WATCHDOG=1")); });
    m_timer.start();
    notify(QByteArrayLiteral("WATCHDOG=1"));
    qCInfo(lcSync) << "watchdog pings every" << every << "ms";
}

} // namespace lb::service
