#include "FaultServer.h"

#include <QPointer>
#include <QSslSocket>
#include <QTimer>

#include <zlib.h>

namespace lb::test {

namespace {

QByteArray head(int status, const QByteArray &contentType,
                const QList<QPair<QByteArray, QByteArray>> &extra)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + " X\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    for (const auto &[name, value] : extra)
        out += name + ": " + value + "\r\n";
    return out + "\r\n";
}

QByteArray compressZeros(qint64 size)
{
    z_stream s {};
    deflateInit2(&s, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    const QByteArray zeros(1 << 20, '\0');
    QByteArray out;
    char buffer[64 * 1024];
    for (qint64 left = size; left > 0;) {
        const qint64 n = qMin<qint64>(left, zeros.size());
        left -= n;
        s.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(zeros.constData()));
        s.avail_in = uInt(n);
        do {
            s.next_out = reinterpret_cast<Bytef *>(buffer);
            s.avail_out = sizeof buffer;
            deflate(&s, left > 0 ? Z_NO_FLUSH : Z_FINISH);
            out.append(buffer, qsizetype(sizeof buffer - s.avail_out));
        } while (s.avail_out == 0);
    }
    deflateEnd(&s);
    return out;
}

} // namespace

QByteArray FaultServer::Request::header(const QByteArray &name) const
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

FaultServer::FaultServer(QObject *parent)
    : QTcpServer(parent)
{
    m_handler = [](const Request &) { return Answer {200, "application/json", "{\"ok\":true}"}; };
}

FaultServer::~FaultServer() = default;

bool FaultServer::start(quint16 port)
{
    return listen(QHostAddress::LocalHost, port);
}

QString FaultServer::baseUrl() const
{
    return QStringLiteral("%1://127.0.0.1:%2")
        .arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
        .arg(serverPort());
}

void FaultServer::useTls(const QSslCertificate &certificate, const QSslKey &key)
{
    m_certificate = certificate;
    m_key = key;
    m_tls = true;
}

QByteArray FaultServer::gzip(const QByteArray &data)
{
    z_stream s {};
    deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&s, uLong(data.size()))), '\0');
    s.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    s.avail_in = uInt(data.size());
    s.next_out = reinterpret_cast<Bytef *>(out.data());
    s.avail_out = uInt(out.size());
    deflate(&s, Z_FINISH);
    out.resize(qsizetype(s.total_out));
    deflateEnd(&s);
    return out;
}

void FaultServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *tls = new QSslSocket(this);
        if (!tls->setSocketDescriptor(descriptor)) {
            delete tls;
            return;
        }
        tls->setLocalCertificate(m_certificate);
        tls->setPrivateKey(m_key);
        tls->startServerEncryption();
        socket = tls;
    } else {
        socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
    }
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

void FaultServer::onReadyRead(QTcpSocket *socket)
{
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            break;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        Request r;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        r.method = requestLine.value(0);
        r.path = requestLine.value(1);
        qint64 length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = lines[i].left(colon).trimmed();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            r.headers.append({name, value});
            if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
                length = value.toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            break;
        r.body = buffer.mid(end + 4, length);
        buffer.remove(0, end + 4 + length);
        m_requests.append(r);
        answer(socket, r);
    }
    socket->setProperty("buffer", buffer);
}

void FaultServer::answerHealthy(QTcpSocket *socket, const Request &request)
{
    const Answer a = m_handler(request);
    if (a.gzip && request.header("Accept-Encoding").contains("gzip")) {
        const QByteArray zipped = gzip(a.body);
        socket->write(head(a.status, a.contentType,
                           {{"Content-Encoding", "gzip"},
                            {"Content-Length", QByteArray::number(zipped.size())}})
                      + zipped);
        return;
    }
    socket->write(
        head(a.status, a.contentType, {{"Content-Length", QByteArray::number(a.body.size())}})
        + a.body);
}

void FaultServer::answer(QTcpSocket *socket, const Request &request)
{
    if (m_mode == Mode::Healthy || (m_applies && !m_applies(request)))
        return answerHealthy(socket, request);
    const bool gzipAsked = request.header("Accept-Encoding").contains("gzip");
    switch (m_mode) {
    case Mode::Healthy:
        return answerHealthy(socket, request);
    case Mode::Silent:
        return;
    case Mode::Trickle: {
        socket->write(head(200, "application/json", {{"Content-Length", "1000000"}}));
        auto *timer = new QTimer(socket);
        connect(timer, &QTimer::timeout, socket, [socket] { socket->write(" "); });
        timer->start(100);
        return;
    }
    case Mode::Huge:
        return sendHuge(socket, true);
    case Mode::HugeUnannounced:
        return sendHuge(socket, false);
    case Mode::CutBody: {
        const Answer a = m_handler(request);
        socket->write(
            head(a.status, a.contentType, {{"Content-Length", QByteArray::number(a.body.size())}})
            + a.body.left(a.body.size() / 2));
        socket->flush();
        socket->disconnectFromHost();
        return;
    }
    case Mode::TruncatedGzip: {
        const Answer a = m_handler(request);
        if (!gzipAsked)
            return answerHealthy(socket, request);
        const QByteArray zipped = gzip(a.body);
        const QByteArray cut = zipped.left(zipped.size() / 2);
        socket->write(
            head(a.status, a.contentType,
                 {{"Content-Encoding", "gzip"}, {"Content-Length", QByteArray::number(cut.size())}})
            + cut);
        return;
    }
    case Mode::GzipBomb: {
        if (!gzipAsked)
            return answerHealthy(socket, request);
        static const QByteArray bomb = compressZeros(200LL << 20);
        socket->write(head(200, "text/csv",
                           {{"Content-Encoding", "gzip"},
                            {"Content-Length", QByteArray::number(bomb.size())}})
                      + bomb);
        return;
    }
    case Mode::MalformedJson: {
        const QByteArray body = "{\"totalSize\":2,\"done\":true,\"records\":[{\"Id\":";
        socket->write(
            head(200, "application/json", {{"Content-Length", QByteArray::number(body.size())}})
            + body);
        return;
    }
    }
}

void FaultServer::sendHuge(QTcpSocket *socket, bool announced)
{
    m_hugeSent = 0;
    m_hugeFinished = false;
    socket->write(head(200, "application/json",
                       announced
                           ? QList<QPair<QByteArray, QByteArray>> {{"Content-Length",
                                                                    QByteArray::number(kHugeBytes)}}
                           : QList<QPair<QByteArray, QByteArray>> {{"Connection", "close"}}));
    // Fed as the socket drains, so the test's own memory stays small too.
    static const QByteArray chunk(1 << 20, 'x');
    QPointer<QTcpSocket> guard(socket);
    auto feed = [this, guard, announced] {
        if (!guard || guard->state() != QAbstractSocket::ConnectedState)
            return;
        while (guard->bytesToWrite() < (4 << 20) && m_hugeSent < kHugeBytes) {
            guard->write(chunk);
            m_hugeSent += chunk.size();
        }
        if (m_hugeSent >= kHugeBytes && guard->bytesToWrite() == 0 && !m_hugeFinished) {
            m_hugeFinished = true;
            if (!announced)
                guard->disconnectFromHost();
        }
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, feed);
    feed();
}

} // namespace lb::test
