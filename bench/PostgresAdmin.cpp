#include "PostgresAdmin.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace lb::bench {

QString execOnPostgres(const StoreConfig &config, const QStringList &statements)
{
    const QString name = QStringLiteral("bench-pg-admin");
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(config.host);
        db.setPort(config.port);
        db.setUserName(config.user);
        db.setPassword(config.password);
        db.setDatabaseName(config.database);
        db.setConnectOptions(QStringLiteral("options='-c client_min_messages=warning'"));
        if (!db.open()) {
            error = db.lastError().text();
        } else {
            QSqlQuery q(db);
            for (const QString &statement : statements) {
                if (!q.exec(statement)) {
                    error = statement + QStringLiteral(": ") + q.lastError().text();
                    break;
                }
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

QString resetPostgres(const StoreConfig &config)
{
    return execOnPostgres(config,
                          {QStringLiteral("DROP SCHEMA IF EXISTS public CASCADE"),
                           QStringLiteral("CREATE SCHEMA public")});
}

} // namespace lb::bench
