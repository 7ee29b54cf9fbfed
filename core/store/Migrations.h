#pragma once

#include "Database.h"

namespace lb {

// Versioned schema. Each migration runs in its own transaction and is recorded in
// `schema_version`; a failing one rolls back and leaves the previous version intact.
// Several processes may start at once: the first takes the lock, the others find the work done.
class Migrations
{
public:
    static int latestVersion();
    // How many migrations there are (numbers may skip one that another branch holds).
    static int count();
    static Result<int> currentVersion(Database &db);
    static Result<void> migrate(Database &db);
};

} // namespace lb
