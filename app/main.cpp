// leadbridge: the console (default), and the headless commands of the same engine.
#include "MainWindow.h"
#include "auth/KeychainCredentialStore.h"
#include "cli/Cli.h"
#include "cli/CliContext.h"
#include "log/Logging.h"
#include "log/MessageHandler.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QApplication>
#include <QCoreApplication>

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
    std::unique_ptr<lb::Store> store;
    std::unique_ptr<lb::KeychainCredentialStore> credentials;
};

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
    // LATER(lead): the real engine, e.g. a ThreadedSyncController launched here, as
    // ctx.controller; and --demo (sandbox org and platform in-process). Until then the console
    // shows the store and the engine's commands are disabled.
}

int runConsole(int argc, char **argv)
{
    QApplication app(argc, argv);
    describeApplication(app);
    app.setDesktopFileName(QStringLiteral("io.leadbridge.LeadBridge"));
    Console console;
    prepare(console, profileArgument(app.arguments()));
    int code = 0;
    {
        lb::ui::MainWindow window(console.context);
        window.show();
        code = app.exec();
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
