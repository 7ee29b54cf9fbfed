#pragma once

#include "util/Result.h"

#include <QHostAddress>
#include <QString>

namespace lb::platform {

// Where the webhook receiver listens: the profile's "webhook_listen" ("127.0.0.1:8787",
// "[::1]:8787", "localhost:8787", "0.0.0.0:8787"). Only IP literals and "localhost": a host
// name would make the listening address depend on DNS.
struct WebhookListenAddress
{
    static constexpr quint16 DefaultPort = 8787;

    QHostAddress address {QHostAddress::LocalHost};
    quint16 port = DefaultPort; // 0 = pick a free port (tests)

    static Result<WebhookListenAddress> parse(const QString &text);
    bool isLoopback() const { return address.isLoopback(); }
    QString toString() const;
};

} // namespace lb::platform
