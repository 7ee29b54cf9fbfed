#include "PlatformSandboxCli.h"

#include "PlatformSandbox.h"

#include <QRegularExpression>

namespace lb::sandbox {
namespace {

Error optionError(const char *option, const QString &why)
{
    return makeError(QStringLiteral("invalid_option"),
                     QStringLiteral("--%1: %2").arg(QString::fromLatin1(option), why));
}

Result<int> intOption(const QCommandLineParser &p, const char *name, int min, int max)
{
    const QString text = p.value(QString::fromLatin1(name));
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < min || v > max)
        return optionError(name,
                           QStringLiteral("expected a whole number from %1 to %2, got "
                                          "\"%3\"")
                               .arg(min)
                               .arg(max)
                               .arg(text.left(40)));
    return v;
}

Result<double> ratioOption(const QCommandLineParser &p, const char *name)
{
    const QString text = p.value(QString::fromLatin1(name));
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || v < 0 || v > 1)
        return optionError(
            name, QStringLiteral("expected a share from 0 to 1, got \"%1\"").arg(text.left(40)));
    return v;
}

} // namespace

void PlatformSandboxCli::addOptions(QCommandLineParser &parser)
{
    const auto opt
        = [&parser](const char *name, const char *description, const char *valueName = nullptr,
                    const char *defaultValue = nullptr) {
              QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(description));
              if (valueName)
                  o.setValueName(QString::fromLatin1(valueName));
              if (defaultValue)
                  o.setDefaultValue(QString::fromLatin1(defaultValue));
              parser.addOption(o);
          };
    opt("platform-port", "Lead platform: port on 127.0.0.1 (0 = pick a free one).", "port", "0");
    opt("platform-api-key",
        "Lead platform: the API key clients must send (default: $LEADBRIDGE_PLATFORM_API_KEY "
        "or sandbox-platform-key).",
        "key");
    opt("platform-rate-limit", "Lead platform: requests per window, as N/SECONDS.", "n/s",
        "1000/60");
    opt("platform-seed", "Lead platform: load leads and agents from a JSON file.", "file");
    opt("platform-generate", "Lead platform: generate this many leads.", "n", "0");
    opt("platform-agents", "Lead platform: generate this many agents.", "n", "0");
    opt("platform-fail-503", "Lead platform: share of requests answered 503.", "ratio", "0");
    opt("platform-hang", "Lead platform: share of requests never answered.", "ratio", "0");
    opt("platform-drop", "Lead platform: share of requests whose connection is dropped.", "ratio",
        "0");
    opt("platform-slow-ms", "Lead platform: delay before every answer.", "ms", "0");
    opt("platform-fault-seed", "Lead platform: seed for the fault shares.", "n", "1");
    opt("platform-no-api-webhooks", "Lead platform: no webhooks for writes made through the API.");
    opt("webhook-url", "Lead platform: deliver webhooks to this URL.", "url");
    opt("webhook-secret",
        "Lead platform: webhook signing secret (default: $LEADBRIDGE_WEBHOOK_SECRET).", "secret");
    opt("webhook-duplicate", "Lead platform: deliver every webhook twice.");
    opt("webhook-reorder", "Lead platform: deliver the next N webhooks in reverse order.", "n",
        "0");
    opt("webhook-fail", "Lead platform: send the next N webhook attempts with a bad signature.",
        "n", "0");
    opt("webhook-retry-base-ms", "Lead platform: first webhook retry delay (doubles each time).",
        "ms", "500");
}

