#pragma once

#include "FaultInjector.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace lb::sandbox {

struct SandboxUser
{
    QString username;
    QString password;
    QString securityToken; // appended to the password in the password flow, if set
    QString userId; // 005...; assigned when empty
    QString displayName;
    QString email;
    bool jwtApproved = true; // pre-authorised for the connected app (JWT bearer)
};

// Everything the sandbox org can be told at start (C++ struct, or leadbridge-sandbox flags).
struct SandboxConfig
{
    quint16 loginPort = 0; // 0 = pick a free port
    quint16 instancePort = 0;

    // The connected app.
    QString clientId = QStringLiteral("3MVG9LeadBridgeSandboxConsumerKey");
    QString clientSecret = QStringLiteral("leadbridge-sandbox-consumer-secret");
    QStringList callbackUrls; // empty = any redirect_uri is accepted
    QByteArray jwtCertificatePem; // X.509 certificate or public key (PEM) for RS256 assertions
    QStringList extraJwtAudiences; // accepted besides the login URL
    bool refreshTokenRotation = false;
    bool requirePkce = false;
    bool clientCredentialsEnabled = true;
    QString runAsUser; // client-credentials user (username); empty = the first user

    QList<SandboxUser> users; // empty = one default integration user

    qint64 sessionLifetimeSecs = 2 * 60 * 60;
    qint64 dailyApiLimit = 100'000;
    qint64 apiUsed = 0;
    int minApiVersion = 31; // below: 410 GONE
    int maxApiVersion = 62; // above: 404

    FaultConfig faults;

    // How long the Streaming API holds a /meta/connect without events (the advised timeout).
    int streamingTimeoutMs = 110'000;

    QString statePath; // load at start, save on stop and every saveIntervalSecs (0 = never)
    int saveIntervalSecs = 30;

    static SandboxUser defaultUser();
};

} // namespace lb::sandbox
