#pragma once

#include <QByteArray>
#include <QTcpServer>

class QTcpSocket;

namespace lb::platform {

// The TCP server under the webhook receiver's QHttpServer. QHttpServer (Qt 6.4) reads a whole
// body into memory before any handler runs, whatever its size; this server looks at each
// request's header block first (peek, before QHttpServer reads it) and answers 413 from the
// Content-Length alone, reading and discarding the body rather than storing it. It also
// refuses bodies without a length (chunked, 411) and header blocks over MaxHeaderBytes (431).
// A request whose headers arrive in pieces is left to QHttpServer; the receiver checks the
// body size again, so the limit holds either way, only the memory saving does not.
class BoundedBodyTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    static constexpr qint64 MaxHeaderBytes = 32 * 1024;
    // Past this declared size the body is not even drained: answer and close at once.
    static constexpr qint64 MaxDrainBytes = 16 * 1024 * 1024;
    static constexpr int DrainTimeoutMs = 30'000;

    explicit BoundedBodyTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);

    qint64 maxBodyBytes() const { return m_maxBodyBytes; }
    quint64 refusedEarly() const { return m_refusedEarly; }

    // The JSON error body every refusal uses: {"error":"<code>","message":"..."}.
    static QByteArray errorJson(const QString &code, const QString &message);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void inspect(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, int status, const QByteArray &reason, const QString &code,
                const QString &message, qint64 bytesToDiscard);

    qint64 m_maxBodyBytes;
    quint64 m_refusedEarly = 0;
};

} // namespace lb::platform
