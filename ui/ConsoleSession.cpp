#include "ConsoleSession.h"

#include "MainWindow.h"
#include "config/ProfileCatalog.h"
#include "engine/StoreAttachedController.h"
#include "engine/StoredStatus.h"
#include "engine/ThreadedSyncController.h"
#include "engine/adapters/EngineSetupFactory.h"
#include "setup/SetupWizard.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStatusBar>
#include <QSysInfo>

namespace lb::ui {
namespace {

const QString lastProfileKey = QStringLiteral("profiles/last");

} // namespace

ConsoleSession::ConsoleSession(CredentialStore &credentials, QObject *parent)
    : QObject(parent)
    , m_credentials(credentials)
{ }

ConsoleSession::~ConsoleSession()
{
    close();
    delete m_window.data();
}

QString ConsoleSession::profileToOpen()
{
    const QString last = QSettings().value(lastProfileKey).toString();
    if (!last.isEmpty() && QFileInfo::exists(last))
        return last;
    if (QFileInfo::exists(Profile::defaultPath()))
        return Profile::defaultPath();
    // The last one was deleted or renamed elsewhere: the first the picker lists.
    const auto entries = ProfileCatalog().entries();
    return entries.isEmpty() ? Profile::defaultPath() : entries.first().path;
}

void ConsoleSession::prepare(const QString &path)
{
    m_context = {};
    m_context.clock = &Clock::system();
    m_context.credentials = &m_credentials;
    m_context.openBrowser = m_openBrowser;
    m_context.signInTimeoutMs = m_signInTimeoutMs;
    if (auto mapping = FieldMapping::defaultMapping())
        m_context.mapping = *mapping;
    const QString file = path.isEmpty() ? profileToOpen() : path;
    if (!QFileInfo::exists(file)) {
        m_context.problem = tr("No profile at %1. Create one with File > Profiles, or pass "
                               "--profile FILE.")
                                .arg(QDir::toNativeSeparators(file));
        return;
    }
    auto profile = Profile::load(file);
    if (!profile) {
        m_context.problem = profile.error().message;
        return;
    }
    m_context.profile = *profile;
    m_context.profilePath = profile->sourceFile;
    QSettings().setValue(lastProfileKey, QFileInfo(file).absoluteFilePath());
    if (auto own = FieldMapping::load(profile->mapping))
        m_context.mapping = *own;
    else
        m_context.problem = own.error().message;
    auto config = ProfileCatalog::storeFor(*profile);
    if (!config) {
        m_context.problem = config.error().message;
        return;
    }
    m_context.storeConfig = *config;
    auto store = Store::open(*config, Clock::system(), QStringLiteral("console"));
    if (!store) {
        m_context.problem = store.error().message;
        return;
    }
    m_store = std::move(*store);
    m_context.store = m_store.get();
    if (!attachIfRunning())
        launch(std::nullopt);
}

bool ConsoleSession::attachIfRunning()
{
    auto running = fleet::engineRunning(*m_store, Clock::system().nowMs());
    if (!running || !*running)
        return false; // unreadable: the console's own engine says what is wrong
    m_attached = std::make_unique<StoreAttachedController>(
        m_context.storeConfig, Clock::system(),
        QStringLiteral("console@%1").arg(QSysInfo::machineHostName()));
    m_context.controller = m_attached.get();
    return true;
}

// The engine on its own thread, started so the console shows live work at once.
void ConsoleSession::launch(std::optional<EngineSecrets> secrets)
{
    m_engine = std::make_unique<ThreadedSyncController>(consoleEngineSetup(
        m_context.profile, m_context.storeConfig, m_context.mapping, std::move(secrets)));
    ThreadedSyncController *engine = m_engine.get();
    // Started once built: the worker waits for the keychain while it builds its clients, and
    // a command queued meanwhile would reach an engine without them.
    connect(
        engine, &ThreadedSyncController::initialized, engine,
        [engine](bool ok, const QString &) {
            if (ok)
                engine->start();
        },
        Qt::SingleShotConnection);
    engine->launch();
    m_context.controller = engine;
}

SetupWizard *ConsoleSession::setupWizard() const
{
    return m_setup;
}

void ConsoleSession::setBrowserOpener(std::function<bool(const QUrl &)> opener, int signInTimeoutMs)
{
    m_openBrowser = std::move(opener);
    m_signInTimeoutMs = signInTimeoutMs;
}

void ConsoleSession::open(const QString &path)
{
    if (path.isEmpty() && !QFileInfo::exists(profileToOpen())) {
        showSetup();
        return;
    }
    prepare(path);
    showWindow();
}

void ConsoleSession::showSetup()
{
    auto opener
        = m_openBrowser ? m_openBrowser : std::function<bool(const QUrl &)>([](const QUrl &url) {
              return ConsoleContext().openInBrowser(url);
          });
    auto *setup = new SetupWizard(m_credentials, opener, m_signInTimeoutMs);
    setup->setAttribute(Qt::WA_DeleteOnClose);
    m_setup = setup;
    auto demo = std::make_shared<bool>(false);
    connect(setup, &SetupWizard::demoRequested, this, [this, demo] {
        *demo = true;
        emit demoRequested();
    });
    // The new profile runs at once: the setup tests it and watches its first sync.
    connect(setup, &SetupWizard::profileWritten, this, [this, setup](const QString &written) {
        prepare(written);
        if (!m_engine)
            return setup->attachEngine(nullptr, m_context.problem);
        connect(
            m_engine.get(), &ThreadedSyncController::initialized, setup,
            [this, setup](bool ok, const QString &error) {
                setup->attachEngine(ok ? m_engine.get() : nullptr, error);
            },
            Qt::SingleShotConnection);
    });
    connect(setup, &QWizard::finished, this, [this, demo, setup](int) {
        if (*demo)
            return; // the demo opens its own window
        // Cancelled before a profile was written: the console says there is none yet.
        if (!m_engine)
            prepare(setup->profilePath());
        showWindow();
    });
    setup->show();
}

void ConsoleSession::openPrepared(ConsoleContext context, std::unique_ptr<Store> store,
                                  std::optional<EngineSecrets> secrets)
{
    m_context = std::move(context);
    m_store = std::move(store);
    m_context.store = m_store.get();
    if (m_store)
        launch(std::move(secrets));
    showWindow();
}

void ConsoleSession::showWindow()
{
    auto *window = new MainWindow(m_context);
    window->setAttribute(Qt::WA_DeleteOnClose, false);
    m_window = window;
    if (ThreadedSyncController *engine = m_engine.get()) {
        connect(engine, &ThreadedSyncController::initialized, window,
                [window](bool ok, const QString &error) {
                    if (!ok)
                        window->statusBar()->showMessage(
                            tr("The sync engine is not running: %1").arg(error));
                });
        // Settings changed in the console apply to the running engine.
        auto reload = [this] {
            if (m_engine)
                m_engine->reload(m_context.profile, m_context.mapping);
        };
        connect(window, &MainWindow::profileChanged, engine, [this, reload](const Profile &p) {
            m_context.profile = p;
            reload();
        });
        connect(window, &MainWindow::mappingSaved, engine, [this, reload](const FieldMapping &m) {
            m_context.mapping = m;
            reload();
        });
        connect(window, &MainWindow::secretsChanged, engine,
                [reload](const QString &) { reload(); });
    }
    if (m_attached)
        window->statusBar()->showMessage(
            tr("Attached to the sync engines already running on this profile's store."));
    connect(window, &MainWindow::switchProfileRequested, this, &ConsoleSession::switchTo);
    window->show();
    emit windowOpened(window);
}

void ConsoleSession::switchTo(const QString &path)
{
    if (!m_switchTo.isEmpty())
        return; // one switch at a time
    m_switchTo = path;
    if (m_window)
        m_window->statusBar()->showMessage(tr("Stopping the engine to switch profiles…"));
    if (m_engine && m_engine->worker()) {
        connect(m_engine.get(), &ThreadedSyncController::stopped, this,
                &ConsoleSession::finishSwitch, Qt::SingleShotConnection);
        m_engine->stop();
        return;
    }
    // Never from inside the window's own signal: it is about to go.
    QMetaObject::invokeMethod(this, &ConsoleSession::finishSwitch, Qt::QueuedConnection);
}

void ConsoleSession::finishSwitch()
{
    const QString path = std::exchange(m_switchTo, QString());
    // The window goes first (its views read the store), then the engine, then the store. It
    // saves its size and place, which the next one takes over.
    delete m_window.data();
    m_context.controller = nullptr;
    m_engine.reset(); // its worker has stopped and its thread ended
    m_attached.reset();
    m_context.store = nullptr;
    m_store.reset();
    open(path);
    emit switched(path);
}

bool ConsoleSession::close()
{
    if (!m_engine || m_engine->isStopped())
        return false;
    connect(m_engine.get(), &ThreadedSyncController::stopped, this, &ConsoleSession::closed,
            Qt::SingleShotConnection);
    m_engine->stop();
    return true;
}

} // namespace lb::ui
