#include "CredentialsCommand.h"

#include "CommandRun.h"
#include "EngineCommands.h"
#include "auth/KeychainCredentialStore.h"
#include "auth/SalesforceSignIn.h"
#include "auth/SecretResolver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

#include <cstdio>

namespace lb::cli {
namespace {

// set | delete | list: the OS keychain answers over D-Bus, so these wait for it in the main
// loop.
class CredentialsRun : public CommandRun
{
public:
    enum class Action { Set, Delete, SignOut, List };

    CredentialsRun(CliContext &ctx, Action action, CredentialKey key, QByteArray value = {})
        : CommandRun(ctx)
        , m_action(action)
        , m_key(std::move(key))
        , m_value(std::move(value))
    { }
    ~CredentialsRun() override { m_value.fill('\0'); }

protected:
    void start() override
    {
        switch (m_action) {
        case Action::List:
            list(0);
            return;
        case Action::SignOut:
            signOut();
            return;
        case Action::Delete:
            m_store.remove(m_key, this, [this](Result<void> r) {
                if (!r) {
                    m_ctx.err << r.error().message << Qt::endl;
                    finish(ConfigError);
                    return;
                }
                m_ctx.out << "Deleted " << m_key.account() << " from the OS keychain." << Qt::endl;
                finish(Ok);
            });
            return;
        case Action::Set:
            m_store.write(m_key, QString::fromUtf8(m_value), this, [this](Result<void> r) {
                m_value.fill('\0');
                if (!r) {
                    m_ctx.err << r.error().message << Qt::endl;
                    finish(ConfigError);
                    return;
                }
                m_ctx.out << "Stored " << m_key.account() << " in the OS keychain." << Qt::endl;
                finish(Ok);
            });
            return;
        }
    }

private:
    // One secret after the other, in the order of SecretResolver::allSpecs().
    void list(int index)
    {
        const QList<SecretSpec> specs = SecretResolver::allSpecs();
        if (index >= specs.size()) {
            finish(Ok);
            return;
        }
        const SecretSpec s = specs.at(index);
        m_store.read(
            {m_ctx.profile.name, s.system, s.secret}, this, [this, s, index](Result<QString> r) {
                const bool fromEnv
                    = !qEnvironmentVariableIsEmpty(s.environment.toLatin1().constData());
                QString where = r ? QStringLiteral("keychain") : QStringLiteral("-");
                if (fromEnv)
                    where = s.environment;
                if (!r && r.error().code != QLatin1String("not_found")) {
                    m_ctx.err << r.error().message << Qt::endl;
                    finish(ConfigError);
                    return;
                }
                m_ctx.out
                    << QStringLiteral("%1  %2  %3").arg(s.id(), -26).arg(where, -30).arg(s.label)
                    << Qt::endl;
                list(index + 1);
            });
    }

    // A refresh token lives on at Salesforce after it is deleted here: signing out revokes it
    // there first, so `credentials delete` really disconnects. When Salesforce cannot be asked,
    // the token is kept and the command says why.
    void signOut()
    {
        m_signIn.signOut(this, [this](Result<QString> said) {
            if (!said) {
                m_ctx.err << said.error().message
                          << " Add --local-only to delete it from this machine only." << Qt::endl;
                finish(Failed);
                return;
            }
            m_ctx.out << *said << Qt::endl;
            finish(Ok);
        });
    }

    const Action m_action;
    const CredentialKey m_key;
    QByteArray m_value;
    KeychainCredentialStore m_store;
    auth::SalesforceSignIn m_signIn {m_ctx.profile, m_store};
};

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
    using Action = CredentialsRun::Action;
    if (action == QLatin1String("list")) {
        CredentialsRun run(ctx, Action::List, {});
        return CommandRun::execute(run);
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
        CredentialsRun run(
            ctx, refreshToken && !parser.isSet(localOnly) ? Action::SignOut : Action::Delete, key);
        return CommandRun::execute(run);
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
    CredentialsRun run(ctx, Action::Set, key, value);
    value.fill('\0');
    return CommandRun::execute(run);
}

} // namespace lb::cli
