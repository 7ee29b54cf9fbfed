#include "ProcessLiveness.h"

#include <QCoreApplication>
#include <QFile>
#include <QSysInfo>

#include <optional>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <unistd.h>
#endif

namespace lb::fleet {
namespace {

#ifdef Q_OS_LINUX
// When `pid` started, in ms since the epoch (to the second: the boot time has no more), from
// /proc; nothing when it cannot be read.
std::optional<qint64> startedAtMs(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray line = stat.readAll();
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    constexpr int StartTime = 22 - 3; // field 22, counted from field 3 (the state)
    if (fields.size() <= StartTime)
        return std::nullopt;
    bool ok = false;
    const qint64 ticks = fields.at(StartTime).toLongLong(&ok);
    const long hz = sysconf(_SC_CLK_TCK);
    if (!ok || hz <= 0)
        return std::nullopt;
    QFile procStat(QStringLiteral("/proc/stat"));
    if (!procStat.open(QIODevice::ReadOnly))
        return std::nullopt;
    for (const QByteArray &l : procStat.readAll().split('\n'))
        if (l.startsWith("btime ")) {
            const qint64 bootS = l.mid(6).trimmed().toLongLong(&ok);
            if (!ok)
                return std::nullopt;
            return bootS * 1000 + ticks * 1000 / hz;
        }
    return std::nullopt;
}
#endif

} // namespace

Liveness livenessOnThisHost(const FleetProcess &process)
{
    if (process.host != QSysInfo::machineHostName() || process.pid <= 0)
        return Liveness::Unknown;
    if (process.pid == QCoreApplication::applicationPid())
        return Liveness::Alive;
#ifdef Q_OS_UNIX
    if (::kill(pid_t(process.pid), 0) != 0 && errno == ESRCH)
        return Liveness::Dead;
#ifdef Q_OS_LINUX
    // A pid is reused: the process now behind it must have started before the row's engine
    // did (two seconds of slack for the boot time's precision and the engine's own start-up).
    if (const auto started = startedAtMs(process.pid);
        started && *started > process.startedAt + 2000)
        return Liveness::Dead;
#endif
    return Liveness::Alive;
#else
    return Liveness::Unknown;
#endif
}

} // namespace lb::fleet
