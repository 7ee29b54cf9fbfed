#include "LoopbackServer.h"

#include "log/Logging.h"

namespace lb::sandbox {

LoopbackServer::LoopbackServer()
    : m_server(std::make_unique<QHttpServer>())
{ }

LoopbackServer::~LoopbackServer() = default;

bool LoopbackServer::listen(quint16 port, const QHostAddress &address)
{
    if (!address.isLoopback()) {
        qCWarning(lcSandbox) << "refusing to listen on non-loopback address" << address;
        return false;
    }
    m_port = m_server->listen(address, port);
    m_address = address;
    return m_port != 0;
}

QString LoopbackServer::baseUrl() const
{
    const QString host = m_address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + m_address.toString() + u']'
        : m_address.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(m_port);
}

} // namespace lb::sandbox
