#include "LoginCommand.h"

#include "Wait.h"
#include "auth/KeychainCredentialStore.h"
#include "auth/SalesforceSignIn.h"
#include "config/ProfileFile.h"
#include "util/UnixSignalWatcher.h"

#include <QCommandLineParser>
#include <QProcess>

namespace lb::cli {

int runLogin(CliContext &ctx)
{
    QCommandLineParser parser;
    const QCommandLineOption noBrowser(
        QStringLiteral("no-browser"),
        QStringLiteral("Print the sign-in address instead of opening a browser."));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Seconds to wait for the sign-in (300)."),
                                     QStringLiteral("SECONDS"), QStringLiteral("300"));
    parser.addOptions({noBrowser, timeout});
    if (!parser.parse(QStringList {QStringLiteral("leadbridge login")} + ctx.args)) {
        ctx.err << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    bool numeric = false;
    const int seconds = parser.value(timeout).toInt(&numeric);
    if (!numeric || seconds < 1 || seconds > 3600) {
        ctx.err << "leadbridge login: --timeout wants 1 to 3600 seconds, got \""
                << parser.value(timeout) << "\"." << Qt::endl;
        return ConfigError;
    }
    const Profile &profile = ctx.profile;
    if (auto usable = auth::SalesforceSignIn::check(profile); !usable) {
        ctx.err << usable.error().message << Qt::endl;
        return ConfigError;
    }

    KeychainCredentialStore keychain;
    QObject context;
    auth::SalesforceSignIn signIn(profile, keychain);
    const bool printOnly = parser.isSet(noBrowser);
    auto openBrowser = [&](const QUrl &url) {
        const QString address = url.toString(QUrl::FullyEncoded);
        if (printOnly) {
            ctx.out << "Open this address in a browser and sign in to Salesforce:" << Qt::endl
                    << address << Qt::endl;
        } else {
            ctx.out << "Opening the browser to sign in to Salesforce. If none opens, use:"
                    << Qt::endl
                    << address << Qt::endl;
            QProcess::startDetached(QStringLiteral("xdg-open"), {address});
        }
        ctx.out << "Waiting up to " << seconds << " s for the sign-in (Ctrl+C cancels)..."
                << Qt::endl;
    };

    // Ctrl+C or SIGTERM cancel the flow, which closes the loopback listener.
    UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &signIn,
                     &auth::SalesforceSignIn::cancel);

    auto outcome = await<Result<auth::SalesforceSignIn::Outcome>>(
        [&](auto done) { signIn.signIn(seconds * 1000, openBrowser, &context, done); });
    if (!outcome) {
        if (outcome.error().code == QLatin1String("token_not_stored")
            || outcome.error().code == QLatin1String("no_refresh_token")
            || outcome.error().code == QLatin1String("profile"))
            ctx.err << outcome.error().message << Qt::endl;
        else
            ctx.err << "Sign-in to Salesforce did not complete: " << outcome.error().message
                    << Qt::endl;
        return ConfigError;
    }
    ctx.out << "Signed in to Salesforce at " << outcome->instanceUrl.toString()
            << "; the refresh token is in the OS keychain as " << outcome->account << '.'
            << Qt::endl;
    // Where the org lives and who signed in go to the profile (never the token).
    auto updated
        = ProfileFile::update(profile.sourceFile, auth::SalesforceSignIn::profileChanges(*outcome));
    if (!updated)
        ctx.err << "The profile was not updated: " << updated.error().message << Qt::endl;
    return Ok;
}

} // namespace lb::cli
