#include "EngineCommands.h"

#include "Wait.h"
#include "engine/ThreadedSyncController.h"
#include "engine/adapters/EngineSetupFactory.h"
#include "mapping/FieldMapping.h"
#include "net/CallFailure.h"
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

struct Engine
{
    std::unique_ptr<ThreadedSyncController> controller;
    QString error;
};

// Stops the engine and runs the main loop until its thread has ended.
void stop(Engine &engine)
{
    if (!engine.controller)
        return;
    ThreadedSyncController *controller = engine.controller.get();
    if (!controller->isStopped())
        await<bool>([controller](auto done) {
            QObject::connect(
                controller, &ThreadedSyncController::stopped, controller, [done] { done(true); },
                Qt::SingleShotConnection);
            controller->stop();
        });
    engine.controller.reset();
}

// Loads the mapping and starts the worker, which resolves the secrets (keychain or environment)
// before it builds its clients; a secret that cannot be read fails the start.
Engine launch(CliContext &ctx)
{
    Engine engine;
    auto mapping = FieldMapping::load(ctx.profile.mapping);
    if (!mapping) {
        engine.error = mapping.error().message;
        return engine;
    }
    engine.controller = std::make_unique<ThreadedSyncController>(
        engineSetup(ctx.profile, ctx.store, *mapping, QStringLiteral("worker")));
    const QString initError = await<QString>([&](auto done) {
        QObject::connect(
            engine.controller.get(), &ThreadedSyncController::initialized, engine.controller.get(),
            [done](bool ok, const QString &error) { done(ok ? QString() : error); },
            Qt::SingleShotConnection);
        engine.controller->launch();
    });
    if (!initError.isEmpty()) {
        engine.error = initError;
        stop(engine);
    }
    return engine;
}

} // namespace

int runSync(CliContext &ctx)
{
    QCommandLineParser parser;
    const QCommandLineOption once(QStringLiteral("once"),
                                  QStringLiteral("One full pass both ways, then exit."));
    parser.addOption(once);
    if (!parser.parse(QStringList {QStringLiteral("leadbridge sync")} + ctx.args)) {
        ctx.err << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    // SIGTERM/SIGINT from the start: while starting (or stopping) it is noted and acted on
    // between steps; while running it ends the main loop, and the batch in flight finishes. It
    // never ends a step's own wait, which would leave that step without its answer.
    bool terminate = false;
    bool running = false;
    UnixSignalWatcher watcher;
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &watcher,
                     [&terminate, &running](int) {
                         terminate = true;
                         if (running)
                             QCoreApplication::quit();
                     });
    Engine engine = launch(ctx);
    if (!engine.controller) {
        ctx.err << "leadbridge sync: " << engine.error << Qt::endl;
        return ConfigError;
    }
    if (parser.isSet(once)) {
        ThreadedSyncController *controller = engine.controller.get();
        const std::optional<OnceResult> result = await<OnceResult>([controller](auto done) {
            QObject::connect(controller, &ThreadedSyncController::onceFinished, controller, done,
                             Qt::SingleShotConnection);
            controller->runOnce();
        });
        stop(engine);
        if (!result->ok) {
            ctx.err << "leadbridge sync: " << explain(result->error, ctx.profile) << Qt::endl;
            return isCredentialProblem(result->error) ? ConfigError : Failed;
        }
        ctx.out << "Delivered " << result->delivered << " record(s); " << result->toInbox
                << " went to the inbox; " << result->stillPending << " still waiting for a retry."
                << Qt::endl;
        return result->toInbox > 0 ? RecordsInInbox : Ok;
    }
    // Continuous: until SIGTERM/SIGINT, which let the batch in flight finish.
    if (terminate) {
        stop(engine);
        return Ok;
    }
    QObject::connect(engine.controller.get(), &SyncController::notify, engine.controller.get(),
                     [&ctx](const QString &, const QString &title, const QString &message) {
                         ctx.err << title << ": " << message << Qt::endl;
                     });
    engine.controller->start();
    ctx.err << "LeadBridge is syncing profile \"" << ctx.profile.name << "\" ("
            << ctx.store.displayUrl() << "). Stop with Ctrl+C or SIGTERM." << Qt::endl;
    running = true;
    QCoreApplication::exec();
    running = false;
    ctx.err << "Stopping: finishing the batch in flight..." << Qt::endl;
    stop(engine);
    return Ok;
}

