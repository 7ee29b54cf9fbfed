#include "CommandStore.h"

#include "Store.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace lb {
namespace {

const QString PausedFlag = QStringLiteral("fleet.paused");
// Column list shared by every statement that reads whole commands (order matters for read()).
#define LB_COMMAND_COLUMNS                                                                         \
    "id, kind, arguments, issued_at, issued_by, claimed_by, claimed_at, done_at, ok, outcome"

bool idList(const QJsonObject &args, const QString &key, bool required, QString *why)
{
    const QJsonValue v = args.value(key);
    if (v.isUndefined() && !required)
        return true;
    if (!v.isArray()) {
        *why = QStringLiteral("\"%1\" must be a list of item ids").arg(key);
        return false;
    }
    for (const QJsonValue &id : v.toArray())
        if (!id.isDouble() || id.toDouble() != double(id.toInteger()) || id.toInteger() <= 0) {
            *why = QStringLiteral("\"%1\" holds something that is not an item id").arg(key);
            return false;
        }
    return true;
}

} // namespace

QString command::validate(const QString &kind, const QString &arguments, QJsonObject *parsed)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(arguments.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return QStringLiteral("The command's arguments are not a JSON object (%1).")
            .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                         : QStringLiteral("not an object"));
    const QJsonObject args = doc.object();
    QString why;
    if (kind == Pause || kind == Resume || kind == Reconcile) {
        // No arguments.
    } else if (kind == InboxRetry) {
        idList(args, QStringLiteral("ids"), false, &why);
    } else if (kind == InboxDiscard) {
        if (idList(args, QStringLiteral("ids"), true, &why)
            && args.value(QStringLiteral("ids")).toArray().isEmpty())
            why = QStringLiteral("\"ids\" names no item to discard");
        else if (why.isEmpty() && !args.value(QStringLiteral("reason")).isString())
            why = QStringLiteral("\"reason\" is missing");
    } else if (kind == JobCancel) {
        if (args.value(QStringLiteral("id")).toInteger() <= 0)
            why = QStringLiteral("\"id\" must be a job id");
    } else {
        return QStringLiteral("Unknown command \"%1\"; known: pause, resume, reconcile, "
                              "inbox.retry, inbox.discard, job.cancel.")
            .arg(kind.left(60));
    }
    if (!why.isEmpty())
        return QStringLiteral("The %1 command is malformed: %2.").arg(kind, why);
    if (parsed)
        *parsed = args;
    return {};
}

CommandStore::CommandStore(Store &store)
    : m_store(store)
{ }

Result<qint64> CommandStore::issue(const QString &kind, const QJsonObject &arguments,
                                   const QString &issuedBy)
{
    Database &db = m_store.database();
    const qint64 now = m_store.clock().nowMs();
    const bool flag = kind == command::Pause || kind == command::Resume;
    Transaction tx(db);
    if (!tx.started())
        return tx.started().error();
    if (flag) {
        if (auto r = m_store.watermarks().set(PausedFlag,
                                              kind == command::Pause ? QStringLiteral("paused")
                                                                     : QStringLiteral("running"));
            !r)
            return r.error();
    }
    const QString outcome = kind == command::Pause
        ? QStringLiteral("The fleet pauses: every process stops taking work as it reads the flag.")
        : QStringLiteral("The fleet resumes: every process starts again as it reads the flag.");
    auto q
        = db.run(QStringLiteral("command.issue"),
                 QStringLiteral("INSERT INTO commands (kind, arguments, issued_at, issued_by, "
                                "claimed_by, claimed_at, done_at, ok, outcome) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                 {kind, QString::fromUtf8(QJsonDocument(arguments).toJson(QJsonDocument::Compact)),
                  now, issuedBy, flag ? QVariant(QStringLiteral("fleet")) : QVariant(),
                  flag ? QVariant(now) : QVariant(), flag ? QVariant(now) : QVariant(),
                  flag ? QVariant(1) : QVariant(), flag ? QVariant(outcome) : QVariant()});
    if (!q)
        return q.error();
    if (!(*q)->next())
        return makeError(QStringLiteral("store"), QStringLiteral("The command was not stored."));
    const qint64 id = (*q)->value(0).toLongLong();
    (*q)->finish();
    if (db.dialect() == SqlDialect::Postgres) {
        // Delivered to the listeners when the transaction commits.
        auto n = db.run(QStringLiteral("command.notify"), QStringLiteral("SELECT pg_notify(?, ?)"),
                        {command::Channel, QString::number(id)});
        if (!n)
            return n.error();
        (*n)->finish();
    }
    if (auto r = tx.commit(); !r)
        return r.error();
    return id;
}

