#include "MirrorRehash.h"

#include "log/Logging.h"
#include "mapping/ContentHash.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace lb {
namespace {

constexpr int ReadBatch = 500;

QJsonValue legacyNormalise(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d == double(qint64(d)) && std::abs(d) < 1e15)
            return qint64(d);
        return d;
    }
    if (v.isObject()) {
        QJsonObject o;
        const QJsonObject in = v.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            if (it.key() != QLatin1String("attributes"))
                o.insert(it.key(), legacyNormalise(it.value()));
        }
        return o;
    }
    if (v.isArray()) {
        QJsonArray a;
        for (const QJsonValue &item : v.toArray())
            a.append(legacyNormalise(item));
        return a;
    }
    return v;
}

// As MirrorStore reads a state column: NULL or '' is the empty object.
QJsonObject stateOf(const QVariant &column)
{
    const QString text = column.toString();
    return text.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(text.toUtf8()).object();
}

// The new hash for `stored` when it is the old hash of `state`; otherwise `stored` unchanged.
QString translated(const QString &stored, const QJsonObject &state, bool *changed)
{
    if (stored.isEmpty() || legacyContentHash(state) != stored.toLatin1())
        return stored;
    const QString now = QString::fromLatin1(ContentHash::of(state));
    *changed = *changed || now != stored;
    return now;
}

struct Row
{
    qint64 id;
    QString platformHash;
    QString salesforceHash;
};

Result<void> updateRows(Database &db, const char *table, const QList<Row> &rows)
{
    const QLatin1String name(table);
    for (qsizetype start = 0; start < rows.size(); start += Database::MaxRowsPerStatement) {
        const int count
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, rows.size() - start));
        QVariantList values;
        for (qsizetype i = start; i < start + count; ++i) {
            const Row &r = rows.at(i);
            values << r.id
                   << (r.platformHash.isNull() ? QVariant(QMetaType::fromType<QString>())
                                               : QVariant(r.platformHash))
                   << (r.salesforceHash.isNull() ? QVariant(QMetaType::fromType<QString>())
                                                 : QVariant(r.salesforceHash));
        }
        // VALUES names its columns column1..3 on both SQLite (3.33+) and PostgreSQL; the id is
        // cast because PostgreSQL types an untyped parameter in VALUES as text.
        // sql-constant: the table name is one of two compile-time constants (leads, agents), the
        // rest "?" placeholders counted by rowPlaceholders(); values are bound
        auto q = db.run(QStringLiteral("migration18.%1.%2").arg(name).arg(count),
                        QStringLiteral("UPDATE %1 SET platform_hash = v.column2, salesforce_hash = "
                                       "v.column3 FROM (VALUES %2) AS v WHERE %1.id = "
                                       "CAST(v.column1 AS BIGINT)")
                            .arg(name, Database::rowPlaceholders(count, 3)),
                        values);
        if (!q)
            return q.error();
        (*q)->finish();
    }
    return {};
}

Result<qint64> rehashTable(Database &db, const char *table)
{
    const QLatin1String name(table);
    qint64 after = -1, rehashed = 0;
    for (;;) {
        // sql-constant: the table name is one of two compile-time constants (leads, agents);
        // values are bound
        auto q
            = db.run(QStringLiteral("migration18.%1.read").arg(name),
                     QStringLiteral("SELECT id, platform_state, salesforce_state, platform_hash, "
                                    "salesforce_hash FROM %1 WHERE id > ? ORDER BY id LIMIT ?")
                         .arg(name),
                     {after, ReadBatch});
        if (!q)
            return q.error();
        QList<Row> changed;
        int read = 0;
        while ((*q)->next()) {
            ++read;
            const QSqlQuery &row = **q;
            after = row.value(0).toLongLong();
            bool differs = false;
            Row r {after, translated(row.value(3).toString(), stateOf(row.value(1)), &differs),
                   translated(row.value(4).toString(), stateOf(row.value(2)), &differs)};
            if (differs)
                changed.append(r);
        }
        (*q)->finish();
        if (auto r = updateRows(db, table, changed); !r)
            return r.error();
        rehashed += changed.size();
        if (read < ReadBatch)
            return rehashed;
    }
}

} // namespace

QByteArray legacyContentHash(const QJsonObject &fields)
{
    const QByteArray canonical
        = QJsonDocument(legacyNormalise(fields).toObject()).toJson(QJsonDocument::Compact);
    return QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex().left(32);
}

Result<void> rehashMirrorStates(Database &db)
{
    for (const char *table : {"leads", "agents"}) {
        auto n = rehashTable(db, table);
        if (!n)
            return n.error();
        qCInfo(lcStore) << "migration 18: re-hashed" << *n << "mirror rows in" << table;
    }
    return {};
}

} // namespace lb
