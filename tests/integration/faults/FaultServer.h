#pragma once

// A loopback HTTP/1.1 server that answers well or misbehaves on purpose, for the fault matrix
// (docs/RELIABILITY.md, "Fault matrix"): silence, a trickle, a 50 MB answer, a body cut short,
// a truncated gzip stream, a compression bomb, malformed JSON, and TLS with a given
// certificate. Raw sockets, so every byte on the wire is the test's choice.
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>

#include <functional>

class QTcpSocket;

namespace lb::test {

class FaultServer : public QTcpServer
{
    Q_OBJECT
public:
    enum class Mode {
        Healthy, // the handler's answer
        Silent, // reads the request, never answers
        Trickle, // a status line, then one byte every 100 ms, never finishing
        Huge, // 50 MB announced by Content-Length, sent as the client reads
        HugeUnannounced, // 50 MB without Content-Length, the end marked by closing
        CutBody, // Content-Length of the whole answer, half of it, then the connection closes
        TruncatedGzip, // gzip asked for: half of the gzip stream (with a matching length)
        GzipBomb, // gzip asked for: 200 MB of zeros in about 200 kB
        MalformedJson, // 200 with a JSON body that stops in the middle
    };
    struct Request
    {
        QByteArray method;
        QByteArray path; // with the query
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(const QByteArray &name) const;
    };
    struct Answer
    {
        int status = 200;
        QByteArray contentType = "application/json";
        QByteArray body;
        bool gzip = false; // compressed when the request asks for gzip
    };
    // Far above the 32 MiB read limit, so no socket buffer can take the rest: the server
    // finishing it means the client read it all (with 50 MB, a slow client under ASan let the
    // kernel's buffers take the last 14 MB after it stopped reading).
    static constexpr qint64 kHugeBytes = 200LL << 20;

    explicit FaultServer(QObject *parent = nullptr);
    ~FaultServer() override;

    bool start(quint16 port = 0); // 127.0.0.1
    QString baseUrl() const; // http(s)://127.0.0.1:port
    void setMode(Mode mode) { m_mode = mode; }
    // Which requests the mode applies to (default: all); the others are answered healthily.
    void setFaultFilter(std::function<bool(const Request &)> applies) { m_applies = applies; }
    void setHandler(std::function<Answer(const Request &)> handler) { m_handler = handler; }
    void useTls(const QSslCertificate &certificate, const QSslKey &key);

    const QList<Request> &requests() const { return m_requests; }
    // Of the last Huge answer: how much had been handed to the socket when the client left.
    qint64 hugeBytesSent() const { return m_hugeSent; }
    bool hugeFinished() const { return m_hugeFinished; }

    static QByteArray gzip(const QByteArray &data);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void onReadyRead(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const Request &request);
    void answerHealthy(QTcpSocket *socket, const Request &request);
    void sendHuge(QTcpSocket *socket, bool announced);

    Mode m_mode = Mode::Healthy;
    std::function<bool(const Request &)> m_applies;
    std::function<Answer(const Request &)> m_handler;
    QList<Request> m_requests;
    QSslCertificate m_certificate;
    QSslKey m_key;
    bool m_tls = false;
    qint64 m_hugeSent = 0;
    bool m_hugeFinished = false;
};

} // namespace lb::test
