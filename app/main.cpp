// leadbridge: the console (default), and the headless commands of the same engine.
#include "MainWindow.h"
#include "auth/KeychainCredentialStore.h"
#include "cli/Cli.h"
#include "cli/CliContext.h"
#include "console/DisplayCheck.h"
#include "demo/DemoEnvironment.h"
#include "log/Logging.h"
#include "log/MessageHandler.h"
#include "store/Store.h"
#include "engine/ThreadedSyncController.h"
#include "engine/adapters/EngineSetupFactory.h"
#include "util/Clock.h"
#include "util/UnixSignalWatcher.h"

#include <QApplication>
#include <QCoreApplication>
#include <QStatusBar>

#include <cstdio>
#include <memory>
#include <string_view>

namespace {

void describeApplication(QCoreApplication &app)
{
    app.setApplicationName(QStringLiteral("LeadBridge"));
    app.setOrganizationName(QStringLiteral("LeadBridge"));
    app.setOrganizationDomain(QStringLiteral("leadbridge.io"));
    app.setApplicationVersion(QStringLiteral(LB_VERSION));
}

// True when the command line asks for something that needs no window: --help, --version or a
// sub-command. Decided before any QApplication exists, so `leadbridge --help` works on a
// server without a display.
bool isHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "-v" || arg == "--version"
            || arg == "--help-all")
            return true;
        if (arg == "--profile") {
            ++i; // its value is no command
            continue;
        }
        if (!arg.empty() && arg.front() != '-')
            return true;
    }
    return false;
}

int runHeadless(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("LeadBridge"));
    QCoreApplication::setOrganizationName(QStringLiteral("LeadBridge"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LB_VERSION));
    return lb::cli::run(argc, argv);
}

QString profileArgument(const QStringList &args)
{
    for (int i = 1; i < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--profile") && i + 1 < args.size())
            return args.at(i + 1);
        if (args.at(i).startsWith(QLatin1String("--profile=")))
            return args.at(i).mid(10);
    }
    return {};
}

// What the console works with. Whatever cannot be had (no profile yet, store unreachable) is
// said in `problem`; the console still opens and shows it.
struct Console
{
    lb::ui::ConsoleContext context;
    std::unique_ptr<lb::sandbox::DemoEnvironment> demo; // --demo: both systems in process
    std::unique_ptr<lb::Store> store;
    std::unique_ptr<lb::KeychainCredentialStore> credentials;
    std::unique_ptr<lb::ThreadedSyncController> engine;
};

bool wantsDemo(const QStringList &args)
{
    return args.contains(QStringLiteral("--demo"));
}

// The engine on its own thread, started so the console shows live work at once.
void launchEngine(Console &console, std::optional<lb::EngineSecrets> fixedSecrets)
{
    lb::ui::ConsoleContext &ctx = console.context;
    console.engine = std::make_unique<lb::ThreadedSyncController>(
        lb::consoleEngineSetup(ctx.profile, ctx.storeConfig, ctx.mapping, std::move(fixedSecrets)));
    console.engine->launch();
    console.engine->start();
    ctx.controller = console.engine.get();
}

void prepare(Console &console, const QString &profileArg)
{
    lb::ui::ConsoleContext &ctx = console.context;
    ctx.clock = &lb::Clock::system();
    console.credentials = std::make_unique<lb::KeychainCredentialStore>();
    ctx.credentials = console.credentials.get();
    auto mapping = lb::FieldMapping::defaultMapping();
    if (mapping)
        ctx.mapping = *mapping;
    auto profile = lb::cli::loadProfile(profileArg);
    if (!profile) {
        ctx.problem = profile.error().message;
        return;
    }
    ctx.profile = *profile;
    ctx.profilePath = profile->sourceFile;
    if (auto own = lb::FieldMapping::load(profile->mapping))
        ctx.mapping = *own;
    else
        ctx.problem = own.error().message;
    auto config = lb::cli::storeFor(*profile);
    if (!config) {
        ctx.problem = config.error().message;
        return;
    }
    ctx.storeConfig = *config;
    auto store = lb::Store::open(*config, lb::Clock::system(), QStringLiteral("console"));
    if (!store) {
        ctx.problem = store.error().message;
        return;
    }
    console.store = std::move(*store);
    ctx.store = console.store.get();
    launchEngine(console, std::nullopt);
}

