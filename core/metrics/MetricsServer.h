#pragma once

#include "util/Result.h"

#include <QObject>

#include <functional>
#include <memory>

class QHttpServer;

namespace lb {

// The `/metrics` endpoint: a small HTTP listener on the thread that creates it (the engine's),
// over the webhook receiver's BoundedBodyTcpServer (no request body is accepted). Each GET
// /metrics asks `scrape` for the exposition text at that moment.
class MetricsServer : public QObject
{
    Q_OBJECT
public:
    explicit MetricsServer(std::function<QByteArray()> scrape, QObject *parent = nullptr);
    ~MetricsServer() override;

    // Listens on `address` ("127.0.0.1:9464", the profile's metrics_listen); the port bound.
    Result<quint16> listen(const QString &address);

private:
    std::function<QByteArray()> m_scrape;
    std::unique_ptr<QHttpServer> m_server;
};

} // namespace lb
