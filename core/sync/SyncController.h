#pragma once

#include "SyncStatus.h"
#include "model/ApiLimits.h"
#include "store/ProcessStore.h"

#include <QJsonObject>
#include <QObject>

namespace lb {

// What the console (GUI thread) sees of the sync engine, which runs on its own thread. Every
// command returns at once and is carried out on the worker thread (queued invocation); every
// answer comes back as a queued signal carrying values, never pointers into the worker.
//
// Two implementations: ThreadedSyncController owns a QThread running this process's own
// SyncWorker; StoreAttachedController, for a console opened while an engine already runs on
// the profile's store, reads what the fleet reports in the store and sends commands through it.
// The views do not care which one they have. Tests may provide their own.
class SyncController : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual SyncStatus lastStatus() const = 0;
    // True when the engine runs in other processes (the console attached to a running fleet).
    virtual bool attached() const { return false; }

public slots:
    virtual void start() = 0; // begin syncing (polls, webhooks, deliveries)
    virtual void pause() = 0; // stop taking new work; in-flight batches finish
    virtual void resume() = 0;
    virtual void reconcileNow() = 0;
    virtual void setQueuePaused(bool paused) = 0; // deliveries only; intake continues
    virtual void retryInbox(const QList<qint64> &ids) = 0; // empty = every open item
    virtual void discardInbox(const QList<qint64> &ids, const QString &reason) = 0;
    virtual void cancelJob(qint64 outboxId) = 0;
    // Reads one lead live from both systems (for the record detail's side-by-side view).
    virtual void fetchLive(const QString &platformLeadId) = 0;
    // Performs a real token request and API call with the stored credentials.
    virtual void testConnection(const QString &system) = 0;
    // Reads the fleet's processes (those sharing the store); `fleetRead` answers.
    virtual void refreshFleet() { }
    // Erasure (issue 19): forgets everyone with this email address in the store, leaving a
    // tombstone; answered by forgotten().
    virtual void forgetPerson(const QString &email) = 0;
    // Destinations (hub and spoke). Not every controller has them: the default refuses.
    virtual void saveDestination(const QJsonObject &destination)
    {
        Q_UNUSED(destination);
        emit commandFailed(QStringLiteral("saveDestination"),
                           QStringLiteral("Destinations are not available here."));
    }
    virtual void setDestinationEnabled(const QString &name, bool enabled)
    {
        Q_UNUSED(enabled);
        emit destinationTested(name, false, QStringLiteral("Destinations are not available here."));
    }
    virtual void testDestination(const QString &name)
    {
        emit destinationTested(name, false, QStringLiteral("Destinations are not available here."));
    }

signals:
    void statusChanged(const lb::SyncStatus &status);
    void limitsObserved(const lb::ApiLimits &limits);
    void inboxChanged(); // items added, retried or discarded
    void queueChanged(); // jobs enqueued, delivered or cancelled
    void liveFetched(const QString &platformLeadId, const QJsonObject &salesforce,
                     const QJsonObject &platform, const QString &error);
    void connectionTested(const QString &system, bool ok, const QString &message);
    // What an erasure removed (counts and the address's hash, never the address), or why not.
    void forgotten(bool ok, const QString &message);
    void destinationTested(const QString &name, bool ok, const QString &message);
    // Something an admin should notice (tray): "breaker_open", "inbox_growing", "limits_pause".
    void notify(const QString &kind, const QString &title, const QString &message);
    void commandFailed(const QString &command, const QString &message);
    // The processes sharing the store and the duties each holds; `error` when unreadable.
    void fleetRead(const QList<lb::FleetProcess> &processes, const QString &error);
};

} // namespace lb
