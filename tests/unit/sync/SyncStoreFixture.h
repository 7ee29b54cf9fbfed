#pragma once

// The common ground of the sync unit tests: a fresh SQLite store in a temporary folder (a file of
// its own for each test function), the default mapping's planners, and the API budgets and
// breakers a Dispatcher guards its calls with. Tests only.
#include "mapping/FieldMapping.h"
#include "net/CircuitBreaker.h"
#include "store/Store.h"
#include "sync/ApiBudget.h"
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
    std::unique_ptr<ApiBudget> sfBudget;
    std::unique_ptr<ApiBudget> pfBudget;
    std::unique_ptr<CircuitBreaker> sfBreaker;
    std::unique_ptr<CircuitBreaker> pfBreaker;

    // Opens the next store (the previous one is closed), builds the planners and fresh budgets
    // (pause at 90%, 1,000 calls allowed) and closed breakers.
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
        sfBudget
            = std::make_unique<ApiBudget>(QStringLiteral("salesforce"), clock, 0.9, 1000, 1000);
        pfBudget = std::make_unique<ApiBudget>(QStringLiteral("platform"), clock, 0.9, 1000, 1000);
        sfBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("salesforce"), clock);
        pfBreaker = std::make_unique<CircuitBreaker>(QStringLiteral("platform"), clock);
        return {};
    }
};

} // namespace lb::test
