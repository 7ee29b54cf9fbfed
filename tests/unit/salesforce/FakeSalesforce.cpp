#include "FakeSalesforce.h"

#include <QHttpServerRequest>
#include <QTcpSocket>

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

QByteArray FakeSalesforce::gzippedQueryPage()
{
    return QByteArray::fromBase64(
        "H4sIAAAAAAAC/6tWKskvScwJzqxKVbIy1FFKyc8DMkqKSlN1lIpSk/OLUoqV"
        "rKKrlTxTlKyUDAwCTdMNQMAxyTnF1dUxTElHyS8xF6hDKabUwCDZtDhRqTa2FgAgHqgmVQAAAA==");
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
    const QByteArray &body = reply.body;
    if (reply.gzipHeader)
        reply.headers.append(qMakePair(QByteArray("Content-Encoding"), QByteArray("gzip")));
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
