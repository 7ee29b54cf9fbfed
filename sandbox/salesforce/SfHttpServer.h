#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"

#include <QAbstractHttpServer>
#include <QPointer>
#include <QTcpSocket>

#include <functional>

namespace lb::sandbox {

// One loopback HTTP listener. It sits below QHttpServer's router (QAbstractHttpServer hands
// us the socket), which is what fault injection needs: an answer can be delayed on a timer,
// withheld for good (a hung request), or replaced by closing the TCP connection.
class SfHttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    // Writes a deferred answer; false when the client has gone (nothing was written).
    using Responder = std::function<bool(const ApiResponse &)>;
    struct Outcome
    {
        // Defer: `defer` receives a Responder to answer later (CometD's long-poll connect).
        enum class Action { Respond, Drop, Hang, Defer };
        Action action = Action::Respond;
        ApiResponse response;
        int delayMs = 0;
        std::function<void(Responder)> defer;
    };
    using Handler = std::function<Outcome(const ApiRequest &)>;

    explicit SfHttpServer(Handler handler, QObject *parent = nullptr);
    ~SfHttpServer() override;

    // Loopback only; 0 picks a free port. Returns the port, 0 on failure.
    quint16 listenLoopback(quint16 port);
    QString baseUrl() const;

    qint64 requestsHandled() const { return m_handled; }
    // Closes the connections of hung requests (on shutdown).
    void releaseHungRequests();

    static QByteArray serialize(const ApiResponse &response, bool headRequest);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
    quint16 m_port = 0;
    qint64 m_handled = 0;
    QList<QPointer<QTcpSocket>> m_hung;
};

} // namespace lb::sandbox
