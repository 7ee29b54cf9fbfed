#include "ErasureStore.h"

#include "PersonMatch.h"

#include <QJsonDocument>

namespace lb {

ErasureStore::ErasureStore(Database &db)
    : m_db(db)
{ }

bool ErasureStore::Erased::names(const QStringList &recordIds, const QString &email) const
{
    if (isEmpty())
        return false;
    for (const QString &id : recordIds) {
        if (!id.isEmpty() && ids.contains(id))
            return true;
    }
    return !emailHashes.isEmpty() && !email.trimmed().isEmpty()
        && emailHashes.contains(PersonMatch::hashOf(email));
}

Result<ErasureStore::Erased> ErasureStore::lookup(const QStringList &recordIds,
                                                  const QStringList &emails)
{
    Erased out;
    auto any = m_db.run(QStringLiteral("erasure.any"),
                        QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM erasures LIMIT 1) e"));
    if (!any)
        return any.error();
    const bool someone = (*any)->next() && (*any)->value(0).toLongLong() > 0;
    (*any)->finish();
    if (!someone)
        return out;

    QStringList hashes;
    for (const QString &email : emails) {
        if (!email.trimmed().isEmpty())
            hashes.append(PersonMatch::hashOf(email));
    }
    const struct
    {
        const char *key;
        const char *table;
        const char *column;
        const QStringList &values;
        QSet<QString> &found;
    } lookups[] = {{"ids", "erased_records", "record_id", recordIds, out.ids},
                   {"emails", "erasures", "email_hash", hashes, out.emailHashes}};
    for (const auto &l : lookups) {
        QStringList values = l.values;
        values.removeAll(QString());
        values.removeDuplicates();
        for (qsizetype start = 0; start < values.size(); start += Database::MaxRowsPerStatement) {
            const int n
                = int(std::min<qsizetype>(Database::MaxRowsPerStatement, values.size() - start));
            QVariantList bound;
            for (int i = 0; i < n; ++i)
                bound << values.at(start + i);
            // sql-constant: table and column come from the literal `lookups` above, the rest is
            // "?" placeholders counted from the batch; the values are bound
            auto q
                = m_db.run(QStringLiteral("erasure.lookup.%1.%2").arg(QLatin1String(l.key)).arg(n),
                           QStringLiteral("SELECT %1 FROM %2 WHERE %1 IN (%3)")
                               .arg(QLatin1String(l.column), QLatin1String(l.table),
                                    Database::listPlaceholders(n)),
                           bound);
            if (!q)
                return q.error();
            while ((*q)->next())
                l.found.insert((*q)->value(0).toString());
            (*q)->finish();
        }
    }
    return out;
}

Result<qint64> ErasureStore::record(qint64 at, const QString &emailHash,
                                    const QStringList &recordIds, const QString &actor,
                                    const QJsonObject &counts)
{
    const QString countsText
        = QString::fromUtf8(QJsonDocument(counts).toJson(QJsonDocument::Compact));
    auto q = m_db.run(QStringLiteral("erasure.record"),
                      QStringLiteral("INSERT INTO erasures (at, email_hash, actor, counts) "
                                     "VALUES (?, ?, ?, ?) RETURNING id"),
                      {at, emailHash, actor, countsText});
    if (!q)
        return q.error();
    const qint64 id = (*q)->next() ? (*q)->value(0).toLongLong() : 0;
    (*q)->finish();
    if (id <= 0)
        return makeError(QStringLiteral("store_error"),
                         QStringLiteral("The store did not answer the new erasure's id."));
    for (const QString &recordId : recordIds) {
        auto r = m_db.run(QStringLiteral("erasure.recordId"),
                          QStringLiteral("INSERT INTO erased_records (record_id, erasure_id) "
                                         "VALUES (?, ?) ON CONFLICT (record_id) DO NOTHING"),
                          {recordId, id});
        if (!r)
            return r.error();
        (*r)->finish();
    }
    return id;
}

Result<void> ErasureStore::scrubEvents(const QList<qint64> &ids, qint64 at)
{
    for (const qint64 id : ids) {
        auto q = m_db.run(QStringLiteral("erasure.scrubEvent"),
                          QStringLiteral("UPDATE inbound_events SET payload = '{}', "
                                         "state = 'erased', processed_at = ?, error = NULL "
                                         "WHERE id = ?"),
                          {at, id});
        if (!q)
            return q.error();
        (*q)->finish();
    }
    return {};
}

Result<qint64> ErasureStore::count()
{
    return m_db.scalar(QStringLiteral("erasure.count"),
                       QStringLiteral("SELECT COUNT(*) FROM erasures"));
}

} // namespace lb
