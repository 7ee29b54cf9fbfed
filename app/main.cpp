// leadbridge: the console (default), and the headless commands of the same engine.
#include "MainWindow.h"
#include "cli/Cli.h"
#include "log/Logging.h"
#include "log/MessageHandler.h"

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

int runConsole(int argc, char **argv)
{
    QApplication app(argc, argv);
    describeApplication(app);
    app.setDesktopFileName(QStringLiteral("io.leadbridge.LeadBridge"));
    lb::ui::MainWindow window;
    window.show();
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    lb::installRedactingMessageHandler();
    if (isHeadless(argc, argv))
        return runHeadless(argc, argv);
    return runConsole(argc, argv);
}
