#pragma once

#include "config/Profile.h"
#include "mapping/FieldMapping.h"
#include "store/StoreConfig.h"

namespace lb {
class Clock;
class CredentialStore;
class Store;
class SyncController;
} // namespace lb

namespace lb::ui {

// What the console works with; app/main.cpp builds it, tests build their own. Nothing here is
// owned by the console: everything outlives the MainWindow.
struct ConsoleContext
{
    // The engine, on its own thread. Null: not connected; the views show data but commands
    // (start, retry, cancel, test connection, fetch live values) are disabled.
    SyncController *controller = nullptr;
    // The GUI thread's own store connection (item models read through it). Null: no store.
    Store *store = nullptr;
    // How exports and imports open their own connection on their worker threads.
    StoreConfig storeConfig;
    CredentialStore *credentials = nullptr;
    Profile profile;
    QString profilePath; // the profile file the credentials and mapping views update
    FieldMapping mapping;
    const Clock *clock = nullptr; // null: the system clock
    // Why something above is missing (no profile, store not opened...), said to the admin.
    QString problem;

    const Clock &clockOrSystem() const;
};

} // namespace lb::ui
