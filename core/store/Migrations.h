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
    static Result<int> currentVersion(Database &db);
    static Result<void> migrate(Database &db);
    // Only up to version `upTo`: how a test builds a store as an older release left it.
    static Result<void> migrate(Database &db, int upTo);
};

} // namespace lb
