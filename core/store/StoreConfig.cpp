#include "StoreConfig.h"

#include <QDir>
#include <QUrl>

namespace lb {

Result<StoreConfig> StoreConfig::parse(const QString &url)
{
    static const QString sqlitePrefix = QStringLiteral("sqlite://");
    if (url.startsWith(sqlitePrefix)) {
        const QString path = url.mid(sqlitePrefix.size());
        if (path.isEmpty() || !QDir::isAbsolutePath(path))
            return makeError(QStringLiteral("store_config"),
                             QStringLiteral("The SQLite store path must be absolute, as in "
                                            "sqlite:///home/admin/leadbridge.db (got \"%1\").")
                                 .arg(url));
        return sqlite(path);
    }

    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid()
        || (parsed.scheme() != QLatin1String("postgresql")
            && parsed.scheme() != QLatin1String("postgres")))
        return makeError(QStringLiteral("store_config"),
                         QStringLiteral("Unknown store \"%1\": use sqlite:///ABSOLUTE/PATH or "
                                        "postgresql://USER@HOST:PORT/DB.")
                             .arg(url));
    if (!parsed.password().isEmpty())
        return makeError(QStringLiteral("store_config"),
                         QStringLiteral("The store URL must not contain a password; keep it in "
                                        "the keychain or LEADBRIDGE_PG_PASSWORD."));
    StoreConfig config;
    config.backend = Backend::Postgres;
    config.host = parsed.host().isEmpty() ? QStringLiteral("localhost") : parsed.host();
    config.port = parsed.port(5432);
    config.user = parsed.userName();
    config.database = parsed.path().mid(1);
    if (config.database.isEmpty() || config.database.contains(u'/'))
        return makeError(QStringLiteral("store_config"),
                         QStringLiteral("The PostgreSQL store URL needs a database name, as in "
                                        "postgresql://leadbridge@db.internal:5432/leadbridge."));
    return config;
}

StoreConfig StoreConfig::sqlite(const QString &path)
{
    StoreConfig config;
    config.backend = Backend::Sqlite;
    config.sqlitePath = path;
    return config;
}

QString StoreConfig::displayUrl() const
{
    if (backend == Backend::Sqlite)
        return QStringLiteral("sqlite://") + sqlitePath;
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

} // namespace lb
