#include "TestBackend.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace lb::test {
namespace {

Result<void> runStatements(const StoreConfig &config, const QString &database,
                           const QStringList &statements)
{
    const QString name = QStringLiteral("lb-test-admin-") + QUuid::createUuid().toString();
    Result<void> result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(config.host);
        db.setPort(config.port);
        db.setUserName(config.user);
        db.setDatabaseName(database);
        if (!db.open()) {
            result = makeError(QStringLiteral("test_pg"), db.lastError().text());
        } else {
            QSqlQuery q(db);
            for (const QString &sql : statements) {
                if (!q.exec(sql)) {
                    result
                        = makeError(QStringLiteral("test_pg"), sql + u": " + q.lastError().text());
                    break;
                }
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

} // namespace

bool TestBackend::isPostgres()
{
    return qEnvironmentVariable("LB_TEST_BACKEND") == QLatin1String("postgres");
}

QString TestBackend::name()
{
    return isPostgres() ? QStringLiteral("postgres") : QStringLiteral("sqlite");
}

Result<StoreConfig> TestBackend::postgresServer()
{
    const QString state = qEnvironmentVariable("LB_TEST_PG_STATE");
    QFile file(state + QStringLiteral("/url"));
    if (state.isEmpty() || !file.open(QIODevice::ReadOnly))
        return makeError(
            QStringLiteral("test_pg"),
            QStringLiteral("The PostgreSQL test server is not running (no %1); run "
                           "the tests through ctest so the postgres fixture starts it.")
                .arg(file.fileName()));
    return StoreConfig::parse(QString::fromUtf8(file.readAll()).trimmed());
}

Result<StoreConfig> TestBackend::freshStore(const QTemporaryDir &dir)
{
    if (!isPostgres()) {
        static int counter = 0;
        return StoreConfig::sqlite(dir.filePath(QStringLiteral("store-%1.db").arg(++counter)));
    }
    auto server = postgresServer();
    if (!server)
        return server;
    // Identifiers cannot be bound; this one is built from the test's own name only.
    QString database = qEnvironmentVariable("LB_TEST_NAME", QStringLiteral("lbtest")).toLower();
    for (QChar &c : database) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128))
            c = u'_';
    }
    database = QStringLiteral("lbt_") + database;
    auto exists = runStatements(*server, QStringLiteral("postgres"), {});
    if (!exists)
        return exists.error();
    // CREATE DATABASE has no IF NOT EXISTS; ignore "already exists".
    (void)runStatements(*server, QStringLiteral("postgres"),
                        {QStringLiteral("CREATE DATABASE %1").arg(database)});
    auto reset = runStatements(*server, database,
                               {QStringLiteral("DROP SCHEMA IF EXISTS public CASCADE"),
                                QStringLiteral("CREATE SCHEMA public")});
    if (!reset)
        return reset.error();
    StoreConfig config = *server;
    config.database = database;
    return config;
}

} // namespace lb::test
