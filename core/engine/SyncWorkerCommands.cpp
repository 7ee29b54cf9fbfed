// The admin's commands (reconcile now, inbox retry and discard, job cancel) and the live reads
// the console asks for (a lead on both sides, a connection test) (SyncWorker.h). Commands come
// in process (the console's own engine, a CLI command's) or from the store (runStoredCommand,
// claimed by the CommandListener); both carry them out the same way.
#include "SyncWorker.h"
#include "log/Logging.h"
#include "store/Duties.h"
#include "store/PersonEraser.h"

#include <memory>

namespace lb {

void SyncWorker::reconcileNow(const QString &trigger)
{
    reconcile(trigger, [this](const ReconcileReport &report, const QString &error) {
        emit reconciled(report, error);
    });
}

void SyncWorker::reconcile(const QString &trigger, ReconcileDone done)
{
    if (!m_parts) {
        done({}, notRunning());
        return;
    }
    if (!m_duties.mayRun(duty::Reconcile)) {
        // In a fleet the reconcile runs in one process at a time: its duty's holder.
        const QString why
            = QStringLiteral("Another process of the fleet (%1) holds the reconcile; it "
                             "reconciles there.")
                  .arg(m_duties.holderOf(duty::Reconcile));
        done({}, why);
        if (trigger != QLatin1String("schedule"))
            emit commandFailed(QStringLiteral("reconcile"), why);
        return;
    }
    // The reconcile reads every lead on both sides: it waits while either budget says pause.
    for (ApiBudget *budget : {m_parts->salesforceBudget.get(), m_parts->platformBudget.get()}) {
        const ApiBudget::State state = budget->state();
        if (state.paused || state.blocked) {
            const QString why
                = QStringLiteral("The reconcile waits for API budget (%1); it runs when usage "
                                 "falls, at the latest at the next scheduled reconcile.")
                      .arg(state.reason);
            qCInfo(lcSync).noquote() << why;
            done({}, why);
            if (trigger != QLatin1String("schedule"))
                emit commandFailed(QStringLiteral("reconcile"), why);
            return;
        }
    }
    m_parts->reconciler->run(trigger, [this, done = std::move(done)](Result<ReconcileReport> r) {
        if (!r) {
            done({}, r.error().message);
            emit commandFailed(QStringLiteral("reconcile"), r.error().message);
            return;
        }
        done(*r, QString());
        if (r->enqueued > 0)
            emit queueChanged();
        kick();
        if (m_once)
            onceStep();
    });
}

Result<int> SyncWorker::applyRetry(const QList<qint64> &ids, const QString &actor)
{
    auto r = ids.isEmpty() ? m_store->inbox().retryAll(actor) : m_store->inbox().retry(ids, actor);
    if (!r)
        return r;
    emit inboxChanged();
    emit queueChanged();
    kick();
    return r;
}

void SyncWorker::retryInbox(const QList<qint64> &ids)
{
    if (auto r = applyRetry(ids, QStringLiteral("console")); !r)
        emit commandFailed(QStringLiteral("retry"), r.error().message);
}

Result<int> SyncWorker::applyDiscard(const QList<qint64> &ids, const QString &reason,
                                     const QString &actor)
{
    auto r = m_store->inbox().discard(ids, reason, actor);
    if (r)
        emit inboxChanged();
    return r;
}

void SyncWorker::forgetPerson(const QString &email)
{
    if (!m_store) {
        emit forgotten(false, QStringLiteral("The engine has no store open."));
        return;
    }
    auto r = PersonEraser(m_store->database(), m_clock).forget(email, QStringLiteral("console"));
    if (!r) {
        emit forgotten(false, r.error().message);
        return;
    }
    emit forgotten(true, r->summary());
    emit inboxChanged();
    emit queueChanged();
}

void SyncWorker::discardInbox(const QList<qint64> &ids, const QString &reason)
{
    if (auto r = applyDiscard(ids, reason, QStringLiteral("console")); !r)
        emit commandFailed(QStringLiteral("discard"), r.error().message);
}

Result<void> SyncWorker::applyCancel(qint64 outboxId, const QString &actor)
{
    auto r = m_store->outbox().cancel(outboxId, actor);
    if (!r)
        return r.error();
    emit queueChanged();
    if (*r == 0)
        return makeError(
            QStringLiteral("cancel"),
            QStringLiteral("Job %1 is already being delivered or finished.").arg(outboxId));
    return {};
}

void SyncWorker::cancelJob(qint64 outboxId)
{
    if (auto r = applyCancel(outboxId, QStringLiteral("console")); !r)
        emit commandFailed(QStringLiteral("cancel"), r.error().message);
}

void SyncWorker::fetchLive(const QString &platformLeadId)
{
    if (!m_parts) {
        emit liveFetched(platformLeadId, {}, {}, notRunning());
        return;
    }
    struct Pending
    {
        QJsonObject salesforce;
        QJsonObject platform;
        QStringList errors;
        int outstanding = 2;
    };
    auto pending = std::make_shared<Pending>();
    auto finish = [this, pending, platformLeadId] {
        if (--pending->outstanding == 0)
            emit liveFetched(platformLeadId, pending->salesforce, pending->platform,
                             pending->errors.join(QStringLiteral("; ")));
    };
    const ObjectMapping &m = m_setup.mapping.lead;
    m_parts->ports.salesforce->get(
        m.salesforceObject, m.salesforceKey, platformLeadId, m.salesforceFields(), this,
        [pending, finish](Result<QJsonObject> r) {
            if (r)
                pending->salesforce = *r;
            else
                pending->errors.append(QStringLiteral("Salesforce: ") + r.error().message);
            finish();
        });
    m_parts->ports.platform->getLead(
        platformLeadId, this, [pending, finish](Result<QJsonObject> r) {
            if (r)
                pending->platform = *r;
            else
                pending->errors.append(QStringLiteral("Platform: ") + r.error().message);
            finish();
        });
}

void SyncWorker::testConnection(const QString &system)
{
    if (!m_parts) {
        emit connectionTested(system, false, notRunning());
        return;
    }
    if (system == QLatin1String("salesforce")) {
        m_parts->ports.salesforce->fetchLimits(this, [this](Result<ApiLimits> r) {
            if (!r) {
                emit connectionTested(QStringLiteral("salesforce"), false, r.error().message);
                return;
            }
            observeLimits(*r);
            emit connectionTested(QStringLiteral("salesforce"), true,
                                  QStringLiteral("Connected: %1 of %2 daily API requests used.")
                                      .arg(r->used)
                                      .arg(r->max));
        });
        return;
    }
    m_parts->ports.platform->listLeads(0, QString(), 1, this, [this](Result<RecordPage> r) {
        emit connectionTested(QStringLiteral("platform"), r.ok(),
                              r ? QStringLiteral("Connected to the lead platform.")
                                : r.error().message);
    });
}

} // namespace lb
