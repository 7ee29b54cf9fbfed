#pragma once

#include "store/StoreConfig.h"

#include <QStringList>

namespace lb::bench {

// Statements the bench runs on PostgreSQL outside the store (a fresh schema, VACUUM, which no
// transaction may hold), over a connection of their own. Returns the first error, or "".
QString execOnPostgres(const StoreConfig &config, const QStringList &statements);

// An empty `public` schema, so each section starts from nothing. Returns the error, or "".
QString resetPostgres(const StoreConfig &config);

} // namespace lb::bench
