// leadbridge-sandbox: the Salesforce sandbox org as a process, for scripts, jsforce and demos.
// Prints one JSON line with the chosen URLs on stdout, then serves until SIGTERM/SIGINT.

#include "platform/PlatformSandbox.h"
#include "platform/PlatformSandboxCli.h"
#include "salesforce/SalesforceSandbox.h"
#include "salesforce/SandboxOrg.h"
#include "salesforce/SeedLoader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <limits>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using lb::sandbox::SalesforceSandbox;
using lb::sandbox::SandboxConfig;
using lb::sandbox::SandboxUser;

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &byte, 1);
}

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "leadbridge-sandbox: %s\n", qPrintable(message));
    std::exit(2);
}

double ratio(const QCommandLineParser &p, const QString &name, double fallback)
{
    if (!p.isSet(name))
        return fallback;
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || v < 0 || v > 1)
        fail(u"--%1 must be a number from 0 to 1"_s.arg(name));
    return v;
}

qint64 integer(const QCommandLineParser &p, const QString &name, qint64 fallback, qint64 min,
               qint64 max)
{
    if (!p.isSet(name))
        return fallback;
    bool ok = false;
    const qint64 v = p.value(name).toLongLong(&ok);
    if (!ok || v < min || v > max)
        fail(u"--%1 must be an integer from %2 to %3"_s.arg(name).arg(min).arg(max));
    return v;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"leadbridge-sandbox"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(LB_VERSION));

    QCommandLineParser p;
    p.setApplicationDescription(
        u"A local Salesforce org (OAuth, REST, SOQL, Collections, Composite, limits, faults) "
        u"for LeadBridge tests, benchmarks and demos."_s);
    p.addHelpOption();
    p.addVersionOption();
    auto opt = [&p](const QString &name, const QString &help, const QString &value = {}) {
        p.addOption(value.isEmpty() ? QCommandLineOption(name, help)
                                    : QCommandLineOption(name, help, value));
    };
    opt(u"login-port"_s, u"Login host port (0 = pick a free one)."_s, u"port"_s);
    opt(u"instance-port"_s, u"Instance (My Domain) host port (0 = pick)."_s, u"port"_s);
    opt(u"state"_s, u"State file: loaded at start, saved periodically and on exit."_s, u"file"_s);
    opt(u"save-interval"_s, u"Seconds between state saves (default 30, 0 = on exit only)."_s,
        u"seconds"_s);
    opt(u"seed"_s,
        u"Seed records from a JSON file, or a CSV file named after its object (Lead.csv) or "
        u"given as Object=file.csv. Repeatable."_s,
        u"file"_s);
    opt(u"client-id"_s, u"Connected app consumer key."_s, u"id"_s);
    opt(u"client-secret"_s, u"Connected app consumer secret."_s, u"secret"_s);
    opt(u"user"_s, u"A user as username:password[:securitytoken]. Repeatable."_s, u"spec"_s);
    opt(u"run-as"_s, u"Client-credentials run-as username (default: the first user)."_s,
        u"username"_s);
    opt(u"jwt-cert"_s, u"PEM certificate or public key that verifies JWT bearer assertions."_s,
        u"file"_s);
    opt(u"callback-url"_s, u"Allowed OAuth redirect_uri (repeatable; default: any)."_s, u"url"_s);
    opt(u"refresh-rotation"_s, u"Rotate refresh tokens on every refresh."_s);
    opt(u"require-pkce"_s, u"Require a PKCE code challenge in the web-server flow."_s);
    opt(u"session-lifetime"_s, u"Seconds an access token is valid (default 7200)."_s, u"seconds"_s);
    opt(u"daily-limit"_s, u"Daily API allocation (default 100000)."_s, u"n"_s);
    opt(u"api-used"_s, u"API calls already used today (default 0)."_s, u"n"_s);
    opt(u"max-api-version"_s, u"Highest API version served (default 62)."_s, u"n"_s);
    opt(u"streaming-timeout-ms"_s,
        u"How long a Streaming API connect is held without events (default 110000)."_s, u"ms"_s);
    opt(u"fail-503"_s, u"Share of REST requests answered 503."_s, u"ratio"_s);
    opt(u"lock-rate"_s, u"Share of written records failing with UNABLE_TO_LOCK_ROW."_s, u"ratio"_s);
    opt(u"slow-ms"_s, u"Delay answers by this many milliseconds."_s, u"ms"_s);
    opt(u"slow-rate"_s, u"Share of answers delayed by --slow-ms (default 1)."_s, u"ratio"_s);
    opt(u"hang-rate"_s, u"Share of REST requests never answered."_s, u"ratio"_s);
    opt(u"drop-rate"_s, u"Share of REST requests whose connection is closed unanswered."_s,
        u"ratio"_s);
    opt(u"fault-auth"_s, u"Apply the faults to the OAuth endpoints too."_s);
    opt(u"seed-random"_s, u"Seed of the fault generator (default 1)."_s, u"n"_s);
    opt(u"no-platform"_s, u"Do not start the lead platform sandbox."_s);
    lb::sandbox::PlatformSandboxCli::addOptions(p);
    p.process(app);

    SandboxConfig c;
    c.loginPort = quint16(integer(p, u"login-port"_s, 0, 0, 65535));
    c.instancePort = quint16(integer(p, u"instance-port"_s, 0, 0, 65535));
    c.statePath = p.value(u"state"_s);
    c.saveIntervalSecs = int(integer(p, u"save-interval"_s, 30, 0, 86400));
    if (p.isSet(u"client-id"_s))
        c.clientId = p.value(u"client-id"_s);
    if (p.isSet(u"client-secret"_s))
        c.clientSecret = p.value(u"client-secret"_s);
    for (const QString &spec : p.values(u"user"_s)) {
        const QStringList parts = spec.split(u':');
        if (parts.size() < 2 || parts.size() > 3 || parts[0].isEmpty())
            fail(u"--user wants username:password[:securitytoken], got: "_s + spec);
        SandboxUser u;
        u.username = parts[0];
        u.password = parts[1];
        u.securityToken = parts.value(2);
        c.users.append(u);
    }
    c.runAsUser = p.value(u"run-as"_s);
    if (p.isSet(u"jwt-cert"_s)) {
        QFile cert(p.value(u"jwt-cert"_s));
        if (!cert.open(QIODevice::ReadOnly))
            fail(u"cannot read --jwt-cert %1: %2"_s.arg(cert.fileName(), cert.errorString()));
        c.jwtCertificatePem = cert.readAll();
    }
    c.callbackUrls = p.values(u"callback-url"_s);
    c.refreshTokenRotation = p.isSet(u"refresh-rotation"_s);
    c.requirePkce = p.isSet(u"require-pkce"_s);
    c.sessionLifetimeSecs
        = integer(p, u"session-lifetime"_s, c.sessionLifetimeSecs, 1, 365LL * 86400);
    c.dailyApiLimit = integer(p, u"daily-limit"_s, c.dailyApiLimit, 1, 1'000'000'000'000LL);
    c.apiUsed = integer(p, u"api-used"_s, 0, 0, 1'000'000'000'000LL);
    c.maxApiVersion = int(integer(p, u"max-api-version"_s, c.maxApiVersion, c.minApiVersion, 99));
    c.streamingTimeoutMs
        = int(integer(p, u"streaming-timeout-ms"_s, c.streamingTimeoutMs, 100, 600'000));
    c.faults.fail503 = ratio(p, u"fail-503"_s, 0);
    c.faults.lockRate = ratio(p, u"lock-rate"_s, 0);
    c.faults.hangRate = ratio(p, u"hang-rate"_s, 0);
    c.faults.dropRate = ratio(p, u"drop-rate"_s, 0);
    c.faults.slowRate = ratio(p, u"slow-rate"_s, 1);
    c.faults.slowMs = int(integer(p, u"slow-ms"_s, 0, 0, 600'000));
    c.faults.includeAuth = p.isSet(u"fault-auth"_s);
    c.faults.seed = quint64(integer(p, u"seed-random"_s, 1, 0, std::numeric_limits<qint64>::max()));

    SalesforceSandbox sandbox(c);
    if (auto r = sandbox.start(); !r)
        fail(r.error().message);
    for (const QString &seed : p.values(u"seed"_s)) {
        // "Lead=leads.csv" names the object; a plain path is JSON or Object.csv.
        const qsizetype eq = seed.indexOf(u'=');
        const bool named = eq > 0 && !seed.left(eq).contains(u'/');
        auto counts = named
            ? lb::sandbox::SeedLoader(sandbox.org()).loadFile(seed.mid(eq + 1), seed.left(eq))
            : sandbox.seedFile(seed);
        if (!counts)
            fail(counts.error().message);
    }

    // The lead platform emulator runs beside the org unless told not to.
    std::unique_ptr<lb::sandbox::PlatformSandbox> platform;
    if (!p.isSet(u"no-platform"_s)) {
        auto started = lb::sandbox::PlatformSandboxCli::start(p, lb::Clock::system(), nullptr);
        if (!started)
            fail(started.error().message);
        platform = std::move(*started);
    }

    QJsonObject ready {
        {u"loginUrl"_s, sandbox.loginUrl()},
        {u"instanceUrl"_s, sandbox.instanceUrl()},
        {u"restBaseUrl"_s, sandbox.restBaseUrl()},
        {u"clientId"_s, sandbox.config().clientId},
        {u"username"_s, sandbox.org().users().constFirst().username},
        {u"pid"_s, qint64(QCoreApplication::applicationPid())},
    };
    if (platform) {
        ready.insert(u"platformUrl"_s, platform->baseUrl());
        ready.insert(u"platformApiKey"_s, platform->apiKey());
    }
    std::fprintf(stdout, "%s\n", QJsonDocument(ready).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        fail(u"cannot create the signal pipe"_s);
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char byte;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action
    {
    };
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);

    const int code = QCoreApplication::exec();
    sandbox.stop();
    return code;
}
