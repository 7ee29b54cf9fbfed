// The fleet side of the worker (SyncWorker.h): the operators' commands taken from the store by
// the CommandListener, carried out by the same code as the in-process ones with their outcome
// written back to the command's row; and the fleet's processes read for the console.
#include "StoredStatus.h"
#include "SyncWorker.h"
#include "log/Logging.h"

#include <QJsonArray>

namespace lb {
namespace {

QList<qint64> idsOf(const QJsonObject &arguments)
{
    QList<qint64> ids;
    for (const QJsonValue &v : arguments.value(QStringLiteral("ids")).toArray())
        ids.append(v.toInteger());
    return ids;
}

} // namespace

void SyncWorker::runStoredCommand(const FleetCommand &command, const QJsonObject &arguments)
{
    const QString actor
        = command.issuedBy.isEmpty() ? QStringLiteral("operator") : command.issuedBy;
    if (!m_store) {
        finishStoredCommand(command, false, notRunning());
        return;
    }
    if (command.kind == command::Reconcile) {
        // Claimed only while this process holds the reconcile duty (CommandListener), so it runs
        // once in the fleet; reconcile() checks the duty again before it starts.
        reconcile(QStringLiteral("command"),
                  [this, command](const ReconcileReport &report, const QString &error) {
                      emit reconciled(report, error);
                      finishStoredCommand(
                          command, error.isEmpty(),
                          error.isEmpty()
                              ? QStringLiteral("Reconciled %1 lead(s): %2 write(s) queued.")
                                    .arg(report.leadsCompared)
                                    .arg(report.enqueued)
                              : error);
                  });
        return;
    }
    if (command.kind == command::InboxRetry) {
        auto r = applyRetry(idsOf(arguments), actor);
        finishStoredCommand(command, r.ok(),
                            r ? QStringLiteral("%1 item(s) queued again.").arg(*r)
                              : r.error().message);
        return;
    }
    if (command.kind == command::InboxDiscard) {
        auto r = applyDiscard(idsOf(arguments),
                              arguments.value(QStringLiteral("reason")).toString(), actor);
        finishStoredCommand(command, r.ok(),
                            r ? QStringLiteral("%1 item(s) discarded.").arg(*r)
                              : r.error().message);
        return;
    }
    if (command.kind == command::JobCancel) {
        auto r = applyCancel(arguments.value(QStringLiteral("id")).toInteger(), actor);
        finishStoredCommand(command, r.ok(),
                            r ? QStringLiteral("Job cancelled.") : r.error().message);
        return;
    }
    // Pause and resume are never claimed (the flag); anything else was refused by validate().
    finishStoredCommand(
        command, false,
        QStringLiteral("The command \"%1\" is not carried out by a process.").arg(command.kind));
}

void SyncWorker::finishStoredCommand(const FleetCommand &command, bool ok, const QString &outcome)
{
    if (!m_store)
        return;
    const qint64 id = command.id;
    // Fenced by the claim: a command taken over while this process stalled is answered by the
    // process that took it (CommandStore::finish).
    auto r = CommandStore(*m_store).finish(id, m_setup.workerId, command.claimedAt, ok, outcome);
    if (!r)
        qCWarning(lcSync) << "cannot record the outcome of command" << id << r.error().toString();
    else if (!*r)
        qCWarning(lcSync) << "command" << id
                          << "was taken over by another process; its outcome here is dropped";
    else
        qCInfo(lcSync).noquote() << "command" << id << (ok ? "done:" : "failed:") << outcome;
}

void SyncWorker::readFleet()
{
    if (!m_store) {
        emit fleetRead({}, notRunning());
        return;
    }
    auto processes = fleet::readProcesses(*m_store, m_clock.nowMs());
    emit fleetRead(processes ? *processes : QList<FleetProcess>(),
                   processes ? QString() : processes.error().message);
}

} // namespace lb
