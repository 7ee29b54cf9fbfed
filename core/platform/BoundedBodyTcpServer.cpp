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
    auto requestBytes = std::make_shared<qint64>(0);
    connect(socket, &QTcpSocket::readyRead, this,
            [this, socket, requestBytes] { inspect(socket, *requestBytes); });
    addPendingConnection(socket);
}

void BoundedBodyTcpServer::inspect(QTcpSocket *socket, qint64 &requestBytes)
{
    const qint64 available = socket->bytesAvailable();
    if (available == 0)
        return;
    const qint64 ceiling = m_maxBodyBytes + MaxHeaderBytes;
    if (socket->isTransactionStarted()) {
        // QHttpServer is inside a request whose header block did not arrive whole, so its
        // length was not known here. Count what it buffers instead: more than a whole
        // request may hold ends the connection (this also bounds two large pipelined
        // requests, which no webhook sender uses).
        requestBytes += available;
        if (requestBytes > ceiling)
            refuse(socket, 413, "Payload Too Large", QStringLiteral("payload_too_large"),
                   QStringLiteral("The request is over %1 bytes.").arg(ceiling), -1);
        return;
    }
    requestBytes = available; // a new request starts here

    const QByteArray head = socket->peek(qMin<qint64>(available, MaxHeaderBytes));
    const HeaderBlock block = scan(head);
    if (block.size < 0) {
        ++m_headersInPieces;
        if (head.size() >= MaxHeaderBytes)
            refuse(
                socket, 431, "Request Header Fields Too Large", QStringLiteral("headers_too_large"),
                QStringLiteral("The request headers are over %1 bytes.").arg(MaxHeaderBytes), -1);
        return;
    }
    if (block.badContentLength) {
        refuse(socket, 400, "Bad Request", QStringLiteral("bad_request"),
               QStringLiteral("The Content-Length header is not a number."), -1);
    } else if (block.chunked) {
        refuse(socket, 411, "Length Required", QStringLiteral("length_required"),
               QStringLiteral("Send the body with a Content-Length (chunked bodies are not "
                              "accepted)."),
               -1);
    } else if (block.contentLength > m_maxBodyBytes) {
        refuse(socket, 413, "Payload Too Large", QStringLiteral("payload_too_large"),
               QStringLiteral("The body is %1 bytes; at most %2 are accepted.")
                   .arg(block.contentLength)
                   .arg(m_maxBodyBytes),
               block.contentLength <= MaxDrainBytes ? block.size + block.contentLength : -1);
    }
}

void BoundedBodyTcpServer::refuse(QTcpSocket *socket, int status, const QByteArray &reason,
                                  const QString &code, const QString &message, qint64 requestEnd)
{
    ++m_refusedEarly;
    qCInfo(lcPlatform) << "webhook request refused before reading its body:" << code;
    // From here the connection is ours: QHttpServer must not parse what follows, and what it
    // kept for a half-read request is let go.
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    if (socket->isTransactionStarted())
        socket->commitTransaction();

    const QByteArray body = errorJson(code, message);
    const QByteArray answer = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;

    struct Refusal
    {
        qint64 untilAnswer; // bytes to discard before answering; -1 = answered already
        qint64 budget = MaxDrainBytes; // what we read and discard at most
    };
    auto state = std::make_shared<Refusal>(Refusal {requestEnd});
    if (requestEnd < 0) {
        // The end of the request is unknown (or absurdly far): answer at once and keep
        // reading for a while, so that the answer is not lost in a reset while the client
        // is still sending; it closes the connection once it has read the answer.
        socket->write(answer);
    }
    const auto discard = [socket, state, answer] {
        const qint64 n = socket->skip(socket->bytesAvailable());
        state->budget -= qMax<qint64>(0, n);
        if (state->untilAnswer >= 0) {
            state->untilAnswer -= qMax<qint64>(0, n);
            if (state->untilAnswer <= 0) {
                // The client has sent its whole body, so it is reading now.
                socket->write(answer);
                socket->disconnectFromHost();
                state->untilAnswer = -1;
            }
        } else if (state->budget <= 0) {
            socket->abort();
        }
    };
    connect(socket, &QTcpSocket::readyRead, socket, discard);
    QTimer::singleShot(DrainTimeoutMs, socket, [socket] { socket->abort(); });
    discard();
}

} // namespace lb::platform
