#include "MetricsServer.h"

#include "EngineMetrics.h"
#include "log/Logging.h"
#include "platform/BoundedBodyTcpServer.h"
#include "platform/WebhookListenAddress.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>

namespace lb {

MetricsServer::MetricsServer(std::function<QByteArray()> scrape, QObject *parent)
    : QObject(parent)
    , m_scrape(std::move(scrape))
{ }

MetricsServer::~MetricsServer() = default;

Result<quint16> MetricsServer::listen(const QString &address)
{
    auto where = platform::WebhookListenAddress::parse(address);
    if (!where)
        return makeError(QStringLiteral("metrics_listen"),
                         QStringLiteral("metrics_listen \"%1\" is not an address and port such "
                                        "as 127.0.0.1:9464")
                             .arg(address.left(100)));
    auto server = std::make_unique<QHttpServer>();
    server->setMissingHandler([this](const QHttpServerRequest &request,
                                     QHttpServerResponder &&responder) {
        using Status = QHttpServerResponse::StatusCode;
        if (request.url().path() != QLatin1String("/metrics")) {
            QHttpServerResponse(QByteArrayLiteral("text/plain"), QByteArrayLiteral("Not found\n"),
                                Status::NotFound)
                .write(std::move(responder));
            return;
        }
        if (request.method() != QHttpServerRequest::Method::Get) {
            QHttpServerResponse answer(QByteArrayLiteral("text/plain"),
                                       QByteArrayLiteral("Use GET\n"), Status::MethodNotAllowed);
            answer.setHeader(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET"));
            answer.write(std::move(responder));
            return;
        }
        QHttpServerResponse(QByteArray(EngineMetrics::ContentType), m_scrape())
            .write(std::move(responder));
    });
    auto *tcp = new platform::BoundedBodyTcpServer(0);
    if (!tcp->listen(where->address, where->port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return makeError(QStringLiteral("metrics_listen_failed"),
                         QStringLiteral("The metrics endpoint cannot listen on %1: %2")
                             .arg(where->toString(), why));
    }
    server->bind(tcp); // takes ownership
    platform::WebhookListenAddress bound = *where;
    bound.port = tcp->serverPort();
    m_server = std::move(server);
    if (!where->isLoopback())
        qCWarning(lcSync) << "metrics served on a non-loopback address" << where->toString()
                          << "(from the profile)";
    qCInfo(lcSync).noquote()
        << QStringLiteral("metrics served at http://%1/metrics").arg(bound.toString());
    return bound.port;
}

} // namespace lb
