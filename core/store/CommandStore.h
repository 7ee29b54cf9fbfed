#pragma once

#include "Database.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace lb {

class Store;

// What an operator asks of a running fleet (migration 14), as stored.
struct FleetCommand
{
    qint64 id = 0;
    QString kind; // command::Pause, ...
    QString arguments; // a JSON object, as issued (read by command::validate)
    qint64 issuedAt = 0;
    QString issuedBy;
    QString claimedBy; // the worker that carries it out; empty while unclaimed
    qint64 claimedAt = 0; // with claimedBy the claim's fence: a claim taken again gets a later one
    qint64 doneAt = 0; // 0: not done yet
    bool ok = false;
    QString outcome; // what came of it, for the operator
};

namespace command {

inline const QString Pause = QStringLiteral("pause");
inline const QString Resume = QStringLiteral("resume");
inline const QString Reconcile = QStringLiteral("reconcile");
inline const QString InboxRetry = QStringLiteral("inbox.retry"); // {"ids": [..]}, none = all
inline const QString InboxDiscard = QStringLiteral("inbox.discard"); // {"ids": [..], "reason"}
inline const QString JobCancel = QStringLiteral("job.cancel"); // {"id": outbox id}
// The PostgreSQL notification channel an issued command is announced on.
inline const QString Channel = QStringLiteral("lb_commands");

// Why `kind` with `arguments` cannot be carried out (empty when it can); on success `parsed`
// holds the arguments. A malformed row gets this as its outcome and the others go on.
QString validate(const QString &kind, const QString &arguments, QJsonObject *parsed);

} // namespace command

// The `commands` table and the fleet-wide pause flag (a watermark every process reads).
//
// Exactly once: a command is claimed by one process with UPDATE ... WHERE claimed_by IS NULL
// (on PostgreSQL a second claimer's UPDATE waits for the first's row lock, then finds the row
// claimed and changes nothing), and only the claimer finishes it.
//
// A claimer that dies before answering leaves its command claimed: once its heartbeat is older
// than the caller's `aliveSinceMs` (or its row is gone), a live process takes the command over
// with the same one-winner UPDATE (WHERE claimed_by = the dead claimer), stamping a later
// claimed_at. Answers are fenced by (claimed_by, claimed_at): the dead one's late answer, or a
// paused one's that woke after the takeover, changes nothing.
//
// Pause and resume are not claimed: issuing one sets the flag in the same transaction and the
// row is recorded done at once; every process (those started later too) follows the flag.
class CommandStore
{
public:
    explicit CommandStore(Store &store);

    // Stores the command and, on PostgreSQL, notifies the listening processes on commit.
    Result<qint64> issue(const QString &kind, const QJsonObject &arguments,
                         const QString &issuedBy);
    // Unclaimed commands, oldest first; the reconcile only with `withReconcile` (only the
    // reconcile duty's holder takes it, so it runs once in the fleet).
    Result<QList<FleetCommand>> unclaimed(bool withReconcile, int limit = 20);
    // The claim's stamp (claimed_at, > 0) when this call claimed it; 0 when another process had.
    Result<qint64> claim(qint64 id, const QString &worker);
    // Claimed, unanswered commands whose claimer is not `worker` and has sent no heartbeat since
    // `aliveSinceMs` (or has no row), oldest first; the reconcile only with `withReconcile`.
    Result<QList<FleetCommand>> orphaned(bool withReconcile, const QString &worker,
                                         qint64 aliveSinceMs, int limit = 20);
    // Takes `orphan` (as orphaned() read it) over from its dead claimer: the new claim's stamp,
    // or 0 when another process took it first, it was answered, or its claimer came back.
    Result<qint64> reclaim(const FleetCommand &orphan, const QString &worker, qint64 aliveSinceMs);
    // Records the answer while `worker` still holds the claim stamped `claimedAt`: false (and
    // nothing written) when the command was taken over meanwhile or already answered.
    Result<bool> finish(qint64 id, const QString &worker, qint64 claimedAt, bool ok,
                        const QString &outcome);
    Result<std::optional<FleetCommand>> get(qint64 id);
    Result<QList<FleetCommand>> recent(int limit);

    // The fleet-wide flag: whether an operator paused the fleet.
    Result<bool> fleetPaused();

private:
    Result<QList<FleetCommand>> read(const QString &key, const QString &sql,
                                     const QVariantList &values);

    Store &m_store;
};

} // namespace lb

Q_DECLARE_METATYPE(lb::FleetCommand)
