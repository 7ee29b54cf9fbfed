#pragma once

#include "AuditLog.h"
#include "Database.h"
#include "model/InboxItem.h"
#include "util/Clock.h"

#include <QList>

namespace lb {

// The error inbox: jobs that failed permanently or ran out of attempts. An admin retries them
// (the job goes back to the outbox with fresh attempts) or discards them with a reason.
class InboxStore
{
public:
    InboxStore(Database &db, AuditLog &audit, const Clock &clock);

    Result<QList<InboxItem>> list(const InboxFilter &filter);
    Result<InboxItem> get(qint64 id);
    Result<qint64> countOpen();

    // Each returns how many items changed; items that are not open are left alone.
    Result<int> retry(const QList<qint64> &ids, const QString &actor);
    Result<int> retryAll(const QString &actor);
    Result<int> discard(const QList<qint64> &ids, const QString &reason, const QString &actor);
    // The open items of `kind` for one record, resolved by what happened at the source
    // (discarded with `reason`, kept in the audit log).
    Result<int> resolveRecord(const QString &kind, const QString &recordKey, const QString &reason,
                              const QString &actor);

private:
    static InboxItem readItem(const QSqlQuery &q);

    Database &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
};

} // namespace lb
