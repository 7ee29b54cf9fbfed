#include "SentWrites.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lb {

SentWrites::SentWrites(Database &db)
    : m_db(db)
{ }

Result<void> SentWrites::note(const QList<OutboxJob> &jobs, const QHash<qint64, QByteArray> &hashOf,
                              const QString &workerId)
{
    Transaction tx(m_db);
    if (!tx.started())
        return tx.started().error();
    for (const OutboxJob &job : jobs) {
        const auto hash = hashOf.constFind(job.id);
        if (hash == hashOf.cend())
            continue;
        QJsonObject payload = QJsonDocument::fromJson(job.payload).object();
        QJsonArray sent = payload.value(QStringLiteral("sent")).toArray();
        const QString h = QString::fromLatin1(*hash);
        if (sent.contains(h))
            continue;
        sent.append(h);
        while (sent.size() > Kept)
            sent.removeFirst();
        payload.insert(QStringLiteral("sent"), sent);
        auto q = m_db.run(QStringLiteral("sentWrites.note"),
                          QStringLiteral("UPDATE outbox SET payload = ? WHERE id = ? AND "
                                         "state = 'claimed' AND claimed_by = ?"),
                          {QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)),
                           job.id, workerId});
        if (!q)
            return q.error();
    }
    return tx.commit();
}

Result<QHash<QString, QSet<QByteArray>>> SentWrites::unrecorded(const QString &kind,
                                                                const QStringList &recordKeys)
{
    QHash<QString, QSet<QByteArray>> out;
    for (qsizetype start = 0; start < recordKeys.size(); start += Database::MaxRowsPerStatement) {
        const int n
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, recordKeys.size() - start));
        QVariantList bound {kind};
        for (int i = 0; i < n; ++i)
            bound << recordKeys.at(start + i);
        // sql-constant: only the count of bound placeholders varies
        const QString sql = QStringLiteral("SELECT record_key, payload FROM outbox WHERE kind = ? "
                                           "AND state IN ('pending', 'claimed', 'superseded') "
                                           "AND record_key IN (")
            + Database::listPlaceholders(n) + QStringLiteral(")");
        auto q = m_db.run(QStringLiteral("sentWrites.unrecorded.%1").arg(n), sql, bound);
        if (!q)
            return q.error();
        while ((*q)->next()) {
            const QJsonArray sent = QJsonDocument::fromJson((*q)->value(1).toByteArray())
                                        .object()
                                        .value(QStringLiteral("sent"))
                                        .toArray();
            for (const QJsonValue &h : sent)
                out[(*q)->value(0).toString()].insert(h.toString().toLatin1());
        }
        (*q)->finish();
    }
    return out;
}

Result<QSet<QString>> SentWrites::supersededUnsettled(const QString &kind,
                                                      const QStringList &recordKeys)
{
    QSet<QString> out;
    for (qsizetype start = 0; start < recordKeys.size(); start += Database::MaxRowsPerStatement) {
        const int n
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, recordKeys.size() - start));
        QVariantList bound {kind};
        for (int i = 0; i < n; ++i)
            bound << recordKeys.at(start + i);
        // sql-constant: only the count of bound placeholders varies
        const QString sql
            = QStringLiteral("SELECT s.record_key, s.payload FROM outbox AS s WHERE s.kind = ? "
                             "AND s.state = 'superseded' AND s.attempts > 0 AND s.record_key IN (")
            + Database::listPlaceholders(n)
            + QStringLiteral(") AND NOT EXISTS (SELECT 1 FROM outbox AS d WHERE d.kind = s.kind "
                             "AND d.record_key = s.record_key AND d.state = 'done' "
                             "AND d.id > s.id)");
        auto q = m_db.run(QStringLiteral("sentWrites.supersededUnsettled.%1").arg(n), sql, bound);
        if (!q)
            return q.error();
        while ((*q)->next()) {
            // Only a job that noted a send went out; one superseded before its call did not.
            const QJsonArray sent = QJsonDocument::fromJson((*q)->value(1).toByteArray())
                                        .object()
                                        .value(QStringLiteral("sent"))
                                        .toArray();
            if (!sent.isEmpty())
                out.insert((*q)->value(0).toString());
        }
        (*q)->finish();
    }
    return out;
}

} // namespace lb
