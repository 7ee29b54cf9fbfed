#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace lb::salesforce::streaming {

// The server's reconnect advice (Bayeux 1.0 "advice").
struct BayeuxAdvice
{
    QString reconnect; // "retry" | "handshake" | "none" | empty
    std::optional<qint64> intervalMs;
    std::optional<qint64> timeoutMs;
};

// One message of a Streaming API answer (SALESFORCE_API.md 8.2), typed at the edge: meta
// replies (handshake, connect, subscribe, ...) and event deliveries (`data`).
struct BayeuxMessage
{
    QString channel;
    QString id;
    QString clientId;
    std::optional<bool> successful; // absent on deliveries
    QString error; // "403::Unknown client"
    QString subscription;
    std::optional<BayeuxAdvice> advice;
    QString failureReason; // ext.sfdc.failureReason, e.g. "401::Authentication invalid"
    bool replaySupported = false; // ext.replay on the handshake
    QJsonObject data; // a delivery's payload

    bool isMeta() const { return channel.startsWith(QStringLiteral("/meta/")); }
    bool isDelivery() const { return !isMeta() && !successful.has_value(); }
    // The number before "::" in error (403 in "403::Unknown client"), 0 when there is none.
    int errorStatus() const;
    bool isUnknownClient() const;
    bool isAuthenticationFailure() const;

    static Result<BayeuxMessage> fromJson(const QJsonObject &object);
    // An answer body: a JSON array of messages (a single object is accepted too).
    static Result<QList<BayeuxMessage>> parseAnswer(const QByteArray &body);
};

} // namespace lb::salesforce::streaming
