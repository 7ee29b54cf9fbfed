#pragma once

#include "store/Database.h"

#include <QStringList>

namespace lb::test {

// Searches every value of every table of the store (enumerated from the catalogue, so a table
// added later is searched too) for each needle, case-insensitively. Answers one line per hit,
// sorted: "table.column holds "needle": <value, shortened>". For the erasure tests.
Result<QStringList> findInEveryTable(Database &db, const QStringList &needles);

// The tables the store holds (SQLite: including FTS5 shadow tables; PostgreSQL: the schema's).
Result<QStringList> storeTables(Database &db);

} // namespace lb::test
