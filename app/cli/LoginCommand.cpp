#include "LoginCommand.h"

#include "OAuthAccess.h"
#include "Wait.h"
#include "auth/AuthorizationCodeFlow.h"
#include "auth/KeychainCredentialStore.h"
#include "auth/SecretResolver.h"
#include "util/UnixSignalWatcher.h"

#include <QCommandLineParser>
#include <QProcess>

namespace lb::cli {
namespace {

// The refresh token is what the two grants that sign in as a person use.
bool usesRefreshToken(const QString &flow)
{
    return flow == QLatin1String("authorization_code") || flow == QLatin1String("refresh_token");
}

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
    if (!usesRefreshToken(profile.salesforce.authFlow)) {
        ctx.err << "Profile \"" << profile.name << "\" signs in with "
                << profile.salesforce.authFlow
                << ", which needs no browser sign-in. Set $.salesforce.auth_flow to "
                   "\"authorization_code\" in "
                << profile.sourceFile << " to sign in as yourself." << Qt::endl;
        return ConfigError;
    }
    if (profile.salesforce.clientId.isEmpty()) {
        ctx.err << profile.sourceFile
                << ": $.salesforce.client_id (the connected app's consumer key) is required."
                << Qt::endl;
        return ConfigError;
    }
    auto access = OAuthAccess::forProfile(profile);
    if (!access) {
        ctx.err << access.error().message << Qt::endl;
        return ConfigError;
    }

    // A connected app may or may not want its secret alongside PKCE: use it when there is one.
    KeychainCredentialStore keychain;
    QObject context;
    SecretResolver resolver(keychain, profile.name);
    auto secrets = await<Result<SecretResolver::Secrets>>([&](auto done) {
        resolver.resolve({}, {QStringLiteral("salesforce/client_secret")}, &context, done);
    });
    if (!secrets) {
        ctx.err << secrets.error().message << Qt::endl;
        return ConfigError;
    }

    auth::AuthorizationCodeFlow::Options options;
    options.loginUrl = profile.salesforce.loginUrl;
    options.clientId = profile.salesforce.clientId;
    options.clientSecret = secrets->value(QStringLiteral("salesforce/client_secret"));
    options.redirectUri = profile.salesforce.redirectUri;
    options.loginHint = profile.salesforce.username;
    options.timeoutMs = seconds * 1000;
    auth::AuthorizationCodeFlow flow(*(*access)->tokens, options);

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
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &flow,
                     &auth::AuthorizationCodeFlow::cancel);

    auto token = await<Result<auth::OAuthToken>>(
        [&](auto done) { flow.start(openBrowser, &context, done); });
    if (!token) {
        ctx.err << "Sign-in to Salesforce did not complete: " << token.error().message << Qt::endl;
        return ConfigError;
    }
    if (token->refreshToken.isEmpty()) {
        ctx.err << "Salesforce answered without a refresh token: give the connected app the "
                   "\"refresh_token\" scope (Perform requests at any time)."
                << Qt::endl;
        return ConfigError;
    }
    const CredentialKey key {profile.name, QStringLiteral("salesforce"),
                             QStringLiteral("refresh_token")};
    auto stored = await<Result<void>>(
        [&](auto done) { keychain.write(key, token->refreshToken, &context, done); });
    if (!stored) {
        ctx.err << "Signed in, but the refresh token could not be stored: "
                << stored.error().message << Qt::endl;
        return ConfigError;
    }
    ctx.out << "Signed in to Salesforce at " << token->instanceUrl.toString()
            << "; the refresh token is in the OS keychain as " << key.account() << '.' << Qt::endl;
    if (profile.salesforce.instanceUrl.isEmpty() && token->instanceUrl.isValid())
        ctx.out << "Tip: set $.salesforce.instance_url to " << token->instanceUrl.toString()
                << " in " << profile.sourceFile << '.' << Qt::endl;
    return Ok;
}

} // namespace lb::cli