Result<QList<FleetCommand>> CommandStore::read(const QString &key, const QString &sql,
                                               const QVariantList &values)
{
    // sql-constant: read() runs the literal statements its callers in this file write
    auto q = m_store.database().run(key, sql, values);
    if (!q)
        return q.error();
    QList<FleetCommand> out;
    while ((*q)->next()) {
        FleetCommand c;
        c.id = (*q)->value(0).toLongLong();
        c.kind = (*q)->value(1).toString();
        c.arguments = (*q)->value(2).toString();
        c.issuedAt = (*q)->value(3).toLongLong();
        c.issuedBy = (*q)->value(4).toString();
        c.claimedBy = (*q)->value(5).toString();
        c.claimedAt = (*q)->value(6).toLongLong();
        c.doneAt = (*q)->value(7).toLongLong();
        c.ok = (*q)->value(8).toInt() != 0;
        c.outcome = (*q)->value(9).toString();
        out.append(c);
    }
    (*q)->finish();
    return out;
}

Result<QList<FleetCommand>> CommandStore::unclaimed(bool withReconcile, int limit)
{
    return read(QStringLiteral("command.unclaimed"),
                QStringLiteral("SELECT " LB_COMMAND_COLUMNS
                               " FROM commands WHERE claimed_by IS NULL "
                               "AND (kind <> ? OR ? = 1) ORDER BY id LIMIT ?"),
                {command::Reconcile, withReconcile ? 1 : 0, limit});
}

Result<qint64> CommandStore::claim(qint64 id, const QString &worker)
{
    const qint64 now = m_store.clock().nowMs();
    auto q = m_store.database().run(
        QStringLiteral("command.claim"),
        QStringLiteral("UPDATE commands SET claimed_by = ?, claimed_at = ? "
                       "WHERE id = ? AND claimed_by IS NULL"),
        {worker, now, id});
    if (!q)
        return q.error();
    return (*q)->numRowsAffected() == 1 ? now : qint64(0);
}

Result<QList<FleetCommand>> CommandStore::orphaned(bool withReconcile, const QString &worker,
                                                   qint64 aliveSinceMs, int limit)
{
    return read(QStringLiteral("command.orphaned"),
                QStringLiteral("SELECT " LB_COMMAND_COLUMNS
                               " FROM commands WHERE claimed_by IS NOT NULL AND done_at IS NULL "
                               "AND claimed_by <> ? AND (kind <> ? OR ? = 1) "
                               "AND NOT EXISTS (SELECT 1 FROM processes p WHERE "
                               "p.worker_id = commands.claimed_by AND p.heartbeat_at >= ?) "
                               "ORDER BY id LIMIT ?"),
                {worker, command::Reconcile, withReconcile ? 1 : 0, aliveSinceMs, limit});
}

Result<qint64> CommandStore::reclaim(const FleetCommand &orphan, const QString &worker,
                                     qint64 aliveSinceMs)
{
    // One winner: on PostgreSQL a second reclaimer's UPDATE waits for the first's row lock,
    // then re-reads the row, finds another claimer and changes nothing. The new stamp is later
    // than the old one even when the clocks of the two hosts disagree.
    const qint64 stamp = std::max(m_store.clock().nowMs(), orphan.claimedAt + 1);
    auto q = m_store.database().run(
        QStringLiteral("command.reclaim"),
        QStringLiteral("UPDATE commands SET claimed_by = ?, claimed_at = ? "
                       "WHERE id = ? AND claimed_by = ? AND COALESCE(claimed_at, 0) = ? "
                       "AND done_at IS NULL AND NOT EXISTS (SELECT 1 FROM processes p WHERE "
                       "p.worker_id = commands.claimed_by AND p.heartbeat_at >= ?)"),
        {worker, stamp, orphan.id, orphan.claimedBy, orphan.claimedAt, aliveSinceMs});
    if (!q)
        return q.error();
    return (*q)->numRowsAffected() == 1 ? stamp : qint64(0);
}

Result<bool> CommandStore::finish(qint64 id, const QString &worker, qint64 claimedAt, bool ok,
                                  const QString &outcome)
{
    auto q = m_store.database().run(
        QStringLiteral("command.finish"),
        QStringLiteral("UPDATE commands SET done_at = ?, ok = ?, outcome = ? "
                       "WHERE id = ? AND claimed_by = ? AND claimed_at = ? AND done_at IS NULL"),
        {m_store.clock().nowMs(), ok ? 1 : 0, outcome, id, worker, claimedAt});
    if (!q)
        return q.error();
    return (*q)->numRowsAffected() == 1;
}

Result<std::optional<FleetCommand>> CommandStore::get(qint64 id)
{
    auto r = read(QStringLiteral("command.get"),
                  QStringLiteral("SELECT " LB_COMMAND_COLUMNS " FROM commands WHERE id = ?"), {id});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<FleetCommand>();
    return std::optional<FleetCommand>(r->first());
}

Result<QList<FleetCommand>> CommandStore::recent(int limit)
{
    return read(
        QStringLiteral("command.recent"),
        QStringLiteral("SELECT " LB_COMMAND_COLUMNS " FROM commands ORDER BY id DESC LIMIT ?"),
        {limit});
}

Result<bool> CommandStore::fleetPaused()
{
    auto v = m_store.watermarks().get(PausedFlag);
    if (!v)
        return v.error();
    return v->has_value() && **v == QLatin1String("paused");
}

} // namespace lb
