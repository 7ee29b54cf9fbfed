#include "EngineCommands.h"

#include "CommandRun.h"
#include "EngineSession.h"
#include "net/CallFailure.h"
#include "util/ServiceManager.h"
#include "util/UnixSignalWatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

namespace lb::cli {
namespace {

// Exit 2 (configuration or credentials) rather than 3: refused credentials, and what keeps
// LeadBridge from presenting any (a missing secret, the keychain, the profile).
bool isCredentialProblem(const Error &e)
{
    static const QStringList codes {QStringLiteral("secret_missing"),
                                    QStringLiteral("secret_unreadable"),
                                    QStringLiteral("keychain_unavailable"),
                                    QStringLiteral("keychain_denied"),
                                    QStringLiteral("host_not_allowed"),
                                    QStringLiteral("insecure_url"),
                                    QStringLiteral("profile"),
                                    QStringLiteral("jwt_key"),
                                    QStringLiteral("unsupported_grant_type"),
                                    QStringLiteral("interactive_login_required"),
                                    QStringLiteral("token_not_stored")};
    return codes.contains(e.code) || isAuthFailure(e);
}

QString explain(const Error &e, const Profile &profile)
{
    const QString &flow = profile.salesforce.authFlow;
    const bool signedIn
        = flow == QLatin1String("authorization_code") || flow == QLatin1String("refresh_token");
    if (signedIn && e.code == QLatin1String("invalid_grant"))
        return QStringLiteral("Salesforce refused the refresh token of profile \"%1\" (%2): it "
                              "was revoked or has expired. Sign in again with `leadbridge "
                              "--profile %3 login`.")
            .arg(profile.name, e.toString(), profile.sourceFile);
    if (signedIn && e.code == QLatin1String("interactive_login_required"))
        return QStringLiteral("Profile \"%1\" is not signed in to Salesforce. Sign in with "
                              "`leadbridge --profile %2 login`.")
            .arg(profile.name, profile.sourceFile);
    if (e.code == QLatin1String("invalid_grant") || e.code == QLatin1String("invalid_client")
        || e.code == QLatin1String("invalid_client_id"))
        return QStringLiteral(
                   "Salesforce refused the credentials (%1). Check salesforce.client_id and "
                   "salesforce.username in the profile and the stored Salesforce secrets "
                   "(leadbridge credentials list).")
            .arg(e.toString());
    if (e.httpStatus == 401 || e.code == QLatin1String("unauthorized"))
        return QStringLiteral(
                   "The lead platform refused the API key (%1). Store the right one with "
                   "`leadbridge credentials set --system platform --secret api_key`.")
            .arg(e.toString());
    return e.toString();
}

// leadbridge sync [--once]. Continuous: until SIGTERM/SIGINT, which let the batch in flight
// finish. A signal while the engine starts is acted on once it has started; during --once it
// is noted only (the pass finishes, then the command ends anyway). Under systemd (Type=notify)
// it reports READY=1 once the store is open and both systems answered (the first platform
// poll, and a Salesforce poll or limits read: each needs a login), and STOPPING=1 on a signal;
// the engine's thread sends the watchdog pings.
class SyncRun : public CommandRun
{
public:
    using CommandRun::CommandRun;

protected:
    void start() override
    {
        QCommandLineParser parser;
        const QCommandLineOption once(QStringLiteral("once"),
                                      QStringLiteral("One full pass both ways, then exit."));
        parser.addOption(once);
        if (!parser.parse(QStringList {QStringLiteral("leadbridge sync")} + m_ctx.args)) {
            m_ctx.err << parser.errorText() << Qt::endl;
            finish(ConfigError);
            return;
        }
        m_once = parser.isSet(once);
        connect(&m_signals, &UnixSignalWatcher::terminationRequested, this, [this](int) {
            m_terminate = true;
            if (m_running)
                stopRunning();
        });
        m_engine.launch([this](const QString &error) {
            if (!error.isEmpty()) {
                m_ctx.err << "leadbridge sync: " << error << Qt::endl;
                finish(ConfigError);
            } else if (m_once) {
                runOnce();
            } else if (m_terminate) {
                m_engine.stop([this] { finish(Ok); });
            } else {
                run();
            }
        });
    }

private:
    void runOnce()
    {
        runEngineOnce(m_engine, this, [this](const OnceResult &result) {
            finish(reportOnce(m_ctx, QStringLiteral("sync"), result));
        });
    }

    void run()
    {
        ThreadedSyncController *controller = m_engine.controller();
        connect(controller, &SyncController::notify, this,
                [this](const QString &, const QString &title, const QString &message) {
                    m_ctx.err << title << ": " << message << Qt::endl;
                });
        connect(controller, &SyncController::statusChanged, this, [this](const SyncStatus &s) {
            if (m_ready || !m_running || s.lastPollPlatform <= 0
                || (s.lastPollSalesforce <= 0 && !s.salesforceLimits.isKnown()))
                return;
            m_ready = true;
            service::notify(QByteArrayLiteral("READY=1"));
            m_ctx.err << "Both systems answered: ready." << Qt::endl;
        });
        controller->start();
        m_ctx.err << "LeadBridge is syncing profile \"" << m_ctx.profile.name << "\" ("
                  << m_ctx.store.displayUrl() << "). Stop with Ctrl+C or SIGTERM." << Qt::endl;
        m_running = true;
    }

    void stopRunning()
    {
        m_running = false;
        service::notify(QByteArrayLiteral("STOPPING=1"));
        m_ctx.err << "Stopping: finishing the batch in flight..." << Qt::endl;
        m_engine.stop([this] { finish(Ok); });
    }

