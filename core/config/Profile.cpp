#include "Profile.h"

#include "DestinationConfig.h"
#include "ObjectReader.h"
#include "platform/WebhookListenAddress.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>

namespace lb {

using config::ObjectReader;

const QStringList &Profile::platformDeleteActions()
{
    static const QStringList actions {QStringLiteral("close_in_salesforce"),
                                      QStringLiteral("delete_in_salesforce"),
                                      QStringLiteral("ignore")};
    return actions;
}

const QStringList &Profile::authFlows()
{
    static const QStringList flows {
        QStringLiteral("jwt_bearer"), QStringLiteral("refresh_token"), QStringLiteral("password"),
        QStringLiteral("client_credentials"), QStringLiteral("authorization_code")};
    return flows;
}

const QStringList &Profile::changeModes()
{
    static const QStringList modes {QStringLiteral("stream"), QStringLiteral("poll")};
    return modes;
}

Result<Profile> Profile::fromJson(const QByteArray &json, const QString &fileName)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("%1: not valid JSON at offset %2: %3")
                             .arg(fileName)
                             .arg(parseError.offset)
                             .arg(parseError.errorString()));
    if (!doc.isObject())
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("%1: the profile must be a JSON object").arg(fileName));

    Profile p;
    p.sourceFile = fileName;
    ObjectReader root(doc.object(), QStringLiteral("$"), fileName);
    LB_TRY(root.string(QStringLiteral("name"), p.name, true));
    if (p.name.isEmpty() || p.name.contains(u'/'))
        return root.error(QStringLiteral("name"),
                          QStringLiteral("must be non-empty and contain no '/'"));
    LB_TRY(root.string(QStringLiteral("store"), p.store));
    LB_TRY(root.stringList(QStringLiteral("allowed_hosts"), p.allowedHosts));
    LB_TRY(root.string(QStringLiteral("mapping"), p.mapping));
    LB_TRY(root.string(QStringLiteral("metrics_listen"), p.metricsListen));
    if (!p.metricsListen.isEmpty()) {
        if (auto listen = platform::WebhookListenAddress::parse(p.metricsListen); !listen)
            return root.error(QStringLiteral("metrics_listen"),
                              QStringLiteral("must be an address and port such as "
                                             "127.0.0.1:9464 (got \"%1\")")
                                  .arg(p.metricsListen.left(100)));
    }

    QJsonObject sf;
    LB_TRY(root.object(QStringLiteral("salesforce"), sf));
    ObjectReader s(sf, QStringLiteral("$.salesforce"), fileName);
    LB_TRY(s.url(QStringLiteral("login_url"), p.salesforce.loginUrl));
    LB_TRY(s.url(QStringLiteral("instance_url"), p.salesforce.instanceUrl));
    LB_TRY(s.string(QStringLiteral("api_version"), p.salesforce.apiVersion));
    LB_TRY(s.string(QStringLiteral("auth_flow"), p.salesforce.authFlow));
    LB_TRY(s.string(QStringLiteral("client_id"), p.salesforce.clientId));
    LB_TRY(s.string(QStringLiteral("username"), p.salesforce.username));
    LB_TRY(s.string(QStringLiteral("call_options_client"), p.salesforce.callOptionsClient));
    LB_TRY(s.url(QStringLiteral("redirect_uri"), p.salesforce.redirectUri));
    LB_TRY(s.string(QStringLiteral("changes"), p.salesforce.changes));
    LB_TRY(s.unknownKeys());
    if (!changeModes().contains(p.salesforce.changes))
        return s.error(QStringLiteral("changes"),
                       QStringLiteral("must be one of %1 (got \"%2\")")
                           .arg(changeModes().join(QStringLiteral(", ")), p.salesforce.changes));
    if (!authFlows().contains(p.salesforce.authFlow))
        return s.error(QStringLiteral("auth_flow"),
                       QStringLiteral("must be one of %1 (got \"%2\")")
                           .arg(authFlows().join(QStringLiteral(", ")), p.salesforce.authFlow));
    static const QRegularExpression version(QStringLiteral(R"(^\d{2}\.0$)"));
    if (!version.match(p.salesforce.apiVersion).hasMatch())
        return s.error(
            QStringLiteral("api_version"),
            QStringLiteral("must look like \"62.0\" (got \"%1\")").arg(p.salesforce.apiVersion));

    QJsonObject pf;
    LB_TRY(root.object(QStringLiteral("platform"), pf));
    ObjectReader pr(pf, QStringLiteral("$.platform"), fileName);
    LB_TRY(pr.url(QStringLiteral("base_url"), p.platform.baseUrl));
    LB_TRY(pr.string(QStringLiteral("webhook_listen"), p.platform.webhookListen));
    LB_TRY(pr.unknownKeys());

    QJsonObject sy;
    LB_TRY(root.object(QStringLiteral("sync"), sy));
    ObjectReader y(sy, QStringLiteral("$.sync"), fileName);
    LB_TRY(y.number(QStringLiteral("poll_interval_s"), p.sync.pollIntervalS, 1, 86400));
    LB_TRY(
        y.number(QStringLiteral("reconcile_interval_min"), p.sync.reconcileIntervalMin, 1, 10080));
    LB_TRY(y.number(QStringLiteral("api_usage_pause_at"), p.sync.apiUsagePauseAt, 0.05, 1.0));
    LB_TRY(y.number(QStringLiteral("bulk_threshold"), p.sync.bulkThreshold, 1, 100'000'000));
    LB_TRY(y.number(QStringLiteral("high_value_threshold"), p.sync.highValueThreshold, 0, 1e15));
    LB_TRY(y.number(QStringLiteral("retry_base_ms"), p.sync.retryBaseMs, 1, 3'600'000));
    LB_TRY(y.number(QStringLiteral("retry_cap_ms"), p.sync.retryCapMs, 1, 86'400'000));
    LB_TRY(y.number(QStringLiteral("max_attempts"), p.sync.maxAttempts, 1, 100));
    LB_TRY(y.number(QStringLiteral("batch_size"), p.sync.batchSize, 1, 10'000));
    LB_TRY(y.number(QStringLiteral("lease_s"), p.sync.leaseS, 5, 86'400));
    LB_TRY(y.number(QStringLiteral("poll_overlap_s"), p.sync.pollOverlapS, 0, 86'400));
    LB_TRY(y.number(QStringLiteral("limit_backoff_s"), p.sync.limitBackoffS, 1, 86'400));
    LB_TRY(y.number(QStringLiteral("backstop_poll_min"), p.sync.backstopPollMin, 1, 10080));
    LB_TRY(y.number(QStringLiteral("request_timeout_s"), p.sync.requestTimeoutS, 1, 3600));
    LB_TRY(y.number(QStringLiteral("alert_inbox_above"), p.sync.alertInboxAbove, 0, 100'000'000));
    LB_TRY(y.number(QStringLiteral("alert_stream_down_min"), p.sync.alertStreamDownMin, 1, 10080));
    LB_TRY(y.number(QStringLiteral("alert_process_gone_s"), p.sync.alertProcessGoneS, 30, 86400));
    LB_TRY(y.unknownKeys());

    QJsonObject lc;
    LB_TRY(root.object(QStringLiteral("lifecycle"), lc));
    ObjectReader l(lc, QStringLiteral("$.lifecycle"), fileName);
    LB_TRY(l.string(QStringLiteral("platform_delete"), p.lifecycle.platformDelete));
    LB_TRY(l.unknownKeys());
    if (!platformDeleteActions().contains(p.lifecycle.platformDelete))
        return l.error(QStringLiteral("platform_delete"),
                       QStringLiteral("must be one of %1 (got \"%2\")")
                           .arg(platformDeleteActions().join(QStringLiteral(", ")),
                                p.lifecycle.platformDelete));

    QJsonObject rt;
    LB_TRY(root.object(QStringLiteral("retention"), rt));
    ObjectReader r(rt, QStringLiteral("$.retention"), fileName);
    // At least a day (the purge runs daily); at most ten years.
    LB_TRY(r.number(QStringLiteral("inbound_events_days"), p.retention.inboundEventsDays, 1, 3650));
    LB_TRY(r.number(QStringLiteral("finished_jobs_days"), p.retention.finishedJobsDays, 1, 3650));
    LB_TRY(r.number(QStringLiteral("audit_details_days"), p.retention.auditDetailsDays, 1, 3650));
    LB_TRY(r.unknownKeys());
    QJsonArray destinations;
    LB_TRY(root.array(QStringLiteral("destinations"), destinations));
    auto parsedDestinations = destinationsFromJson(destinations, fileName);
    if (!parsedDestinations)
        return parsedDestinations.error();
    p.destinations = *parsedDestinations;
    QJsonArray alerts;
    LB_TRY(root.array(QStringLiteral("alerts"), alerts));
    auto parsedAlerts = alertsFromJson(alerts, fileName);
    if (!parsedAlerts)
        return parsedAlerts.error();
    p.alerts = *parsedAlerts;
    LB_TRY(root.unknownKeys());
    return p;
}

Result<Profile> Profile::load(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            QStringLiteral("profile"),
            QStringLiteral("Cannot read the profile %1: %2").arg(fileName, file.errorString()));
    if (file.size() > 1024 * 1024)
        return makeError(
            QStringLiteral("profile"),
            QStringLiteral("%1: a profile larger than 1 MiB is not plausible").arg(fileName));
    return fromJson(file.readAll(), fileName);
}

QString Profile::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)
        + QStringLiteral("/profile.json");
}

} // namespace lb
