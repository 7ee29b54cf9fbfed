#include "LoginCommand.h"

#include "CommandRun.h"
#include "auth/KeychainCredentialStore.h"
#include "auth/SalesforceSignIn.h"
#include "config/ProfileFile.h"
#include "util/UnixSignalWatcher.h"

#include <QCommandLineParser>
#include <QProcess>

namespace lb::cli {
namespace {

// Runs the browser sign-in in the main loop; Ctrl+C or SIGTERM cancel it, which closes the
// loopback listener.
class LoginRun : public CommandRun
{
public:
    LoginRun(CliContext &ctx, int seconds, bool printOnly)
        : CommandRun(ctx)
        , m_seconds(seconds)
        , m_printOnly(printOnly)
    {
        connect(&m_signals, &UnixSignalWatcher::terminationRequested, &m_signIn,
                &auth::SalesforceSignIn::cancel);
    }

protected:
    void start() override
    {
        m_signIn.signIn(
            m_seconds * 1000, [this](const QUrl &url) { openBrowser(url); }, this,
            [this](Result<auth::SalesforceSignIn::Outcome> outcome) { signedIn(outcome); });
    }

private:
    void openBrowser(const QUrl &url)
    {
        const QString address = url.toString(QUrl::FullyEncoded);
        if (m_printOnly) {
            m_ctx.out << "Open this address in a browser and sign in to Salesforce:" << Qt::endl
                      << address << Qt::endl;
        } else {
            m_ctx.out << "Opening the browser to sign in to Salesforce. If none opens, use:"
                      << Qt::endl
                      << address << Qt::endl;
            QProcess::startDetached(QStringLiteral("xdg-open"), {address});
        }
        m_ctx.out << "Waiting up to " << m_seconds << " s for the sign-in (Ctrl+C cancels)..."
                  << Qt::endl;
    }

    void signedIn(const Result<auth::SalesforceSignIn::Outcome> &outcome)
    {
        if (!outcome) {
            const QString &code = outcome.error().code;
            if (code == QLatin1String("token_not_stored")
                || code == QLatin1String("no_refresh_token") || code == QLatin1String("profile"))
                m_ctx.err << outcome.error().message << Qt::endl;
            else
                m_ctx.err << "Sign-in to Salesforce did not complete: " << outcome.error().message
                          << Qt::endl;
            finish(ConfigError);
            return;
        }
        m_ctx.out << "Signed in to Salesforce at " << outcome->instanceUrl.toString()
                  << "; the refresh token is in the OS keychain as " << outcome->account << '.'
                  << Qt::endl;
        // Where the org lives and who signed in go to the profile (never the token).
        auto updated = ProfileFile::update(m_ctx.profile.sourceFile,
                                           auth::SalesforceSignIn::profileChanges(*outcome));
        if (!updated)
            m_ctx.err << "The profile was not updated: " << updated.error().message << Qt::endl;
        finish(Ok);
    }

    const int m_seconds;
    const bool m_printOnly;
    KeychainCredentialStore m_keychain;
    auth::SalesforceSignIn m_signIn {m_ctx.profile, m_keychain};
    UnixSignalWatcher m_signals;
};

} // namespace

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

    LoginRun run(ctx, seconds, parser.isSet(noBrowser));
    return CommandRun::execute(run);
}

} // namespace lb::cli
