#pragma once

#include "util/Result.h"

#include <QString>

namespace lb {

// Where the store lives: `sqlite:///ABSOLUTE/PATH` (embedded default) or
// `postgresql://USER@HOST:PORT/DB` (scale-out). The PostgreSQL password never appears in the
// URL; it comes from the keychain or LEADBRIDGE_PG_PASSWORD.
struct StoreConfig
{
    enum class Backend { Sqlite, Postgres };

    Backend backend = Backend::Sqlite;
    QString sqlitePath;
    QString host;
    int port = 5432;
    QString user;
    QString database;
    QString password;

    static Result<StoreConfig> parse(const QString &url);
    static StoreConfig sqlite(const QString &path);

    // The URL without the password, for messages and logs.
    QString displayUrl() const;
};

} // namespace lb
