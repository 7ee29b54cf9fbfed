#pragma once

#include "WebhookListenAddress.h"
#include "util/Clock.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

namespace lb {
class Store;
}

namespace lb::platform {

class BoundedBodyTcpServer;

// Receives the platform's webhooks (contract v1) on a QHttpServer and stores each event raw
// in inbound_events before answering 2xx. Checks, in this order: path and method; body at
// most maxBodyBytes (413, decided from Content-Length before the body is read when possible);
// signature header present and well formed, timestamp within toleranceS of `clock`, HMAC-SHA256
// of "<t>.<raw body>" compared in constant time (401 for each); Content-Type application/json
// (415); JSON valid and the envelope complete (400); a known event type and a valid lead
// (422). A rejection stores nothing and answers {"error":"<code>","message":"..."}. A
// repeated event_id is answered 200 and stored once. A store failure answers 503 so the
// platform retries.
//
// Lives on the thread of `store` (one Store per thread), e.g. the sync worker's.
class WebhookReceiver : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 DefaultMaxBodyBytes = 1024 * 1024;

    struct Settings
    {
        WebhookListenAddress listen; // loopback 127.0.0.1:8787 unless the profile says else
        // Set only when `listen` comes from the profile's webhook_listen: without it a
        // non-loopback address is refused.
        bool listenFromProfile = false;
        QString path = QStringLiteral("/hooks/platform");
        QByteArray secret;
        qint64 maxBodyBytes = DefaultMaxBodyBytes;
        qint64 toleranceS = 300;
    };

    // Settings from the profile's "webhook_listen" value (empty = the loopback default).
    static Result<Settings> settingsFromProfile(const QString &webhookListen,
                                                const QByteArray &secret);

    struct Stats
    {
        quint64 requests = 0;
        quint64 stored = 0;
        quint64 duplicates = 0;
        quint64 rejected = 0; // every non-2xx answer, early 413s included
        quint64 refusedBeforeReading = 0; // of those, answered from the headers alone
        quint64 headersInPieces = 0; // requests whose header block came in several reads
        QHash<QString, quint64> rejectedByCode;
    };

    WebhookReceiver(Store &store, const Clock &clock, Settings settings, QObject *parent = nullptr);
    ~WebhookReceiver() override;

    // Starts listening; returns the port (useful with port 0).
    Result<quint16> start();
    bool isListening() const;
    quint16 port() const { return m_port; }
    // http://host:port/path, for configuring the sender.
    QString url() const;

    // Replaces the secret (rotation); takes effect for the next request.
    void setSecret(const QByteArray &secret) { m_settings.secret = secret; }
    const Settings &settings() const { return m_settings; }
    Stats stats() const;

signals:
    // After the event is committed and the 2xx is on its way; the engine wakes up on it.
    void eventStored(const QString &eventId);

private:
    struct Answer;
    Answer handle(const QHttpServerRequest &request);
    Answer reject(int status, const QString &code, const QString &message);

    Store &m_store;
    const Clock &m_clock;
    Settings m_settings;
    std::unique_ptr<QHttpServer> m_server;
    BoundedBodyTcpServer *m_tcp = nullptr; // owned by m_server
    quint16 m_port = 0;
    Stats m_stats;
};

} // namespace lb::platform
