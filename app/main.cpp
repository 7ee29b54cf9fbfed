// leadbridge: the console (default), and the headless commands of the same engine.
#include "ConsoleSession.h"
#include "MainWindow.h"
#include "auth/KeychainCredentialStore.h"
#include "cli/Cli.h"
#include "console/DisplayCheck.h"
#include "demo/DemoEnvironment.h"
#include "log/Logging.h"
#include "log/MessageHandler.h"
#include "store/Store.h"
#include "util/Clock.h"
#include "util/CoreDumps.h"
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

bool wantsDemo(const QStringList &args)
{
    return args.contains(QStringLiteral("--demo"));
}

// --demo: the sandbox org and lead platform in this process, seeded and busy, a throwaway
// profile and store, and the engine attached: every view has something to show within seconds.
void openDemo(lb::ui::ConsoleSession &session, lb::sandbox::DemoEnvironment &demo,
              lb::CredentialStore &credentials)
{
    lb::ui::ConsoleContext ctx;
    ctx.clock = &lb::Clock::system();
    ctx.credentials = &credentials;
    // Said once, so a user (or a test) knows what is created and that it goes away again.
    std::fprintf(stderr, "LeadBridge demo: throwaway profile and store in %s (removed on exit)\n",
                 qPrintable(demo.folder()));
    if (auto started = demo.start(); !started) {
        ctx.problem = QStringLiteral("The demo could not start: ") + started.error().message;
        session.openPrepared(ctx, nullptr, std::nullopt);
        return;
    }
    ctx.profile = demo.profile();
    ctx.mapping = *lb::FieldMapping::defaultMapping();
    ctx.storeConfig = demo.store();
    auto store = lb::Store::open(ctx.storeConfig, lb::Clock::system(), QStringLiteral("console"));
    if (!store) {
        ctx.problem = store.error().message;
        session.openPrepared(ctx, nullptr, std::nullopt);
        return;
    }
    session.openPrepared(ctx, std::move(*store), demo.secrets());
    demo.startTraffic();
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
    lb::KeychainCredentialStore credentials;
    std::unique_ptr<lb::sandbox::DemoEnvironment> demo;
    int code = 0;
    {
        lb::ui::ConsoleSession session(credentials);
        auto startDemo = [&] {
            if (demo)
                return;
            demo = std::make_unique<lb::sandbox::DemoEnvironment>();
            QObject::connect(
                &session, &lb::ui::ConsoleSession::windowOpened, &app,
                [](lb::ui::MainWindow *window) {
                    window->setWindowTitle(QStringLiteral("LeadBridge (demo)"));
                },
                Qt::SingleShotConnection);
            openDemo(session, *demo, credentials);
        };
        // "Try the demo" from the first-run setup.
        QObject::connect(&session, &lb::ui::ConsoleSession::demoRequested, &app, startDemo);
        if (wantsDemo(app.arguments()))
            startDemo();
        else
            session.open(profileArgument(app.arguments()));
        code = app.exec();
        if (demo)
            demo->stopTraffic();
        if (session.close()) {
            // The main loop runs once more, the window gone, while the engine finishes its
            // round: stopping never blocks the GUI thread, which serves the keychain writes a
            // stopping engine may still make.
            QObject::connect(&session, &lb::ui::ConsoleSession::closed, &app,
                             &QCoreApplication::quit);
            app.exec();
        }
    }
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    lb::disableCoreDumps(); // before any secret is read: a core file would hold them
    lb::installRedactingMessageHandler();
    if (isHeadless(argc, argv))
        return runHeadless(argc, argv);
    return runConsole(argc, argv);
}
