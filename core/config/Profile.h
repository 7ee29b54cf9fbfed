#pragma once

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
        // Delivery rounds (each one write request) in flight at once per target, 1..16: the
        // next round is claimed and planned while the answer to the last is on its way.
        int maxInFlight = 2;
        int leaseS = 300;
        int pollOverlapS = 120; // re-read window so late or tied writes are never skipped
        int limitBackoffS = 60; // wait after a throttling answer that names no time
        int backstopPollMin = 15; // Salesforce poll period while changes arrive on the stream
    };

    // SALESFORCE_ORG.md, "Lead lifecycle, both ways".
    struct Lifecycle
    {
        // What a lead deleted on the platform becomes in Salesforce: "close_in_salesforce"
        // (Status Closed - Not Converted, not eligible), "delete_in_salesforce" or "ignore".
        QString platformDelete = QStringLiteral("close_in_salesforce");
    };

    QString name;
    Salesforce salesforce;
    Platform platform;
    QString store;
    QStringList allowedHosts;
    QString mapping = QStringLiteral("default");
    Sync sync;
    Lifecycle lifecycle;
    // Where `leadbridge sync` serves Prometheus metrics (GET /metrics), e.g. "127.0.0.1:9464";
    // empty = off.
    QString metricsListen;
    QString sourceFile;

    static Result<Profile> fromJson(const QByteArray &json, const QString &fileName);
    static Result<Profile> load(const QString &fileName);
    static QString defaultPath();

    static const QStringList &authFlows();
    static const QStringList &changeModes();
    static const QStringList &platformDeleteActions();
};

} // namespace lb
