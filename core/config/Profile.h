#pragma once

#include "DestinationConfig.h"
#include "util/Result.h"

#include <QStringList>
#include <QUrl>

namespace lb {

// A LeadBridge profile (../shared/PROFILE.md): which systems to connect, where the store is,
// which hosts may be contacted, and how the engine paces itself. It never holds secrets.
struct Profile
{
    struct Salesforce
    {
        QUrl loginUrl {QStringLiteral("https://login.salesforce.com")};
        QUrl instanceUrl; // My Domain; required for client_credentials
        QString apiVersion = QStringLiteral("62.0");
        QString authFlow = QStringLiteral("jwt_bearer");
        QString clientId;
        QString username;
        QString callOptionsClient = QStringLiteral("LeadBridge");
        QUrl redirectUri; // authorization_code: loopback redirect, e.g.
                          // http://127.0.0.1:8788/callback
        // How Salesforce changes are learnt: "stream" (Change Data Capture, with a backstop poll
        // every sync.backstopPollMin minutes) or "poll" (every sync.pollIntervalS seconds).
        QString changes = QStringLiteral("stream");
        bool streamsChanges() const { return changes == QLatin1String("stream"); }
    };
    struct Platform
    {
        QUrl baseUrl;
        QString webhookListen = QStringLiteral("127.0.0.1:8787");
    };
    struct Sync
    {
        int pollIntervalS = 30;
        int reconcileIntervalMin = 60;
        double apiUsagePauseAt = 0.9;
        int bulkThreshold = 2000;
        double highValueThreshold = 50000;
        int retryBaseMs = 1000;
        int retryCapMs = 5 * 60'000;
        int maxAttempts = 8;
        int batchSize = 1000; // outbox jobs claimed per pass (one Composite of 5 x 200)
        int leaseS = 300;
        int pollOverlapS = 120; // re-read window so late or tied writes are never skipped
        int limitBackoffS = 60; // wait after a throttling answer that names no time
        int backstopPollMin = 15; // Salesforce poll period while changes arrive on the stream
        // The longest silence of Salesforce or the platform within one request before it is
        // given up and retried with backoff (the whole exchange may take three times this);
        // 0 = each client's default (Salesforce 60 s, platform 30 s).
        int requestTimeoutS = 0;
        // Alerts: the open inbox items above which one incident opens, how long the change
        // stream may stay disconnected before one does, and how long a fleet process may send
        // no heartbeat (without a clean stop) before it counts as gone. Below 30 s a process
        // the console still counts as alive (fleet::AliveWithinMs) would be called gone.
        int alertInboxAbove = 100;
        int alertStreamDownMin = 10;
        int alertProcessGoneS = 60;
    };

    // SALESFORCE_ORG.md, "Lead lifecycle, both ways".
    struct Lifecycle
    {
        // What a lead deleted on the platform becomes in Salesforce: "close_in_salesforce"
        // (Status Closed - Not Converted, not eligible), "delete_in_salesforce" or "ignore".
        QString platformDelete = QStringLiteral("close_in_salesforce");
    };

    // How long the store keeps what it no longer needs (PROFILE.md, "Retention"); a daily
    // purge enforces it (RetentionPurge).
    struct Retention
    {
        int inboundEventsDays = 30; // processed raw webhook bodies and poll pages
        int finishedJobsDays = 7; // outbox jobs done, superseded, cancelled or discarded
        int auditDetailsDays = 365; // the audit row stays; its detail payload goes
    };

    QString name;
    Salesforce salesforce;
    Platform platform;
    QString store;
    QStringList allowedHosts;
    QString mapping = QStringLiteral("default");
    Sync sync;
    Lifecycle lifecycle;
    Retention retention;
    // Where `leadbridge sync` serves Prometheus metrics (GET /metrics), e.g. "127.0.0.1:9464";
    // empty = off.
    QString metricsListen;
    // Hub and spoke: more receivers of lead events, and where alerts about LeadBridge go.
    QList<DestinationConfig> destinations;
    QList<AlertConfig> alerts;
    QString sourceFile;

    static Result<Profile> fromJson(const QByteArray &json, const QString &fileName);
    static Result<Profile> load(const QString &fileName);
    static QString defaultPath();

    static const QStringList &authFlows();
    static const QStringList &changeModes();
    static const QStringList &platformDeleteActions();
};

} // namespace lb
