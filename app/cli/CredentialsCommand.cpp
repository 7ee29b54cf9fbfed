#include "CredentialsCommand.h"

#include "EngineCommands.h"
#include "Wait.h"
#include "auth/KeychainCredentialStore.h"
#include "auth/SalesforceSignIn.h"
#include "auth/SecretResolver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

#include <cstdio>

namespace lb::cli {
namespace {

// A refresh token lives on at Salesforce after it is deleted here: signing out revokes it there
// first, so `credentials delete` really disconnects. Returns false (and says why) when the token
// is kept because Salesforce could not be asked.
bool signOut(CliContext &ctx, KeychainCredentialStore &store)
{
    QObject context;
    auth::SalesforceSignIn signIn(ctx.profile, store);
    auto said
        = await<Result<QString>>([&](auto done) { signIn.signOut(&context, std::move(done)); });
    if (!said) {
        ctx.err << said.error().message << " Add --local-only to delete it from this machine only."
                << Qt::endl;
        return false;
    }
    ctx.out << *said << Qt::endl;
    return true;
}

} // namespace

int runCredentials(CliContext &ctx)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("action"),
                                 QStringLiteral("set | delete | list | test"));
    const QCommandLineOption system(QStringLiteral("system"),
                                    QStringLiteral("salesforce | platform | store"),
                                    QStringLiteral("SYSTEM"));
    const QCommandLineOption secret(QStringLiteral("secret"),
                                    QStringLiteral("Which secret, e.g. client_secret."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption localOnly(
        QStringLiteral("local-only"),
        QStringLiteral("delete: do not revoke a refresh token at Salesforce first."));
    parser.addOptions({system, secret, localOnly});
    if (!parser.parse(QStringList {QStringLiteral("leadbridge credentials")} + ctx.args)) {
        ctx.err << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    const QString action = parser.positionalArguments().value(0);
    if (action == QLatin1String("test"))
        return runCredentialsTest(ctx, parser.value(system));
    KeychainCredentialStore store;
    QObject context;

    if (action == QLatin1String("list")) {
        int missing = 0;
        for (const SecretSpec &s : SecretResolver::allSpecs()) {
            auto r = await<Result<QString>>([&](auto done) {
                store.read({ctx.profile.name, s.system, s.secret}, &context, done);
            });
            const bool fromEnv = !qEnvironmentVariableIsEmpty(s.environment.toLatin1().constData());
            QString where = r ? QStringLiteral("keychain") : QStringLiteral("-");
            if (fromEnv)
                where = s.environment;
            if (!r && r.error().code != QLatin1String("not_found")) {
                ctx.err << r.error().message << Qt::endl;
                return ConfigError;
            }
            missing += (!r && !fromEnv) ? 1 : 0;
            ctx.out << QStringLiteral("%1  %2  %3").arg(s.id(), -26).arg(where, -30).arg(s.label)
                    << Qt::endl;
        }
        return Ok;
    }

    const QString sys = parser.value(system);
    const QString name = parser.value(secret);
    if (!SecretResolver::spec(sys, name)) {
        ctx.err << "Unknown secret \"" << sys << '/' << name << "\". Known secrets:" << Qt::endl;
        for (const SecretSpec &s : SecretResolver::allSpecs())
            ctx.err << "  --system " << s.system << " --secret " << s.secret << "  (" << s.label
                    << ")" << Qt::endl;
        return ConfigError;
    }
    const CredentialKey key {ctx.profile.name, sys, name};
    if (action == QLatin1String("delete")) {
        const bool refreshToken
            = sys == QLatin1String("salesforce") && name == QLatin1String("refresh_token");
        if (refreshToken && !parser.isSet(localOnly))
            return signOut(ctx, store) ? Ok : Failed;
        auto r = await<Result<void>>([&](auto done) { store.remove(key, &context, done); });
        if (!r) {
            ctx.err << r.error().message << Qt::endl;
            return ConfigError;
        }
        ctx.out << "Deleted " << key.account() << " from the OS keychain." << Qt::endl;
        return Ok;
    }
    if (action != QLatin1String("set")) {
        ctx.err << "leadbridge credentials: say set, delete or list." << Qt::endl;
        return ConfigError;
    }
    // Never from the command line (visible in `ps`): the value comes on standard input.
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        ctx.err << "Cannot read the secret from standard input." << Qt::endl;
        return ConfigError;
    }
    QByteArray value = in.read(64 * 1024);
    while (value.endsWith('\n') || value.endsWith('\r'))
        value.chop(1);
    if (value.isEmpty()) {
        ctx.err << "No secret on standard input (pipe it in, e.g. `leadbridge credentials set "
                   "--system platform --secret api_key < key.txt`)."
                << Qt::endl;
        return ConfigError;
    }
    auto r = await<Result<void>>(
        [&](auto done) { store.write(key, QString::fromUtf8(value), &context, done); });
    value.fill('\0');
    if (!r) {
        ctx.err << r.error().message << Qt::endl;
        return ConfigError;
    }
    ctx.out << "Stored " << key.account() << " in the OS keychain." << Qt::endl;
    return Ok;
}

} // namespace lb::cli
