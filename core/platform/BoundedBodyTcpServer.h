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
// When a header block arrives in pieces QHttpServer has started reading before the length
// was known; then the bytes it buffers are counted and the connection ends (413) once they
// exceed what a whole request may hold. Either way no connection holds more than about
// maxBodyBytes + MaxHeaderBytes in memory.
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
    // Requests whose header block did not arrive in one piece (for tests and diagnosis).
    quint64 headersInPieces() const { return m_headersInPieces; }

    // The JSON error body every refusal uses: {"error":"<code>","message":"..."}.
    static QByteArray errorJson(const QString &code, const QString &message);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void inspect(QTcpSocket *socket, qint64 &requestBytes);
    // Answers `status` and takes the connection over from QHttpServer. With requestEnd >= 0
    // (bytes up to the end of the request) the answer follows the discarded body; with -1
    // it goes out at once.
    void refuse(QTcpSocket *socket, int status, const QByteArray &reason, const QString &code,
                const QString &message, qint64 requestEnd);

    qint64 m_maxBodyBytes;
    quint64 m_refusedEarly = 0;
    quint64 m_headersInPieces = 0;
};

} // namespace lb::platform
