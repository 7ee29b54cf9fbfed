#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>

namespace lb::bench {

// What one measured child process cost: the figures come from wait4(), so peak RSS and CPU
// time are the child's own, not the bench's.
struct ChildRun
{
    bool started = false;
    int exitCode = -1;      // -1: killed by a signal or not started
    double wallMs = 0;      // spawn to exit
    double cpuSeconds = 0;  // user + system
    double peakRssMb = 0;   // ru_maxrss
    QByteArray out;         // standard output
    QByteArray err;         // standard error (last 64 KiB)
    QString error;          // why it did not start or was stopped

    bool ok() const { return started && exitCode == 0; }
};

// Runs `program` with `args` while this thread's event loop keeps serving (the sandboxes the
// child talks to live on this thread). `whileRunning` is called every `tickMs` and may return
// false to stop the child with SIGTERM. The child is killed after `timeoutMs`.
class ChildProcess
{
public:
    ChildProcess(QString program, QStringList args,
                 QProcessEnvironment env = QProcessEnvironment::systemEnvironment());

    void setWorkingDirectory(const QString &dir) { m_workDir = dir; }
    // Called on this thread about every tickMs while the child runs.
    void setTick(int tickMs, std::function<bool()> whileRunning);
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
    QString m_workDir;
    int m_tickMs = 50;
    std::function<bool()> m_whileRunning;
    qint64 m_pid = 0;
    QString m_outPath;
    QString m_errPath;
    qint64 m_startNs = 0;
    ChildRun m_run;
};

} // namespace lb::bench
