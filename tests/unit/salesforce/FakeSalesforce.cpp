#include "FakeSalesforce.h"

#include <QHttpServerRequest>
#include <QTcpSocket>

#include <zlib.h>

namespace lb::test {

QByteArray FakeRequest::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QMap<QString, QString> FakeRequest::decodeForm(const QByteArray &encoded)
{
    QMap<QString, QString> out;
    for (const QByteArray &pair : encoded.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        QByteArray key = eq < 0 ? pair : pair.left(eq);
        QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        key.replace('+', ' ');
        value.replace('+', ' ');
        out.insert(QString::fromUtf8(QByteArray::fromPercentEncoding(key)),
                   QString::fromUtf8(QByteArray::fromPercentEncoding(value)));
    }
    return out;
}

FakeReply FakeReply::json(int status, const QByteArray &body)
{
    FakeReply r;
    r.status = status;
    r.body = body;
    r.headers.append(
        qMakePair(QByteArray("Content-Type"), QByteArray("application/json;charset=UTF-8")));
    return r;
}

FakeReply FakeReply::empty(int status)
{
    FakeReply r;
    r.status = status;
    return r;
}

FakeReply &FakeReply::header(const QByteArray &name, const QByteArray &value)
{
    headers.append(qMakePair(name, value));
    return *this;
}

FakeSalesforce::FakeSalesforce(QObject *parent)
    : QAbstractHttpServer(parent)
{ }

bool FakeSalesforce::listenLoopback()
{
    m_port = listen(QHostAddress::LocalHost, 0);
    return m_port != 0;
}

QUrl FakeSalesforce::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

int FakeSalesforce::countPath(const QString &pathPart) const
{
    return int(std::count_if(requests.begin(), requests.end(),
                             [&](const FakeRequest &r) { return r.path.contains(pathPart); }));
}

QByteArray FakeSalesforce::gzip(const QByteArray &data)
{
    z_stream zs {};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        != Z_OK)
        return {};
    QByteArray out(qsizetype(deflateBound(&zs, uLong(data.size()))) + 32, Qt::Uninitialized);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(qsizetype(zs.total_out));
    deflateEnd(&zs);
    return out;
}

namespace {

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

} // namespace

bool FakeSalesforce::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    FakeRequest r;
    r.method = methodName(request.method());
    r.path = request.url().path(QUrl::FullyEncoded);
    r.rawQuery = request.url().query(QUrl::FullyEncoded);
    r.headers = request.headers();
    r.body = request.body();
    requests.append(r);
    FakeReply reply = m_handler ? m_handler(r) : FakeReply::json(404, "[]");
    if (reply.hang)
        return true;
    QByteArray body = reply.body;
    if (reply.gzip) {
        body = gzip(body);
        reply.headers.append(qMakePair(QByteArray("Content-Encoding"), QByteArray("gzip")));
    } else if (reply.rawGzipHeader) {
        reply.headers.append(qMakePair(QByteArray("Content-Encoding"), QByteArray("gzip")));
    }
    QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + " X\r\n";
    for (const auto &[name, value] : reply.headers)
        out += name + ": " + value + "\r\n";
    if (reply.status != 204 && reply.status != 304)
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    if (reply.status != 204 && reply.status != 304)
        out += body;
    socket->write(out);
    return true;
}

void FakeSalesforce::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
}

} // namespace lb::test
