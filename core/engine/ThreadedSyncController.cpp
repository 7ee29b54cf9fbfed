#include "ThreadedSyncController.h"

#include "log/Logging.h"

#include <QTimer>

namespace lb {

ThreadedSyncController::ThreadedSyncController(EngineSetup setup, QObject *parent)
    : SyncController(parent)
    , m_thread(QStringLiteral("lb-sync"))
    , m_worker(new SyncWorker(std::move(setup)))
{
    qRegisterMetaType<QList<lb::FleetProcess>>();
    m_thread.adopt(m_worker, WorkerThread::Start::Later);
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
    connect(m_worker, &SyncWorker::destinationTested, this, &SyncController::destinationTested);
    connect(m_worker, &SyncWorker::notify, this, &SyncController::notify);
    connect(m_worker, &SyncWorker::commandFailed, this, &SyncController::commandFailed);
    connect(m_worker, &SyncWorker::forgotten, this, &SyncController::forgotten);
    connect(m_worker, &SyncWorker::reconciled, this, &ThreadedSyncController::reconciled);
    connect(m_worker, &SyncWorker::onceFinished, this, &ThreadedSyncController::onceFinished);
    connect(m_worker, &SyncWorker::fleetRead, this, &SyncController::fleetRead);
    // The worker's round is done: end its thread. Its end (the worker deleted there) is
    // what `stopped` reports.
    connect(m_worker, &SyncWorker::stopped, this, [this] { m_thread.quit(); });
    connect(m_thread.thread(), &QThread::finished, this, [this] {
        m_worker = nullptr;
        emit stopped();
    });
}

ThreadedSyncController::~ThreadedSyncController()
{
    if (!m_launched) {
        delete m_worker;
        return;
    }
    if (m_thread.isRunning()) {
        // Not stopped through stop() and its `stopped` (tests, early exits): end the thread
        // here, which drops any round in flight; its jobs are claimed again after their lease.
        m_thread.quit();
        m_thread.thread()->wait();
    }
}

void ThreadedSyncController::launch()
{
    m_launched = true;
    m_thread.start();
    onWorker([w = m_worker] { w->initialize(); });
}

void ThreadedSyncController::stop()
{
    if (m_stopRequested)
        return;
    onWorker([w = m_worker] { w->shutdown(); });
    m_stopRequested = true;
    if (!m_thread.isRunning()) {
        QMetaObject::invokeMethod(this, &ThreadedSyncController::stopped, Qt::QueuedConnection);
        return;
    }
    QTimer::singleShot(60'000, this, [this] {
        if (m_thread.isRunning()) {
            qCWarning(lcSync) << "the sync engine did not finish its round within 60 s;"
                                 " ending its thread";
            m_thread.quit();
        }
    });
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

void ThreadedSyncController::forgetPerson(const QString &email)
{
    onWorker([w = m_worker, email] { w->forgetPerson(email); });
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

void ThreadedSyncController::saveDestination(const QJsonObject &destination)
{
    onWorker([w = m_worker, destination] { w->saveDestination(destination); });
}

void ThreadedSyncController::setDestinationEnabled(const QString &name, bool enabled)
{
    onWorker([w = m_worker, name, enabled] { w->setDestinationEnabled(name, enabled); });
}

void ThreadedSyncController::testDestination(const QString &name)
{
    onWorker([w = m_worker, name] { w->testDestination(name); });
}

void ThreadedSyncController::testConnection(const QString &system)
{
    onWorker([w = m_worker, system] { w->testConnection(system); });
}

void ThreadedSyncController::refreshFleet()
{
    onWorker([w = m_worker] { w->readFleet(); });
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
