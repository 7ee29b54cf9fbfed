#pragma once

#include "ConsoleContext.h"
#include "FakeSyncController.h"
#include "auth/MemoryCredentialStore.h"
#include "store/Store.h"

#include <QTemporaryDir>

#include <memory>

namespace lb::test {

// A console's surroundings for GUI tests: a SQLite store in a temporary folder (seeded with
// SampleData), a profile file, in-memory credentials and the fake engine, wired into a
// ConsoleContext. Settings go to Qt's test location.
class ConsoleFixture
{
public:
    // Returns an error message, or "" when ready.
    QString setUp(int leads = 500, bool seed = true);

    // A status as a busy engine would report it.
    SyncStatus sampleStatus() const;

    QTemporaryDir dir;
    ManualClock clock;
    std::unique_ptr<Store> store;
    std::unique_ptr<FakeSyncController> controller;
    std::unique_ptr<MemoryCredentialStore> credentials;
    ui::ConsoleContext context;
    QString profilePath;
};

} // namespace lb::test
