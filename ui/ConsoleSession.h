#pragma once

#include "ConsoleContext.h"
#include "engine/adapters/EnginePorts.h"

#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>

namespace lb {
class StoreAttachedController;
class ThreadedSyncController;
} // namespace lb

namespace lb::ui {

class MainWindow;
class SetupWizard;

// The console on one profile: its store connection, the engine on its thread and the window.
// Switching profiles stops the engine (without blocking the console), closes the window and
// opens all three again on the other profile, its store and its secrets. The profile opened
// last is remembered and opens next time.
class ConsoleSession : public QObject
{
    Q_OBJECT
public:
    explicit ConsoleSession(CredentialStore &credentials, QObject *parent = nullptr);
    ~ConsoleSession() override;

    // Opens the profile at `path`; what cannot be had (store unreachable...) is said in the
    // window instead. With no path and no profile at all, the first-run setup opens.
    void open(const QString &path);
    // A console on a context made elsewhere (the demo), with its store and fixed secrets.
    void openPrepared(ConsoleContext context, std::unique_ptr<Store> store,
                      std::optional<EngineSecrets> secrets);
    // Stops the engine on the current profile, then opens `path` (`switched` follows).
    void switchTo(const QString &path);
    // Asks the engine to stop (on quit). True when it is stopping: `closed` follows once its
    // thread has ended, and the caller keeps the main loop running until then.
    bool close();

    // How the browser is opened for a Salesforce sign-in (tests play it); see ConsoleContext.
    void setBrowserOpener(std::function<bool(const QUrl &)> opener, int signInTimeoutMs);

    MainWindow *window() const { return m_window; }
    SetupWizard *setupWizard() const;
    ThreadedSyncController *engine() const { return m_engine.get(); }
    // Set when the console attached to an engine already running on the store (no own engine).
    StoreAttachedController *attachment() const { return m_attached.get(); }
    const ConsoleContext &context() const { return m_context; }

    // The profile to open when none is named: the last one opened, else the default file, else
    // the first in the profiles folder.
    static QString profileToOpen();

signals:
    void windowOpened(lb::ui::MainWindow *window);
    void switched(const QString &profilePath);
    // "Try the demo" in the first-run setup: the application opens the demo.
    void demoRequested();
    void closed();

private:
    void prepare(const QString &path);
    void launch(std::optional<EngineSecrets> secrets);
    // When engines already run on the store (live heartbeats), the console attaches to them
    // instead of starting its own; true when it did.
    bool attachIfRunning();
    void showWindow();
    void finishSwitch();
    void showSetup();

    CredentialStore &m_credentials;
    ConsoleContext m_context;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ThreadedSyncController> m_engine;
    std::unique_ptr<StoreAttachedController> m_attached;
    QPointer<MainWindow> m_window;
    QPointer<SetupWizard> m_setup;
    std::function<bool(const QUrl &)> m_openBrowser;
    int m_signInTimeoutMs = 5 * 60'000;
    QString m_switchTo;
};

} // namespace lb::ui
