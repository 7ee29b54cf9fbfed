#pragma once

#include <QObject>
#include <QThread>

namespace lb::ui {

// One thread for a view's background work (exports, imports), the qBittorrent way: the worker
// object is moved to the thread and deleted there when the thread finishes; destroying this
// stops the thread (quit, then wait for the work in hand to return).
class WorkerThread : public QObject
{
    Q_OBJECT
public:
    explicit WorkerThread(const QString &name, QObject *parent = nullptr);
    ~WorkerThread() override;

    // Moves `worker` to the thread (starting it if needed); the thread deletes it at the end.
    void adopt(QObject *worker);
    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
};

} // namespace lb::ui
