// The outbox's long holds: the jobs a Bulk API 2.0 job carries stay claimed while Salesforce
// runs it (OutboxStore::holdUntil) and are held no longer once it is finished (endHold).
#include "OutboxStore.h"

namespace lb {

Result<int> OutboxStore::holdUntil(const QList<qint64> &ids, const QString &workerId,
                                   qint64 leaseUntil)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    const qint64 now = m_clock.nowMs();
    int held = 0;
    for (qsizetype start = 0; start < ids.size(); start += Database::MaxRowsPerStatement) {
        const int count
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, ids.size() - start));
        QVariantList values {leaseUntil, now, workerId};
        for (int i = 0; i < count; ++i)
            values << ids.at(start + i);
        auto q = m_db.run(QStringLiteral("outbox.holdUntil.%1").arg(count),
                          QStringLiteral("UPDATE outbox SET lease_until = ?, updated_at = ? "
                                         "WHERE state = 'claimed' AND claimed_by = ? AND id IN (")
                              + Database::listPlaceholders(count) + QStringLiteral(")"),
                          values);
        if (!q)
            return q.error();
        held += (*q)->numRowsAffected();
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    return held;
}

Result<int> OutboxStore::endHold(const QList<qint64> &ids, qint64 leaseUntil)
{
    const qint64 now = m_clock.nowMs();
    int ended = 0;
    for (qsizetype start = 0; start < ids.size(); start += Database::MaxRowsPerStatement) {
        const int count
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, ids.size() - start));
        QVariantList values {leaseUntil, now, leaseUntil};
        for (int i = 0; i < count; ++i)
            values << ids.at(start + i);
        // sql-constant: only the count of bound placeholders varies
        auto q = m_db.run(QStringLiteral("outbox.endHold.%1").arg(count),
                          QStringLiteral("UPDATE outbox SET lease_until = ?, updated_at = ? "
                                         "WHERE state = 'claimed' AND lease_until > ? AND id IN (")
                              + Database::listPlaceholders(count) + QStringLiteral(")"),
                          values);
        if (!q)
            return q.error();
        ended += (*q)->numRowsAffected();
    }
    return ended;
}

} // namespace lb