int runReconcile(CliContext &ctx)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    if (!parser.parse(QStringList {QStringLiteral("leadbridge reconcile")} + ctx.args)) {
        ctx.err << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    Engine engine = launch(ctx);
    if (!engine.controller) {
        ctx.err << "leadbridge reconcile: " << engine.error << Qt::endl;
        return ConfigError;
    }
    using Answer = std::pair<ReconcileReport, QString>;
    ThreadedSyncController *controller = engine.controller.get();
    const std::optional<Answer> result = await<Answer>([controller](auto done) {
        QObject::connect(
            controller, &ThreadedSyncController::reconciled, controller,
            [done](const ReconcileReport &r, const QString &error) {
                done({r, error});
            },
            Qt::SingleShotConnection);
        QMetaObject::invokeMethod(
            controller->worker(),
            [w = controller->worker()] { w->reconcileNow(QStringLiteral("cli")); },
            Qt::QueuedConnection);
    });
    stop(engine);
    if (!result->second.isEmpty()) {
        ctx.err << "leadbridge reconcile: " << result->second << Qt::endl;
        return Failed;
    }
    const ReconcileReport &r = result->first;
    if (parser.isSet(json)) {
        ctx.out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
        return Ok;
    }
    ctx.out << "Compared " << r.leadsCompared << " leads and " << r.agentsCompared << " agents.\n"
            << "Missing in Salesforce: " << r.missingInSalesforce << "\n"
            << "Missing on the platform: " << r.missingOnPlatform << "\n"
            << "Differing: " << r.differing << "\n"
            << "Deleted since last seen: " << r.deleted << "\n"
            << "Extra (deleted elsewhere, or not in the roster): " << r.extra << "\n"
            << "Writes queued: " << r.enqueued << " (delivered by the next `leadbridge sync`)"
            << Qt::endl;
    for (auto it = r.queued.begin(); it != r.queued.end(); ++it)
        ctx.out << "  " << it.key() << ": " << it.value().toInt() << Qt::endl;
    for (const auto &v : r.samples) {
        const QJsonObject o = v.toObject();
        ctx.out << "  " << o.value(QStringLiteral("kind")).toString() << "  "
                << o.value(QStringLiteral("key")).toString() << "  "
                << o.value(QStringLiteral("detail")).toString() << Qt::endl;
    }
    return Ok;
}

int runCredentialsTest(CliContext &ctx, const QString &system)
{
    if (system != QLatin1String("salesforce") && system != QLatin1String("platform")) {
        ctx.err << "leadbridge credentials test: --system salesforce or platform" << Qt::endl;
        return ConfigError;
    }
    Engine engine = launch(ctx);
    if (!engine.controller) {
        ctx.err << engine.error << Qt::endl;
        return ConfigError;
    }
    using Answer = std::pair<bool, QString>;
    ThreadedSyncController *controller = engine.controller.get();
    const std::optional<Answer> result = await<Answer>([controller, system](auto done) {
        QObject::connect(
            controller, &SyncController::connectionTested, controller,
            [done](const QString &, bool ok, const QString &message) {
                done({ok, message});
            },
            Qt::SingleShotConnection);
        controller->testConnection(system);
    });
    stop(engine);
    (result->first ? ctx.out : ctx.err) << result->second << Qt::endl;
    return result->first ? Ok : ConfigError;
}

} // namespace lb::cli
