#pragma once

#include "store/StoreConfig.h"
#include "util/Result.h"

#include <QTemporaryDir>

namespace lb::test {

// The store backend a test process runs against, chosen by LB_TEST_BACKEND
// (sqlite | postgres), so one suite runs unchanged on both.
class TestBackend
{
public:
    static bool isPostgres();
    static QString name();

    // A config for an empty store. SQLite: a new file under `dir`. PostgreSQL: the database
    // named after this test (LB_TEST_NAME) on the fixture server, with its schema dropped.
    static Result<StoreConfig> freshStore(const QTemporaryDir &dir);

    // The fixture server's URL (postgresql://postgres@127.0.0.1:PORT/postgres), if running.
    static Result<StoreConfig> postgresServer();
};

} // namespace lb::test
