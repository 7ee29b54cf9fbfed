#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace lb::bench {

// What one measured child process cost: CPU time from wait4(), peak RSS from the child's
// /proc status while it runs; both the child's own, not the bench's.
struct ChildRun
{
    bool started = false;
    int exitCode = -1; // -1: killed by a signal or not started
    double wallMs = 0; // spawn to exit
    double cpuSeconds = 0; // user + system
    double peakRssMb = 0; // the child's VmHWM, sampled every 20 ms
    QByteArray out; // standard output
    QByteArray err; // standard error (last 64 KiB)
    QString error; // why it did not start or was stopped

    bool ok() const { return started && exitCode == 0; }
};

// A process's peak resident memory (VmHWM) in MB; pid 0 = this process. The bench samples its
// children with it: wait4()'s ru_maxrss cannot be used, because the kernel carries the spawning
// process's peak over exec, so every child would report at least the bench's size.
double processPeakRssMb(qint64 pid = 0);

// Runs `program` with `args` while this thread's event loop keeps serving (the sandboxes the
// child talks to live on this thread). The child is killed after `timeoutMs`.
class ChildProcess
{
public:
    ChildProcess(QString program, QStringList args,
                 QProcessEnvironment env = QProcessEnvironment::systemEnvironment());

    // Starts the child and returns its pid (0 if it could not start); wait() finishes the run.
    qint64 start(const QString &scratchDir);
    ChildRun wait(int timeoutMs);
    // Sends SIGTERM to a child started with start().
    void terminate();

    ChildRun run(const QString &scratchDir, int timeoutMs);

private:
    QString m_program;
    QStringList m_args;
    QProcessEnvironment m_env;
    qint64 m_pid = 0;
    QString m_outPath;
    QString m_errPath;
    qint64 m_startNs = 0;
    std::unique_ptr<QTimer> m_sampler;
    double m_peakMb = 0;
    ChildRun m_run;
};

} // namespace lb::bench
