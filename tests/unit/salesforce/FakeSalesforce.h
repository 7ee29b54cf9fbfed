#pragma once

#include <QAbstractHttpServer>
#include <QJsonDocument>
#include <QList>
#include <QMap>
#include <QPair>
#include <QUrl>

#include <functional>

namespace lb::test {

struct FakeRequest
{
    QByteArray method;
    QString path; // percent-encoded, as sent
    QString rawQuery; // percent-encoded, as sent
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    // application/x-www-form-urlencoded decoding ('+' is a space) of the query or a form body.
    static QMap<QString, QString> decodeForm(const QByteArray &encoded);
    QMap<QString, QString> query() const { return decodeForm(rawQuery.toLatin1()); }
    QMap<QString, QString> form() const { return decodeForm(body); }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

struct FakeReply
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // Say Content-Encoding: gzip; `body` is sent as it is (compressed or, to test a
    // mislabelled answer, not).
    bool gzipHeader = false;
    bool hang = false; // never answer (the client must time out)

    static FakeReply json(int status, const QByteArray &body);
    static FakeReply empty(int status);
    FakeReply &header(const QByteArray &name, const QByteArray &value);
};

// A scripted HTTP server on 127.0.0.1 for unit tests of the client: every request is recorded
// and answered by the handler (default: 404). Below QHttpServer's router so any method and
// path reach the handler, and the raw answer (status, headers, gzip) is under test control.
class FakeSalesforce : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using Handler = std::function<FakeReply(const FakeRequest &)>;

    explicit FakeSalesforce(QObject *parent = nullptr);

    bool listenLoopback();
    QUrl url() const; // http://127.0.0.1:PORT
    void setHandler(Handler handler) { m_handler = std::move(handler); }

    QList<FakeRequest> requests;
    int countPath(const QString &pathPart) const;

    // A query page ({"totalSize":1,...,"Name":"\u00c5sa"}) compressed by gzip, for tests of
    // transparent decompression (made with Python's gzip module; no zlib dependency here).
    static QByteArray gzippedQueryPage();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
    quint16 m_port = 0;
};

} // namespace lb::test