    EngineSession m_engine {m_ctx, EngineRole::Service};
    UnixSignalWatcher m_signals;
    bool m_once = false;
    bool m_terminate = false;
    bool m_running = false;
    bool m_ready = false; // READY=1 sent
};

// leadbridge reconcile [--json]
class ReconcileRun : public CommandRun
{
public:
    using CommandRun::CommandRun;

protected:
    void start() override
    {
        m_parser.addOption(m_json);
        if (!m_parser.parse(QStringList {QStringLiteral("leadbridge reconcile")} + m_ctx.args)) {
            m_ctx.err << m_parser.errorText() << Qt::endl;
            finish(ConfigError);
            return;
        }
        m_engine.launch([this](const QString &error) {
            if (!error.isEmpty()) {
                m_ctx.err << "leadbridge reconcile: " << error << Qt::endl;
                finish(ConfigError);
                return;
            }
            ThreadedSyncController *controller = m_engine.controller();
            connect(
                controller, &ThreadedSyncController::reconciled, this,
                [this](const ReconcileReport &report, const QString &failure) {
                    m_engine.stop([this, report, failure] { print(report, failure); });
                },
                Qt::SingleShotConnection);
            QMetaObject::invokeMethod(
                controller->worker(),
                [w = controller->worker()] { w->reconcileNow(QStringLiteral("cli")); },
                Qt::QueuedConnection);
        });
    }

private:
    void print(const ReconcileReport &r, const QString &failure)
    {
        if (!failure.isEmpty()) {
            m_ctx.err << "leadbridge reconcile: " << failure << Qt::endl;
            finish(Failed);
            return;
        }
        QTextStream &out = m_ctx.out;
        if (m_parser.isSet(m_json)) {
            out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
            finish(Ok);
            return;
        }
        out << "Compared " << r.leadsCompared << " leads and " << r.agentsCompared << " agents.\n"
            << "Missing in Salesforce: " << r.missingInSalesforce << "\n"
            << "Missing on the platform: " << r.missingOnPlatform << "\n"
            << "Differing: " << r.differing << "\n"
            << "Deleted since last seen: " << r.deleted << "\n"
            << "Extra (deleted elsewhere, or not in the roster): " << r.extra << "\n"
            << "Writes queued: " << r.enqueued << " (delivered by the next `leadbridge sync`)"
            << Qt::endl;
        for (auto it = r.queued.begin(); it != r.queued.end(); ++it)
            out << "  " << it.key() << ": " << it.value().toInt() << Qt::endl;
        for (const auto &v : r.samples) {
            const QJsonObject o = v.toObject();
            out << "  " << o.value(QStringLiteral("kind")).toString() << "  "
                << o.value(QStringLiteral("key")).toString() << "  "
                << o.value(QStringLiteral("detail")).toString() << Qt::endl;
        }
        finish(Ok);
    }

    QCommandLineParser m_parser;
    const QCommandLineOption m_json {QStringLiteral("json"), QStringLiteral("Print JSON.")};
    EngineSession m_engine {m_ctx, EngineRole::Command};
};

// leadbridge credentials test --system salesforce|platform
class ConnectionTestRun : public CommandRun
{
public:
    ConnectionTestRun(CliContext &ctx, QString system)
        : CommandRun(ctx)
        , m_system(std::move(system))
    { }

protected:
    void start() override
    {
        m_engine.launch([this](const QString &error) {
            if (!error.isEmpty()) {
                m_ctx.err << error << Qt::endl;
                finish(ConfigError);
                return;
            }
            ThreadedSyncController *controller = m_engine.controller();
            connect(
                controller, &SyncController::connectionTested, this,
                [this](const QString &, bool ok, const QString &message) {
                    m_engine.stop([this, ok, message] {
                        (ok ? m_ctx.out : m_ctx.err) << message << Qt::endl;
                        finish(ok ? Ok : ConfigError);
                    });
                },
                Qt::SingleShotConnection);
            controller->testConnection(m_system);
        });
    }

private:
    const QString m_system;
    EngineSession m_engine {m_ctx, EngineRole::Command};
};

} // namespace

void runEngineOnce(EngineSession &engine, QObject *context,
                   std::function<void(const OnceResult &)> then)
{
    ThreadedSyncController *controller = engine.controller();
    QObject::connect(
        controller, &ThreadedSyncController::onceFinished, context,
        [&engine, then = std::move(then)](const OnceResult &result) {
            engine.stop([then, result] { then(result); });
        },
        Qt::SingleShotConnection);
    controller->runOnce();
}

int reportOnce(CliContext &ctx, const QString &command, const OnceResult &result)
{
    if (!result.ok) {
        ctx.err << "leadbridge " << command << ": " << explain(result.error, ctx.profile)
                << Qt::endl;
        return isCredentialProblem(result.error) ? ConfigError : Failed;
    }
    ctx.out << "Delivered " << result.delivered << " record(s); " << result.toInbox
            << " went to the inbox; " << result.stillPending << " still waiting for a retry."
            << Qt::endl;
    return result.toInbox > 0 ? RecordsInInbox : Ok;
}

int runSync(CliContext &ctx)
{
    SyncRun run(ctx);
    return CommandRun::execute(run);
}

int runReconcile(CliContext &ctx)
{
    ReconcileRun run(ctx);
    return CommandRun::execute(run);
}

int runCredentialsTest(CliContext &ctx, const QString &system)
{
    if (system != QLatin1String("salesforce") && system != QLatin1String("platform")) {
        ctx.err << "leadbridge credentials test: --system salesforce or platform" << Qt::endl;
        return ConfigError;
    }
    ConnectionTestRun run(ctx, system);
    return CommandRun::execute(run);
}

} // namespace lb::cli
