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
    const qint64 id = command.id;
    const QString actor
        = command.issuedBy.isEmpty() ? QStringLiteral("operator") : command.issuedBy;
    if (!m_store) {
        finishStoredCommand(id, false, notRunning());
        return;
    }
    if (command.kind == command::Reconcile) {
        // Claimed only while this process holds the reconcile duty (CommandListener), so it runs
        // once in the fleet; reconcile() checks the duty again before it starts.
        reconcile(QStringLiteral("command"),
                  [this, id](const ReconcileReport &report, const QString &error) {
                      emit reconciled(report, error);
                      finishStoredCommand(
                          id, error.isEmpty(),
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
        finishStoredCommand(
            id, r.ok(), r ? QStringLiteral("%1 item(s) queued again.").arg(*r) : r.error().message);
        return;
    }
    if (command.kind == command::InboxDiscard) {
        auto r = applyDiscard(idsOf(arguments),
                              arguments.value(QStringLiteral("reason")).toString(), actor);
        finishStoredCommand(
            id, r.ok(), r ? QStringLiteral("%1 item(s) discarded.").arg(*r) : r.error().message);
        return;
    }
    if (command.kind == command::JobCancel) {
        auto r = applyCancel(arguments.value(QStringLiteral("id")).toInteger(), actor);
        finishStoredCommand(id, r.ok(), r ? QStringLiteral("Job cancelled.") : r.error().message);
        return;
    }
    // Pause and resume are never claimed (the flag); anything else was refused by validate().
    finishStoredCommand(
        id, false,
        QStringLiteral("The command \"%1\" is not carried out by a process.").arg(command.kind));
}

void SyncWorker::finishStoredCommand(qint64 id, bool ok, const QString &outcome)
{
    if (!m_store)
        return;
    if (auto r = CommandStore(*m_store).finish(id, ok, outcome); !r)
        qCWarning(lcSync) << "cannot record the outcome of command" << id << r.error().toString();
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