// --demo: the sandbox org and lead platform in this process, seeded and busy, a throwaway
// profile and store, and the engine attached: every view has something to show within seconds.
void prepareDemo(Console &console)
{
    lb::ui::ConsoleContext &ctx = console.context;
    ctx.clock = &lb::Clock::system();
    console.credentials = std::make_unique<lb::KeychainCredentialStore>();
    ctx.credentials = console.credentials.get();
    console.demo = std::make_unique<lb::sandbox::DemoEnvironment>();
    // Said once, so a user (or a test) knows what is created and that it goes away again.
    std::fprintf(stderr, "LeadBridge demo: throwaway profile and store in %s (removed on exit)\n",
                 qPrintable(console.demo->folder()));
    if (auto started = console.demo->start(); !started) {
        ctx.problem = QStringLiteral("The demo could not start: ") + started.error().message;
        return;
    }
    ctx.profile = console.demo->profile();
    ctx.mapping = *lb::FieldMapping::defaultMapping();
    ctx.storeConfig = console.demo->store();
    auto store = lb::Store::open(ctx.storeConfig, lb::Clock::system(), QStringLiteral("console"));
    if (!store) {
        ctx.problem = store.error().message;
        return;
    }
    console.store = std::move(*store);
    ctx.store = console.store.get();
    launchEngine(console, console.demo->secrets());
    console.demo->startTraffic();
}

int runConsole(int argc, char **argv)
{
    if (const QString missing = lb::console::missingDisplay(argc, argv); !missing.isEmpty())
        lb::console::exitForMissingDisplay(missing);
    std::unique_ptr<QApplication> application;
    {
        const lb::console::DisplayFailureGuard guard;
        application = std::make_unique<QApplication>(argc, argv);
    }
    QApplication &app = *application;
    describeApplication(app);
    // SIGTERM and SIGINT (a closed terminal, Ctrl+C) end the console the way closing its window
    // does, so everything below unwinds: the engine stops and a demo removes its folder. The
    // watcher outlives the console so a second signal during shutdown cannot cut it short.
    const lb::UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &lb::UnixSignalWatcher::terminationRequested, &app,
                     &QCoreApplication::quit);
    app.setDesktopFileName(QStringLiteral("io.leadbridge.LeadBridge"));
    Console console;
    if (wantsDemo(app.arguments()))
        prepareDemo(console);
    else
        prepare(console, profileArgument(app.arguments()));
    int code = 0;
    {
        lb::ui::MainWindow window(console.context);
        if (console.engine) {
            lb::ThreadedSyncController *engine = console.engine.get();
            QObject::connect(
                engine, &lb::ThreadedSyncController::initialized, &window,
                [&window](bool ok, const QString &error) {
                    if (!ok)
                        window.statusBar()->showMessage(
                            QObject::tr("The sync engine is not running: %1").arg(error));
                });
            // Settings changed in the console apply to the running engine.
            auto reload = [&console, engine] {
                engine->reload(console.context.profile, console.context.mapping);
            };
            QObject::connect(&window, &lb::ui::MainWindow::profileChanged, engine,
                             [&console, reload](const lb::Profile &p) {
                                 console.context.profile = p;
                                 reload();
                             });
            QObject::connect(&window, &lb::ui::MainWindow::mappingSaved, engine,
                             [&console, reload](const lb::FieldMapping &m) {
                                 console.context.mapping = m;
                                 reload();
                             });
            QObject::connect(&window, &lb::ui::MainWindow::secretsChanged, engine,
                             [reload](const QString &) { reload(); });
        }
        if (console.demo)
            window.setWindowTitle(QStringLiteral("LeadBridge (demo)"));
        window.show();
        code = app.exec();
        if (console.demo)
            console.demo->stopTraffic();
        if (console.engine && !console.engine->isStopped()) {
            // The main loop runs once more, the window gone, while the engine finishes its
            // round: stopping never blocks the GUI thread, which serves the keychain writes a
            // stopping engine may still make.
            QObject::connect(console.engine.get(), &lb::ThreadedSyncController::stopped, &app,
                             &QCoreApplication::quit);
            console.engine->stop();
            app.exec();
        }
    }
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    lb::installRedactingMessageHandler();
    if (isHeadless(argc, argv))
        return runHeadless(argc, argv);
    return runConsole(argc, argv);
}
