#include "StoreScan.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace lb::test {

Result<QStringList> storeTables(Database &db)
{
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    // SQLite's virtual tables (the FTS5 index) hold nothing of their own to read: their shadow
    // tables, ordinary ones, are read instead.
    const QString sql = db.isSqlite()
        ? QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                         "sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
        : QStringLiteral("SELECT table_name FROM information_schema.tables WHERE "
                         "table_schema = current_schema() AND table_type = 'BASE TABLE' "
                         "ORDER BY table_name");
    if (!q.exec(sql))
        return Database::errorFrom(q.lastError(), QStringLiteral("cannot list the tables"));
    QStringList tables;
    while (q.next())
        tables.append(q.value(0).toString());
    return tables;
}

Result<QStringList> findInEveryTable(Database &db, const QStringList &needles)
{
    auto tables = storeTables(db);
    if (!tables)
        return tables.error();
    QStringList hits;
    for (const QString &table : std::as_const(*tables)) {
        QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
        q.setForwardOnly(true);
        // A catalogue name, quoted: test code reading its own store.
        if (!q.exec(QStringLiteral("SELECT * FROM \"%1\"").arg(table)))
            return Database::errorFrom(q.lastError(), QStringLiteral("cannot read ") + table);
        while (q.next()) {
            const QSqlRecord r = q.record();
            for (int c = 0; c < r.count(); ++c) {
                const QVariant v = r.value(c);
                if (v.isNull())
                    continue;
                const QString text = v.typeId() == QMetaType::QByteArray
                    ? QString::fromLatin1(v.toByteArray())
                    : v.toString();
                for (const QString &needle : needles) {
                    if (!needle.isEmpty() && text.contains(needle, Qt::CaseInsensitive))
                        hits.append(QStringLiteral("%1.%2 holds \"%3\": %4")
                                        .arg(table, r.fieldName(c), needle, text.left(160)));
                }
            }
        }
    }
    hits.sort();
    return hits;
}

} // namespace lb::test
