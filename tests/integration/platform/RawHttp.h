#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace lb::test {

struct RawResponse
{
    int status = 0; // 0 = no complete answer
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const;
};

// HTTP/1.1 over a plain QTcpSocket, for tests that must send exactly the bytes they mean:
// wrong or missing Content-Length, chunked bodies, many connections at once.
class RawHttp
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // A request with Host and Content-Length: the body's length (contentLength -1), the
    // given one (>= 0) or none at all (-2).
    static QByteArray request(const QByteArray &method, const QByteArray &path,
                              const Headers &headers, const QByteArray &body,
                              qint64 contentLength = -1);

    // Sends each request on its own connection, all at once, and waits for every answer.
    static QList<RawResponse> exchangeAll(quint16 port, const QList<QByteArray> &requests,
                                          int timeoutMs = 30'000);
    static RawResponse exchange(quint16 port, const QByteArray &request, int timeoutMs = 30'000)
    {
        return exchangeAll(port, {request}, timeoutMs).value(0);
    }
};

} // namespace lb::test
