#include "RawHttp.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>

#include <memory>

namespace lb::test {
namespace {

// Parses what has arrived; true once a whole answer is there.
bool parse(const QByteArray &data, RawResponse &out)
{
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = data.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    RawResponse r;
    r.status = statusLine.value(1).toInt();
    qint64 length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = lines.at(i).left(colon).trimmed();
        const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
        r.headers.append({name, value});
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            length = value.toLongLong();
    }
    if (data.size() < end + 4 + length)
        return false;
    r.body = data.mid(end + 4, length);
    out = r;
    return true;
}

} // namespace

QByteArray RawResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QJsonObject RawResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray RawHttp::request(const QByteArray &method, const QByteArray &path,
                            const Headers &headers, const QByteArray &body, qint64 contentLength)
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &h : headers)
        r += h.first + ": " + h.second + "\r\n";
    if (contentLength != -2)
        r += "Content-Length: "
            + QByteArray::number(contentLength >= 0 ? contentLength : body.size()) + "\r\n";
    return r + "\r\n" + body;
}

QList<RawResponse> RawHttp::exchangeAll(quint16 port, const QList<QByteArray> &requests,
                                        int timeoutMs)
{
    struct Exchange
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray received;
        RawResponse response;
        bool done = false;
    };
    std::vector<Exchange> exchanges(requests.size());
    for (qsizetype i = 0; i < requests.size(); ++i) {
        Exchange &e = exchanges[size_t(i)];
        e.socket = std::make_unique<QTcpSocket>();
        QTcpSocket *socket = e.socket.get();
        const QByteArray request = requests.at(i);
        QObject::connect(socket, &QTcpSocket::connected, socket,
                         [socket, request] { socket->write(request); });
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [&e] {
            e.received += e.socket->readAll();
            if (!e.done && parse(e.received, e.response))
                e.done = true;
        });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, [&e] { e.done = true; });
        QObject::connect(socket, &QTcpSocket::errorOccurred, socket,
                         [&e](QAbstractSocket::SocketError) { e.done = true; });
        socket->connectToHost(QStringLiteral("127.0.0.1"), port);
    }
    (void)QTest::qWaitFor( // a timed-out exchange shows as status 0
        [&] {
            return std::all_of(exchanges.begin(), exchanges.end(),
                               [](const Exchange &e) { return e.done; });
        },
        timeoutMs);
    QList<RawResponse> out;
    for (Exchange &e : exchanges) {
        if (e.response.status == 0) // closed early: take whatever complete answer came
            parse(e.received, e.response);
        e.socket->disconnect();
        e.socket->abort();
        out.append(e.response);
    }
    return out;
}

} // namespace lb::test
