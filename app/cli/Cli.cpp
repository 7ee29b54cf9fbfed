#include "Cli.h"

#include "CliContext.h"
#include "CredentialsCommand.h"
#include "EngineCommands.h"
#include "ExportCommand.h"
#include "ForgetCommand.h"
#include "ImportCommand.h"
#include "InboxCommand.h"
#include "LoginCommand.h"
#include "StatusCommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>

#include <cstdio>
#include <cstring>
#include <memory>

namespace lb::cli {
namespace {

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(CliContext &);
};

const Command Commands[] = {
    {"sync", "run the engine until SIGTERM/SIGINT, or one full pass with --once", runSync},
    {"status", "state, queue depth, inbox count, limits, breakers, last sync times [--json]",
     runStatus},
    {"inbox", "list | retry ID...|--all | discard ID... --reason TEXT", runInbox},
    {"reconcile", "compare both systems now, queue the repairs, print the report [--json]",
     runReconcile},
    {"login",
     "sign in to Salesforce in the browser; the refresh token goes to the keychain "
     "[--no-browser]",
     runLogin},
    {"credentials",
     "set|delete --system S --secret NAME (stdin; delete revokes a refresh token) | list | test "
     "--system S",
     runCredentials},
    {"export",
     "--report leads|history|errors|api-usage|reconcile --format csv|json|pdf --out FILE "
     "[--since DATE] [--until DATE]",
     runExport},
    {"forget",
     "--email ADDRESS [--json]: erase one person from the store, leaving a tombstone (cannot "
     "be undone; Salesforce and the platform keep their own records)",
     runForget},
    {"import",
     "FILE [--dry-run]: leads from a CSV file, through the sync queue (above "
     "sync.bulk_threshold sent at once through a Bulk API job, with its progress)",
     runImport},
};

QString helpText()
{
    QString text = QStringLiteral("LeadBridge keeps Salesforce and the lead platform in sync.\n\n"
                                  "Without a command it opens the console.\n\nCommands:\n");
    for (const Command &c : Commands)
        text += QStringLiteral("  %1  %2\n")
                    .arg(QLatin1String(c.name), -10)
                    .arg(QLatin1String(c.summary));
    text += QStringLiteral("\nEvery command takes --profile FILE (default: %1).\n"
                           "Exit codes: 0 ok, 1 records went to the inbox, 2 configuration or "
                           "credentials wrong, 3 other failure.")
                .arg(Profile::defaultPath());
    return text;
}

} // namespace

bool isCommand(const char *word)
{
    for (const Command &c : Commands) {
        if (std::strcmp(c.name, word) == 0)
            return true;
    }
    return false;
}

int run(int argc, char **argv)
{
    // PDF needs fonts, so a GUI application, but never a display: render offscreen.
    std::unique_ptr<QCoreApplication> application;
    if (exportNeedsGui(argc, argv)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        application = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        application = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication &app = *application;
    QTextStream out(stdout);
    QTextStream err(stderr);

    // Global options come first; the command and its own options follow.
    QStringList args = app.arguments();
    QString profilePath;
    QStringList rest;
    for (int i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--profile") && i + 1 < args.size())
            profilePath = args.at(++i);
        else if (a.startsWith(QLatin1String("--profile=")))
            profilePath = a.mid(10);
        else
            rest.append(a);
    }
    if (rest.isEmpty() || rest.first() == QLatin1String("--help")
        || rest.first() == QLatin1String("-h") || rest.first() == QLatin1String("--help-all")) {
        out << helpText() << Qt::endl;
        return Ok;
    }
    if (rest.first() == QLatin1String("--version") || rest.first() == QLatin1String("-v")) {
        out << "LeadBridge " << QCoreApplication::applicationVersion() << Qt::endl;
        return Ok;
    }
    const Command *command = nullptr;
    for (const Command &c : Commands) {
        if (rest.first() == QLatin1String(c.name))
            command = &c;
    }
    if (!command) {
        err << "leadbridge: unknown command \"" << rest.first() << "\". Run leadbridge --help."
            << Qt::endl;
        return ConfigError;
    }
    auto profile = loadProfile(profilePath);
    if (!profile) {
        err << "leadbridge: " << profile.error().message << Qt::endl;
        return ConfigError;
    }
    auto store = storeFor(*profile);
    if (!store) {
        err << "leadbridge: " << store.error().message << Qt::endl;
        return ConfigError;
    }
    CliContext ctx {*profile, *store, rest.mid(1), out, err};
    return command->run(ctx);
}

} // namespace lb::cli
