#include "ThreadedSyncController.h"

#include <QEventLoop>

namespace lb {

ThreadedSyncController::ThreadedSyncController(EngineSetup setup, QObject *parent)
    : SyncController(parent)
    , m_worker(new SyncWorker(std::move(setup)))
{
    m_thread.setObjectName(QStringLiteral("lb-sync"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &SyncWorker::initialized, this, &ThreadedSyncController::initialized);
    connect(m_worker, &SyncWorker::statusChanged, this, [this](const SyncStatus &s) {
        m_last = s;
        emit statusChanged(s);
    });
    connect(m_worker, &SyncWorker::limitsObserved, this, &SyncController::limitsObserved);
    connect(m_worker, &SyncWorker::inboxChanged, this, &SyncController::inboxChanged);
    connect(m_worker, &SyncWorker::queueChanged, this, &SyncController::queueChanged);
    connect(m_worker, &SyncWorker::liveFetched, this, &SyncController::liveFetched);
    connect(m_worker, &SyncWorker::connectionTested, this, &SyncController::connectionTested);
    connect(m_worker, &SyncWorker::notify, this, &SyncController::notify);
    connect(m_worker, &SyncWorker::commandFailed, this, &SyncController::commandFailed);
    connect(m_worker, &SyncWorker::reconciled, this, &ThreadedSyncController::reconciled);
    connect(m_worker, &SyncWorker::onceFinished, this, &ThreadedSyncController::onceFinished);
    connect(m_worker, &SyncWorker::stopped, this, [this] {
        m_workerStopped = true;
        emit stopped();
    });
}

ThreadedSyncController::~ThreadedSyncController()
{
    stop();
}

void ThreadedSyncController::launch()
{
    m_thread.start();
    onWorker([w = m_worker] { w->initialize(); });
}

void ThreadedSyncController::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    if (m_thread.isRunning()) {
        if (!m_workerStopped) {
            // Let the worker finish its delivery round, then end the thread. A local event loop
            // here only runs on shutdown paths (quit, SIGTERM), never while the console is in
            // use (switching profiles waits for requestStop's `stopped` instead).
            QEventLoop loop;
            connect(m_worker, &SyncWorker::stopped, &loop, &QEventLoop::quit, Qt::QueuedConnection);
            if (!m_stopRequested)
                onWorker([w = m_worker] { w->shutdown(); });
            QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        m_thread.quit();
        m_thread.wait();
    } else {
        delete m_worker;
    }
    m_worker = nullptr;
}

void ThreadedSyncController::requestStop()
{
    if (m_stopped || m_stopRequested || !m_thread.isRunning())
        return;
    m_stopRequested = true;
    onWorker([w = m_worker] { w->shutdown(); });
}

void ThreadedSyncController::start()
{
    onWorker([w = m_worker] { w->start(); });
}

void ThreadedSyncController::pause()
{
    onWorker([w = m_worker] { w->pause(); });
}

void ThreadedSyncController::resume()
{
    onWorker([w = m_worker] { w->resume(); });
}

void ThreadedSyncController::reconcileNow()
{
    onWorker([w = m_worker] { w->reconcileNow(QStringLiteral("manual")); });
}

void ThreadedSyncController::setQueuePaused(bool paused)
{
    onWorker([w = m_worker, paused] { w->setQueuePaused(paused); });
}

void ThreadedSyncController::retryInbox(const QList<qint64> &ids)
{
    onWorker([w = m_worker, ids] { w->retryInbox(ids); });
}

void ThreadedSyncController::discardInbox(const QList<qint64> &ids, const QString &reason)
{
    onWorker([w = m_worker, ids, reason] { w->discardInbox(ids, reason); });
}

void ThreadedSyncController::cancelJob(qint64 outboxId)
{
    onWorker([w = m_worker, outboxId] { w->cancelJob(outboxId); });
}

void ThreadedSyncController::fetchLive(const QString &platformLeadId)
{
    onWorker([w = m_worker, platformLeadId] { w->fetchLive(platformLeadId); });
}

void ThreadedSyncController::testConnection(const QString &system)
{
    onWorker([w = m_worker, system] { w->testConnection(system); });
}

void ThreadedSyncController::reload(const Profile &profile, const FieldMapping &mapping)
{
    onWorker([w = m_worker, profile, mapping] { w->reload(profile, mapping); });
}

void ThreadedSyncController::runOnce()
{
    onWorker([w = m_worker] { w->runOnce(); });
}

} // namespace lb
