#include "AuditLog.h"

#include <QJsonDocument>

namespace lb {

AuditLog::AuditLog(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

Result<void> AuditLog::append(const QString &entity, const QString &entityId, const QString &action,
                              const QString &actor, const QJsonObject &detail)
{
    const QVariant detailText = detail.isEmpty()
        ? QVariant()
        : QVariant(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
    auto q = m_db.run(QStringLiteral("audit.append"),
                      QStringLiteral("INSERT INTO audit_log (at, actor, entity, entity_id, action, "
                                     "detail) VALUES (?, ?, ?, ?, ?, ?)"),
                      {m_clock.nowMs(), actor, entity, entityId, action, detailText});
    if (!q)
        return q.error();
    return {};
}

Result<void> AuditLog::appendMany(const QString &entity, const QString &actor,
                                  const QList<Item> &items)
{
    const qint64 now = m_clock.nowMs();
    for (qsizetype start = 0; start < items.size(); start += Database::MaxRowsPerStatement) {
        const int rows
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, items.size() - start));
        QVariantList values;
        values.reserve(rows * 6);
        for (int i = 0; i < rows; ++i) {
            const Item &item = items.at(start + i);
            values << now << actor << entity << item.entityId << item.action
                   << (item.detail.isEmpty()
                           ? QVariant(QMetaType::fromType<QString>())
                           : QVariant(QString::fromUtf8(
                               QJsonDocument(item.detail).toJson(QJsonDocument::Compact))));
        }
        auto q = m_db.run(QStringLiteral("audit.appendMany.%1").arg(rows),
                          QStringLiteral("INSERT INTO audit_log (at, actor, entity, entity_id, "
                                         "action, detail) VALUES ")
                              + Database::rowPlaceholders(rows, 6),
                          values);
        if (!q)
            return q.error();
    }
    return {};
}

Result<QList<AuditEntry>> AuditLog::forEntity(const QString &entity, const QString &entityId,
                                              int limit)
{
    auto q = m_db.run(QStringLiteral("audit.forEntity"),
                      QStringLiteral("SELECT id, at, actor, entity, entity_id, action, detail "
                                     "FROM audit_log WHERE entity = ? AND entity_id = ? "
                                     "ORDER BY id DESC LIMIT ?"),
                      {entity, entityId, limit});
    if (!q)
        return q.error();
    return collect(*q);
}

Result<QList<AuditEntry>> AuditLog::between(qint64 fromMs, qint64 toMs, int limit)
{
    auto q = m_db.run(QStringLiteral("audit.between"),
                      QStringLiteral("SELECT id, at, actor, entity, entity_id, action, detail "
                                     "FROM audit_log WHERE at >= ? AND at < ? ORDER BY id LIMIT ?"),
                      {fromMs, toMs, limit});
    if (!q)
        return q.error();
    return collect(*q);
}

Result<qint64> AuditLog::count()
{
    return m_db.scalar(QStringLiteral("audit.count"),
                       QStringLiteral("SELECT COUNT(*) FROM audit_log"));
}

Result<QList<AuditEntry>> AuditLog::collect(QSqlQuery *q)
{
    QList<AuditEntry> entries;
    while (q->next()) {
        AuditEntry e;
        e.id = q->value(0).toLongLong();
        e.at = q->value(1).toLongLong();
        e.actor = q->value(2).toString();
        e.entity = q->value(3).toString();
        e.entityId = q->value(4).toString();
        e.action = q->value(5).toString();
        e.detail = q->value(6).toString();
        entries.append(std::move(e));
    }
    q->finish();
    return entries;
}

} // namespace lb
