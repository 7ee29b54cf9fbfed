#pragma once

#include "Database.h"
#include "model/AuditEntry.h"
#include "util/Clock.h"

#include <QJsonObject>
#include <QList>

namespace lb {

// Append-only record of every state change. Callers append inside the transaction that makes
// the change, so the log and the data can never disagree.
class AuditLog
{
public:
    AuditLog(Database &db, const Clock &clock);

    Result<void> append(const QString &entity, const QString &entityId, const QString &action,
                        const QString &actor, const QJsonObject &detail = {});

    // Many entries in few statements (same actor); for batch operations on the hot path.
    struct Item
    {
        QString entityId;
        QString action;
        QJsonObject detail;
    };
    Result<void> appendMany(const QString &entity, const QString &actor, const QList<Item> &items);

    Result<QList<AuditEntry>> forEntity(const QString &entity, const QString &entityId,
                                        int limit = 200);
    Result<QList<AuditEntry>> between(qint64 fromMs, qint64 toMs, int limit = 10000);
    Result<qint64> count();

private:
    Result<QList<AuditEntry>> collect(QSqlQuery *q);

    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
