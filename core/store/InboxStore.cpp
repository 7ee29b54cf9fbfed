#include "InboxStore.h"

#include <QJsonObject>

namespace lb {
namespace {

const QString Entity = QStringLiteral("inbox");

#define LB_INBOX_COLUMNS                                                                           \
    "id, outbox_id, idempotency_key, kind, target, record_key, payload, error_class, error_code, " \
    "error_message, attempts, failures, first_failed_at, last_failed_at, state, resolution, "      \
    "resolved_by, resolved_at"

// LIKE pattern that matches `text` literally anywhere.
QString containsPattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', QLatin1String("\\\\"));
    escaped.replace(u'%', QLatin1String("\\%"));
    escaped.replace(u'_', QLatin1String("\\_"));
    return u'%' + escaped + u'%';
}

} // namespace

InboxStore::InboxStore(Database &db, AuditLog &audit, const Clock &clock)
    : m_db(db)
    , m_audit(audit)
    , m_clock(clock)
{ }

InboxItem InboxStore::readItem(const QSqlQuery &q)
{
    InboxItem item;
    item.id = q.value(0).toLongLong();
    item.outboxId = q.value(1).toLongLong();
    item.idempotencyKey = q.value(2).toString();
    item.kind = q.value(3).toString();
    item.target = q.value(4).toString();
    item.recordKey = q.value(5).toString();
    item.payload = q.value(6).toString().toUtf8();
    item.errorClass = q.value(7).toString();
    item.errorCode = q.value(8).toString();
    item.errorMessage = q.value(9).toString();
    item.attempts = q.value(10).toInt();
    item.failures = q.value(11).toInt();
    item.firstFailedAt = q.value(12).toLongLong();
    item.lastFailedAt = q.value(13).toLongLong();
    item.state = q.value(14).toString();
    item.resolution = q.value(15).toString();
    item.resolvedBy = q.value(16).toString();
    item.resolvedAt = q.value(17).toLongLong();
    return item;
}

Result<QList<InboxItem>> InboxStore::list(const InboxFilter &filter)
{
    const QString like = filter.text.isEmpty() ? QString() : containsPattern(filter.text);
    auto q = m_db.run(
        QStringLiteral("inbox.list"),
        QStringLiteral(
            "SELECT " LB_INBOX_COLUMNS " FROM inbox "
            "WHERE (? = '' OR state = ?) AND (? = '' OR error_code = ?) "
            "AND (? = '' OR kind = ?) "
            "AND (? = '' OR record_key LIKE ? ESCAPE '\\' OR error_code LIKE ? ESCAPE '\\' "
            "OR error_message LIKE ? ESCAPE '\\') "
            "ORDER BY last_failed_at DESC, id DESC LIMIT ? OFFSET ?"),
        {Database::filterText(filter.state), Database::filterText(filter.state),
         Database::filterText(filter.errorCode), Database::filterText(filter.errorCode),
         Database::filterText(filter.kind), Database::filterText(filter.kind),
         Database::filterText(like), Database::filterText(like), Database::filterText(like),
         Database::filterText(like), filter.limit, filter.offset});
    if (!q)
        return q.error();
    return Database::rows(**q, readItem);
}

Result<InboxItem> InboxStore::get(qint64 id)
{
    auto q = m_db.run(QStringLiteral("inbox.get"),
                      QStringLiteral("SELECT " LB_INBOX_COLUMNS " FROM inbox WHERE id = ?"), {id});
    if (!q)
        return q.error();
    if (!(*q)->next())
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("There is no inbox item %1.").arg(id));
    InboxItem item = readItem(**q);
    (*q)->finish();
    return item;
}

Result<qint64> InboxStore::countOpen()
{
    return m_db.scalar(QStringLiteral("inbox.countOpen"),
                       QStringLiteral("SELECT COUNT(*) FROM inbox WHERE state = 'open'"));
}

