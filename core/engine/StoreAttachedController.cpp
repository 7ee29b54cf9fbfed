#include "StoreAttachedController.h"

#include "store/CommandStore.h"

#include <QJsonArray>

namespace lb {
namespace {

QString notAttachedHere()
{
    return QStringLiteral("The console is attached to a fleet that runs elsewhere; this is done "
                          "by the fleet's own processes (leadbridge on their host).");
}

} // namespace

StoreAttachedController::StoreAttachedController(const StoreConfig &store, const Clock &clock,
                                                 const QString &issuer, QObject *parent)
    : SyncController(parent)
    , m_thread(QStringLiteral("lb-attached"))
    , m_worker(new StoreAttachedWorker(store, clock, issuer))
{
    qRegisterMetaType<lb::SyncStatus>();
    qRegisterMetaType<lb::ApiLimits>();
    qRegisterMetaType<QList<lb::FleetProcess>>();
    m_thread.adopt(m_worker, WorkerThread::Start::Later);
    connect(m_worker, &StoreAttachedWorker::opened, this, &StoreAttachedController::opened);
    connect(m_worker, &StoreAttachedWorker::statusRead, this, [this](const SyncStatus &s) {
        m_last = s;
        emit statusChanged(s);
    });
    connect(m_worker, &StoreAttachedWorker::limitsObserved, this, &SyncController::limitsObserved);
    connect(m_worker, &StoreAttachedWorker::inboxChanged, this, &SyncController::inboxChanged);
    connect(m_worker, &StoreAttachedWorker::queueChanged, this, &SyncController::queueChanged);
    connect(m_worker, &StoreAttachedWorker::fleetRead, this, &SyncController::fleetRead);
    connect(m_worker, &StoreAttachedWorker::commandFailed, this, &SyncController::commandFailed);
    connect(m_worker, &StoreAttachedWorker::forgotten, this, &SyncController::forgotten);
    connect(m_worker, &StoreAttachedWorker::commandDone, this,
            &StoreAttachedController::commandDone);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &StoreAttachedWorker::open, Qt::QueuedConnection);
}

// The WorkerThread ends the thread (the worker and its connection go with it); nothing here
// waits on the network, so this does not block for long.
StoreAttachedController::~StoreAttachedController() = default;

void StoreAttachedController::issue(const QString &kind, const QJsonObject &arguments)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, kind, arguments] { w->issue(kind, arguments); },
        Qt::QueuedConnection);
}

void StoreAttachedController::start() { }

void StoreAttachedController::pause()
{
    issue(command::Pause);
}

void StoreAttachedController::resume()
{
    issue(command::Resume);
}

void StoreAttachedController::reconcileNow()
{
    issue(command::Reconcile);
}

void StoreAttachedController::setQueuePaused(bool)
{
    emit commandFailed(QStringLiteral("queue"),
                       QStringLiteral("Deliveries alone cannot be paused from an attached "
                                      "console; pause the fleet instead."));
}

static QJsonArray idArray(const QList<qint64> &ids)
{
    QJsonArray out;
    for (qint64 id : ids)
        out.append(id);
    return out;
}

void StoreAttachedController::retryInbox(const QList<qint64> &ids)
{
    issue(command::InboxRetry,
          ids.isEmpty() ? QJsonObject() : QJsonObject {{QStringLiteral("ids"), idArray(ids)}});
}

void StoreAttachedController::discardInbox(const QList<qint64> &ids, const QString &reason)
{
    issue(command::InboxDiscard,
          {{QStringLiteral("ids"), idArray(ids)}, {QStringLiteral("reason"), reason}});
}

void StoreAttachedController::cancelJob(qint64 outboxId)
{
    issue(command::JobCancel, {{QStringLiteral("id"), outboxId}});
}

void StoreAttachedController::fetchLive(const QString &platformLeadId)
{
    emit liveFetched(platformLeadId, {}, {}, notAttachedHere());
}

void StoreAttachedController::testConnection(const QString &system)
{
    emit connectionTested(system, false, notAttachedHere());
}

void StoreAttachedController::refreshFleet()
{
    QMetaObject::invokeMethod(m_worker, &StoreAttachedWorker::readFleet, Qt::QueuedConnection);
}

void StoreAttachedController::forgetPerson(const QString &email)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, email] { w->forget(email); }, Qt::QueuedConnection);
}

} // namespace lb
