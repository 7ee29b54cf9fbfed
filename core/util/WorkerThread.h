#pragma once

#include <QObject>
#include <QThread>

namespace lb {

// One thread for background work (the sync engine, a view's export or import), the
// qBittorrent way: the worker object is moved to the thread and deleted there when the thread
// finishes; destroying this ends the thread (quit, then wait for the work in hand to return).
class WorkerThread : public QObject
{
    Q_OBJECT
public:
    enum class Start { Now, Later };

    explicit WorkerThread(const QString &name, QObject *parent = nullptr);
    ~WorkerThread() override;

    // Moves `worker` to the thread (starting it, unless `Later`); the thread deletes it at the
    // end.
    void adopt(QObject *worker, Start start = Start::Now);
    void start() { m_thread.start(); }
    void quit() { m_thread.quit(); }
    bool isRunning() const { return m_thread.isRunning(); }
    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
};

} // namespace lb
