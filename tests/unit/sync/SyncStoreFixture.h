#pragma once

// The common ground of the sync unit tests: a fresh SQLite store in a temporary folder (a file of
// its own for each test function) and the default mapping's planners. Tests only.
#include "mapping/FieldMapping.h"
#include "store/Store.h"
#include "sync/SyncPlanner.h"
#include "util/Clock.h"

#include <QTemporaryDir>

#include <memory>

namespace lb::test {

struct SyncStoreFixture
{
    QTemporaryDir dir;
    ManualClock clock;
    std::unique_ptr<Store> store;
    std::unique_ptr<SyncPlanner> leads;
    std::unique_ptr<SyncPlanner> agents;

    // Opens the next store (the previous one is closed) and builds the planners.
    Result<void> open()
    {
        static int n = 0;
        store.reset();
        auto opened
            = Store::open(StoreConfig::sqlite(dir.filePath(QStringLiteral("s%1.db").arg(++n))),
                          clock, QStringLiteral("test"));
        if (!opened)
            return opened.error();
        store = std::move(opened).value();
        auto mapping = FieldMapping::defaultMapping();
        if (!mapping)
            return mapping.error();
        leads = std::make_unique<SyncPlanner>(mapping->lead);
        agents = std::make_unique<SyncPlanner>(mapping->agent);
        return {};
    }
};

} // namespace lb::test