Result<std::unique_ptr<PlatformSandbox>>
PlatformSandboxCli::start(const QCommandLineParser &p, const Clock &clock, QObject *parent)
{
    auto sandbox = std::make_unique<PlatformSandbox>(clock, parent);

    QString apiKey = p.value(QStringLiteral("platform-api-key"));
    if (apiKey.isEmpty())
        apiKey = qEnvironmentVariable("LEADBRIDGE_PLATFORM_API_KEY",
                                      QString::fromLatin1(PlatformSandbox::DefaultApiKey));
    sandbox->setApiKey(apiKey);

    static const QRegularExpression rate(QStringLiteral("^(\\d{1,9})/(\\d{1,9})$"));
    const auto m = rate.match(p.value(QStringLiteral("platform-rate-limit")));
    if (!m.hasMatch() || m.captured(1).toInt() < 1 || m.captured(2).toInt() < 1)
        return optionError("platform-rate-limit",
                           QStringLiteral("expected N/SECONDS such as 600/60"));
    sandbox->setRateLimit(m.captured(1).toInt(), m.captured(2).toInt());

    auto seed = intOption(p, "platform-fault-seed", 0, std::numeric_limits<int>::max());
    auto fail503 = ratioOption(p, "platform-fail-503");
    auto hang = ratioOption(p, "platform-hang");
    auto drop = ratioOption(p, "platform-drop");
    auto slow = intOption(p, "platform-slow-ms", 0, 600'000);
    auto reorder = intOption(p, "webhook-reorder", 0, 100'000);
    auto failDeliveries = intOption(p, "webhook-fail", 0, 100'000);
    auto retryBase = intOption(p, "webhook-retry-base-ms", 1, 3'600'000);
    auto agents = intOption(p, "platform-agents", 0, 100'000);
    auto generate = intOption(p, "platform-generate", 0, 10'000'000);
    for (const Error *e :
         {seed ? nullptr : &seed.error(), fail503 ? nullptr : &fail503.error(),
          hang ? nullptr : &hang.error(), drop ? nullptr : &drop.error(),
          slow ? nullptr : &slow.error(), reorder ? nullptr : &reorder.error(),
          failDeliveries ? nullptr : &failDeliveries.error(),
          retryBase ? nullptr : &retryBase.error(), agents ? nullptr : &agents.error(),
          generate ? nullptr : &generate.error()}) {
        if (e)
            return *e;
    }
    PlatformFaults &faults = sandbox->faults();
    faults.setSeed(quint32(*seed));
    faults.setFail503Ratio(*fail503);
    faults.setHangRatio(*hang);
    faults.setDropRatio(*drop);
    faults.setSlowMs(*slow);
    faults.setDuplicateDeliveries(p.isSet(QStringLiteral("webhook-duplicate")));
    faults.reorderNext(*reorder);
    faults.failNextDeliveries(*failDeliveries);
    sandbox->setWebhooksForApiWrites(!p.isSet(QStringLiteral("platform-no-api-webhooks")));

    const QString hookUrl = p.value(QStringLiteral("webhook-url"));
    if (!hookUrl.isEmpty()) {
        const QUrl url(hookUrl, QUrl::StrictMode);
        if (!url.isValid()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return optionError("webhook-url", QStringLiteral("not an http(s) URL"));
        QString secret = p.value(QStringLiteral("webhook-secret"));
        if (secret.isEmpty())
            secret = qEnvironmentVariable("LEADBRIDGE_WEBHOOK_SECRET");
        if (secret.isEmpty())
            return optionError("webhook-secret",
                               QStringLiteral("a webhook URL needs a secret (or "
                                              "LEADBRIDGE_WEBHOOK_SECRET)"));
        sandbox->setWebhookTarget(url, secret.toUtf8());
        WebhookDispatcher::Retry retry = sandbox->webhooks().retry();
        retry.baseMs = *retryBase;
        sandbox->webhooks().setRetry(retry);
    }

    sandbox->generateAgents(*agents);
    sandbox->generateLeads(*generate);
    const QString seedFile = p.value(QStringLiteral("platform-seed"));
    if (!seedFile.isEmpty()) {
        if (auto loaded = sandbox->seedFromFile(seedFile); !loaded)
            return optionError("platform-seed", loaded.error().message);
    }

    auto port = intOption(p, "platform-port", 0, 65535);
    if (!port)
        return port.error();
    if (!sandbox->listen(quint16(*port)))
        return optionError("platform-port",
                           QStringLiteral("cannot listen on 127.0.0.1:%1").arg(*port));
    return sandbox;
}

} // namespace lb::sandbox
