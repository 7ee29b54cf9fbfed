#pragma once

#include <QHostAddress>
#include <QHttpServer>

#include <memory>

namespace lb::sandbox {

// A QHttpServer bound to a loopback address only (an emulator must never be reachable from
// the network). Port 0 picks a free port; port() tells which one.
class LoopbackServer
{
public:
    LoopbackServer();
    ~LoopbackServer();

    bool listen(quint16 port = 0, const QHostAddress &address = QHostAddress::LocalHost);
    quint16 port() const { return m_port; }
    QString baseUrl() const;
    QHttpServer &http() { return *m_server; }

private:
    std::unique_ptr<QHttpServer> m_server;
    quint16 m_port = 0;
    QHostAddress m_address;
};

} // namespace lb::sandbox
