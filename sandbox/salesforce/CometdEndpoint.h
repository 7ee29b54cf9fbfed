#pragma once

#include "ApiRequest.h"
#include "ChangeEventLog.h"
#include "PlatformEventLog.h"
#include "SfHttpServer.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <map>
#include <memory>

namespace lb::sandbox {

class SandboxOrg;

// The Streaming API on the instance host: Bayeux over long-polling at /cometd/NN.N
// (SALESFORCE_API.md 8.1-8.4). Clients handshake, subscribe to Change Data Capture channels
// (and platform event channels /event/<Name>__e) with the replay extension and hold a /meta/connect
// that is answered as soon as events are committed, or after the advised timeout. Single-threaded,
// like the rest of the org.
//
// Admin knobs (not counted, not faulted) under /__sandbox/streaming:
//   GET  /__sandbox/streaming                 clients, subscriptions, retained events
//   POST /__sandbox/streaming/drop-clients    every client gets 403::Unknown client next
//   POST /__sandbox/streaming/expire-events   retention passes for everything retained
//   POST /__sandbox/streaming/gap             {"object":"Lead","changeType":"GAP_UPDATE",
//                                              "recordIds":["00Q..."]}  (or GAP_OVERFLOW)
class CometdEndpoint : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype kMaxBodyBytes = 32768;

    explicit CometdEndpoint(SandboxOrg &org, QObject *parent = nullptr);
    ~CometdEndpoint() override;

    static bool handles(const ApiRequest &request);
    static bool handlesAdmin(const ApiRequest &request);
    SfHttpServer::Outcome handle(const ApiRequest &request);
    ApiResponse handleAdmin(const ApiRequest &request);

    // Forgets every client (their next request gets 403::Unknown client); held connects are
    // answered with that error.
    void dropAllClients();
    // A server that stops answering (a hung load balancer): while silent every request and
    // every held connect is left unanswered, sockets open. When it speaks again it has lost
    // its clients, as a restarted server would, so they must handshake and replay.
    void setSilent(bool silent);
    bool isSilent() const { return m_silent; }
    Result<void> emitGap(const QString &object, const QString &changeType,
                         const QStringList &recordIds);
    int clientCount() const { return int(m_clients.size()); }
    QJsonObject stats() const;

private:
    struct Subscription
    {
        QString channel;
        qint64 position = 0; // the last replayId delivered or skipped
    };
    struct Client
    {
        QString id;
        QString browserId;
        QList<Subscription> subscriptions;
        QJsonArray queued; // deliveries waiting for a connect
        bool connected = false; // has had its first connect (advice sent)
        qint64 lastSeenMs = 0;
        // The held /meta/connect.
        SfHttpServer::Responder held;
        QJsonArray heldReplies;
        std::unique_ptr<QTimer> holdTimer;
    };

    QJsonObject handshake(const QJsonObject &message, const QString &browserId);
    QJsonObject subscribe(Client &client, const QJsonObject &message);
    QJsonObject unsubscribe(Client &client, const QJsonObject &message);
    void onCommitted(const QList<ChangeEvent> &events);
    void onPublished(const QList<PublishedEvent> &events);
    bool knownChannel(const QString &channel) const;
    // Queues what the subscription has not had yet; false for events it already had.
    bool queueFor(Client &client, Subscription &subscription, qint64 replayId,
                  const QJsonObject &data);
    static QJsonObject platformEventData(const PublishedEvent &event);
    // Answers the held connect (if any) with the queued deliveries.
    void release(Client &client);
    void expireIdleClients(qint64 nowMs);
    int holdMs() const;

    SandboxOrg &m_org;
    std::map<QString, Client> m_clients;
    bool m_silent = false;
};

} // namespace lb::sandbox
