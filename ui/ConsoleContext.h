#pragma once

#include "config/Profile.h"
#include "mapping/FieldMapping.h"
#include "store/StoreConfig.h"

#include <functional>

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
    // Opens an address in the system browser (Salesforce sign-in); false when none opened.
    // Null: QDesktopServices::openUrl. Tests play the browser with an HTTP client.
    std::function<bool(const QUrl &)> openBrowser;
    int signInTimeoutMs = 5 * 60'000; // how long a browser sign-in may take
    // Why something above is missing (no profile, store not opened...), said to the admin.
    QString problem;

    const Clock &clockOrSystem() const;
    bool openInBrowser(const QUrl &url) const;
};

} // namespace lb::ui
