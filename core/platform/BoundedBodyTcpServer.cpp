#include "BoundedBodyTcpServer.h"

#include "log/Logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <limits>
#include <memory>

namespace lb::platform {
namespace {

struct HeaderBlock
{
    qint64 size = -1; // bytes up to and including the blank line; -1 = incomplete
    qint64 contentLength = -1; // -1 = not given
    bool badContentLength = false;
    bool chunked = false;
};

HeaderBlock scan(const QByteArray &head)
{
    HeaderBlock block;
    qsizetype end = head.indexOf("\r\n\r\n");
    qsizetype endLength = 4;
    const qsizetype lf = head.indexOf("\n\n");
    if (lf >= 0 && (end < 0 || lf < end)) {
        end = lf;
        endLength = 2;
    }
    if (end < 0)
        return block;
    block.size = end + endLength;

    const QList<QByteArray> lines = head.left(end).split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) { // line 0 is the request line
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            const bool digitsOnly = !value.isEmpty()
                && std::all_of(value.begin(), value.end(),
                               [](char c) { return c >= '0' && c <= '9'; });
            if (!ok || !digitsOnly) {
                // Too long for 64 bits counts as too large, anything else as unreadable.
                if (digitsOnly)
                    block.contentLength = std::numeric_limits<qint64>::max();
                else
                    block.badContentLength = true;
            } else {
                block.contentLength = qMax(block.contentLength, n);
            }
        } else if (name == "transfer-encoding" && value.toLower().contains("chunked")) {
            block.chunked = true;
        }
    }
    return block;
}

} // namespace

BoundedBodyTcpServer::BoundedBodyTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{ }

QByteArray BoundedBodyTcpServer::errorJson(const QString &code, const QString &message)
{
    return QJsonDocument(
               QJsonObject {{QStringLiteral("error"), code}, {QStringLiteral("message"), message}})
        .toJson(QJsonDocument::Compact);
}

void BoundedBodyTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    // Connected before QHttpServer connects its own reader (it does so when it takes the
    // pending connection), so this runs first on every readyRead.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspect(socket); });
    addPendingConnection(socket);
}

void BoundedBodyTcpServer::inspect(QTcpSocket *socket)
{
    // A started transaction means QHttpServer is inside a request whose start we did not see
    // whole; it is not ours to judge.
    if (socket->isTransactionStarted() || socket->bytesAvailable() == 0)
        return;
    const QByteArray head = socket->peek(qMin<qint64>(socket->bytesAvailable(), MaxHeaderBytes));
    const HeaderBlock block = scan(head);
    if (block.size < 0) {
        if (head.size() >= MaxHeaderBytes)
            refuse(socket, 431, "Request Header Fields Too Large",
                   QStringLiteral("headers_too_large"),
                   QStringLiteral("The request headers are over %1 bytes.").arg(MaxHeaderBytes), 0);
        return;
    }
    if (block.badContentLength) {
        refuse(socket, 400, "Bad Request", QStringLiteral("bad_request"),
               QStringLiteral("The Content-Length header is not a number."), 0);
    } else if (block.chunked) {
        refuse(socket, 411, "Length Required", QStringLiteral("length_required"),
               QStringLiteral("Send the body with a Content-Length (chunked bodies are not "
                              "accepted)."),
               0);
    } else if (block.contentLength > m_maxBodyBytes) {
        refuse(socket, 413, "Payload Too Large", QStringLiteral("payload_too_large"),
               QStringLiteral("The body is %1 bytes; at most %2 are accepted.")
                   .arg(block.contentLength)
                   .arg(m_maxBodyBytes),
               block.contentLength <= MaxDrainBytes ? block.size + block.contentLength : 0);
    }
}

void BoundedBodyTcpServer::refuse(QTcpSocket *socket, int status, const QByteArray &reason,
                                  const QString &code, const QString &message,
                                  qint64 bytesToDiscard)
{
    ++m_refusedEarly;
    qCInfo(lcPlatform) << "webhook request refused before reading its body:" << code;
    // From here the connection is ours: QHttpServer must not parse what follows.
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);

    const QByteArray body = errorJson(code, message);
    const QByteArray answer = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;

    auto remaining = std::make_shared<qint64>(bytesToDiscard);
    const auto drain = [socket, remaining, answer] {
        if (*remaining > 0)
            *remaining -= socket->skip(qMin(*remaining, socket->bytesAvailable()));
        if (*remaining <= 0 && socket->state() == QAbstractSocket::ConnectedState
            && socket->isOpen()) {
            // The client reads the answer once it has sent its body; answering earlier
            // would make many clients see a reset instead.
            socket->write(answer);
            socket->disconnectFromHost();
            *remaining = std::numeric_limits<qint64>::min(); // answered
        }
    };
    connect(socket, &QTcpSocket::readyRead, socket, [socket, drain, remaining] {
        if (*remaining == std::numeric_limits<qint64>::min())
            socket->skip(socket->bytesAvailable());
        else
            drain();
    });
    QTimer::singleShot(DrainTimeoutMs, socket, [socket] { socket->abort(); });
    drain();
}

} // namespace lb::platform
