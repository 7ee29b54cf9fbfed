#include "ChildProcess.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char **environ;

namespace lb::bench {
namespace {

qint64 monotonicNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

QByteArray readTail(const QString &path, qint64 keep)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    if (keep > 0 && f.size() > keep)
        f.seek(f.size() - keep);
    return f.readAll();
}

} // namespace

double processPeakRssMb(qint64 pid)
{
    QFile status(pid > 0 ? QStringLiteral("/proc/%1/status").arg(pid)
                         : QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

ChildProcess::ChildProcess(QString program, QStringList args, QProcessEnvironment env)
    : m_program(std::move(program))
    , m_args(std::move(args))
    , m_env(std::move(env))
{ }

qint64 ChildProcess::start(const QString &scratchDir)
{
    m_run = {};
    static std::atomic<int> serial {0};
    const int n = ++serial;
    m_outPath = QStringLiteral("%1/child-%2.out").arg(scratchDir).arg(n);
    m_errPath = QStringLiteral("%1/child-%2.err").arg(scratchDir).arg(n);

    // argv and envp as C strings that live until posix_spawn has copied them.
    // LB_BENCH_WRAPPER ("perf record -g", "heaptrack") runs the measured programs under a
    // profiler.
    std::vector<QByteArray> argStore;
    for (const QString &w :
         qEnvironmentVariable("LB_BENCH_WRAPPER").split(u' ', Qt::SkipEmptyParts))
        argStore.push_back(w.toLocal8Bit());
    argStore.push_back(m_program.toLocal8Bit());
    for (const QString &a : m_args)
        argStore.push_back(a.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &a : argStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<QByteArray> envStore;
    for (const QString &kv : m_env.toStringList())
        envStore.push_back(kv.toLocal8Bit());
    std::vector<char *> envp;
    for (QByteArray &e : envStore)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    const QByteArray out = m_outPath.toLocal8Bit();
    const QByteArray err = m_errPath.toLocal8Bit();
    posix_spawn_file_actions_addopen(&actions, 1, out.constData(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.constData(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    pid_t pid = 0;
    m_startNs = monotonicNs();
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        m_run.error = QStringLiteral("cannot start %1: %2")
                          .arg(m_program, QString::fromLocal8Bit(std::strerror(rc)));
        m_pid = 0;
        return 0;
    }
    m_run.started = true;
    m_pid = pid;
    // The peak memory is sampled from the start, also while the caller runs its own loop.
    m_peakMb = 0;
    m_sampler = std::make_unique<QTimer>();
    m_sampler->setInterval(20);
    QObject::connect(m_sampler.get(), &QTimer::timeout, m_sampler.get(),
                     [this] { m_peakMb = std::max(m_peakMb, processPeakRssMb(m_pid)); });
    m_sampler->start();
    return pid;
}

void ChildProcess::terminate()
{
    if (m_pid > 0)
        ::kill(pid_t(m_pid), SIGTERM);
}

ChildRun ChildProcess::wait(int timeoutMs)
{
    if (m_pid <= 0)
        return m_run;
    // wait4 blocks, so it runs on its own thread; this thread keeps its event loop (and with it
    // the sandboxes) going until the child is gone.
    std::atomic<bool> done {false};
    std::atomic<qint64> endNs {0};
    int status = 0;
    rusage usage {};
    QEventLoop loop;
    std::thread waiter([&] {
        while (::wait4(pid_t(m_pid), &status, 0, &usage) < 0 && errno == EINTR) { }
        endNs = monotonicNs();
        done = true;
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    // The waiter ends the loop when the child exits; a child that outlives the timeout is killed.
    QTimer::singleShot(timeoutMs, &loop, [&] {
        if (!done) {
            m_run.error = QStringLiteral("stopped after %1 s").arg(timeoutMs / 1000);
            ::kill(pid_t(m_pid), SIGKILL);
        }
    });
    loop.exec();
    waiter.join();
    m_run.wallMs = double(endNs.load() - m_startNs) / 1e6;
    m_run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    m_run.cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    m_sampler.reset();
    m_run.peakRssMb = m_peakMb;
    m_run.out = readTail(m_outPath, 0);
    m_run.err = readTail(m_errPath, 64 * 1024);
    QFile::remove(m_outPath);
    QFile::remove(m_errPath);
    m_pid = 0;
    return m_run;
}

ChildRun ChildProcess::run(const QString &scratchDir, int timeoutMs)
{
    if (start(scratchDir) == 0)
        return m_run;
    return wait(timeoutMs);
}

} // namespace lb::bench
