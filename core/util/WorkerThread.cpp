#include "WorkerThread.h"

namespace lb {

WorkerThread::WorkerThread(const QString &name, QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(name);
}

WorkerThread::~WorkerThread()
{
    m_thread.quit();
    m_thread.wait();
}

void WorkerThread::adopt(QObject *worker, Start start)
{
    worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    if (start == Start::Now && !m_thread.isRunning())
        m_thread.start();
}

} // namespace lb