Result<int> InboxStore::retry(const QList<qint64> &ids, const QString &actor)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    int retried = 0;
    for (qint64 id : ids) {
        auto q
            = m_db.run(QStringLiteral("inbox.markRetried"),
                       QStringLiteral("UPDATE inbox SET state = 'retried', resolution = 'retry', "
                                      "resolved_by = ?, resolved_at = ? "
                                      "WHERE id = ? AND state = 'open' RETURNING outbox_id"),
                       {actor, now, id});
        if (!q)
            return q.error();
        if (!(*q)->next())
            continue;
        const qint64 outboxId = (*q)->value(0).toLongLong();
        (*q)->finish();
        auto requeue = m_db.run(QStringLiteral("inbox.requeue"),
                                QStringLiteral("UPDATE outbox SET state = 'pending', attempts = 0, "
                                               "next_attempt_at = ?, claimed_by = NULL, "
                                               "lease_until = NULL, updated_at = ?, "
                                               "last_error_code = 'inbox_retry' "
                                               "WHERE id = ? AND state = 'failed'"),
                                {now, now, outboxId});
        if (!requeue)
            return requeue.error();
        ++retried;
        if (auto a = m_audit.append(Entity, QString::number(id), QStringLiteral("retried"), actor,
                                    {{QStringLiteral("outbox_id"), outboxId}});
            !a)
            return a.error();
        if (auto a
            = m_audit.append(QStringLiteral("outbox"), QString::number(outboxId),
                             QStringLiteral("requeued"), actor, {{QStringLiteral("inbox_id"), id}});
            !a)
            return a.error();
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    return retried;
}

Result<int> InboxStore::retryAll(const QString &actor)
{
    int total = 0;
    // In chunks, so a huge inbox does not hold the write lock for long.
    for (;;) {
        auto q = m_db.run(
            QStringLiteral("inbox.openIds"),
            QStringLiteral("SELECT id FROM inbox WHERE state = 'open' ORDER BY id LIMIT 500"));
        if (!q)
            return q.error();
        const QList<qint64> ids = Database::ids(**q);
        if (ids.isEmpty())
            return total;
        auto r = retry(ids, actor);
        if (!r)
            return r;
        if (*r == 0)
            return total;
        total += *r;
    }
}

Result<int> InboxStore::discard(const QList<qint64> &ids, const QString &reason,
                                const QString &actor)
{
    const QString why = reason.trimmed();
    if (why.isEmpty())
        return makeError(QStringLiteral("reason_required"),
                         QStringLiteral("Give a reason to discard an inbox item; it is kept in the "
                                        "audit log."));
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    int discarded = 0;
    for (qint64 id : ids) {
        auto q = m_db.run(QStringLiteral("inbox.discard"),
                          QStringLiteral("UPDATE inbox SET state = 'discarded', resolution = ?, "
                                         "resolved_by = ?, resolved_at = ? "
                                         "WHERE id = ? AND state = 'open'"),
                          {why, actor, now, id});
        if (!q)
            return q.error();
        if ((*q)->numRowsAffected() != 1)
            continue;
        ++discarded;
        if (auto a = m_audit.append(Entity, QString::number(id), QStringLiteral("discarded"), actor,
                                    {{QStringLiteral("reason"), why}});
            !a)
            return a.error();
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    return discarded;
}

Result<int> InboxStore::resolveRecord(const QString &kind, const QString &recordKey,
                                      const QString &reason, const QString &actor)
{
    auto q = m_db.run(QStringLiteral("inbox.openForRecord"),
                      QStringLiteral("SELECT id FROM inbox WHERE kind = ? AND record_key = ? AND "
                                     "state = 'open'"),
                      {kind, recordKey});
    if (!q)
        return q.error();
    const QList<qint64> ids = Database::ids(**q);
    if (ids.isEmpty())
        return 0;
    return discard(ids, reason, actor);
}

} // namespace lb
