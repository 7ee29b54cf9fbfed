#pragma once

#include "BayeuxMessage.h"
#include "ChangeEventSource.h"
#include "net/RetryPolicy.h"

#include <QHash>
#include <QPointer>

namespace lb {
class HttpClient;
struct HttpResponse;
} // namespace lb

namespace lb::salesforce {
class SalesforceSession;
}

namespace lb::salesforce::streaming {

// Change events over the Streaming API (CometD / Bayeux long-polling, SALESFORCE_API.md
// 8.1-8.4) through the same HttpClient (allowlist, its QNetworkAccessManager's cookie jar
// keeps BAYEUX_BROWSER) and SalesforceSession as SalesforceClient. Asynchronous only:
//   handshake -> subscribe every channel with the replay extension -> connect, connect, ...
// `403::Unknown client` (or advice reconnect=handshake) handshakes again and re-subscribes
// from the last delivered replayIds; a 401 / `401::Authentication invalid` refreshes the token
// first; network errors and timeouts (the watchdog: a connect may not outlive the advised
// timeout plus a margin) back off with jitter and reconnect.
class CometdChangeEventSource : public ChangeEventSource
{
    Q_OBJECT
public:
    struct Options
    {
        QString apiVersion = QStringLiteral("62.0");
        QString callOptionsClient = QStringLiteral("LeadBridge");
        qint64 watchdogMarginMs = 30'000; // added to the advised connect timeout
        qint64 defaultTimeoutMs = 110'000; // until the server advises one
        qint64 requestTimeoutMs = 60'000; // handshake and subscribe (answered at once)
        RetryPolicy backoff {1'000, 60'000, 0}; // maxAttempts unused: the stream never gives up
    };

    CometdChangeEventSource(HttpClient &http, SalesforceSession &session, Options options,
                            QObject *parent = nullptr);
    CometdChangeEventSource(HttpClient &http, SalesforceSession &session,
                            QObject *parent = nullptr);
    ~CometdChangeEventSource() override;

    void start(const QList<ChannelStart> &channels) override;
    void stop() override;
    State state() const override { return m_state; }
    qint64 replayPosition(const QString &channel) const override;
    QStringList subscribedChannels() const override;

    // For status displays and tests.
    QString clientId() const { return m_clientId; }
    int handshakes() const { return m_handshakes; }

private:
    using AnswerCallback = std::function<void(Result<QList<BayeuxMessage>>, int httpStatus)>;

    void post(const QJsonArray &messages, qint64 timeoutMs, AnswerCallback done);
    void handshake();
    void onHandshake(Result<QList<BayeuxMessage>> answer, int status);
    void subscribeAll();
    void onSubscribed(const QString &channel, qint64 from, Result<QList<BayeuxMessage>> answer,
                      int status);
    void connectOnce();
    void onConnect(Result<QList<BayeuxMessage>> answer, int status);
    void deliver(const BayeuxMessage &message);
    void refreshThenHandshake();
    void backoffThen(void (CometdChangeEventSource::*step)(), const Error &why);
    void setState(State state);
    QString nextId() { return QString::number(++m_messageId); }
    // Drops the callbacks of requests from before the last (re)start or stop.
    void newEpoch();

    HttpClient &m_http;
    SalesforceSession &m_session;
    Options m_options;
    State m_state = State::Stopped;
    QList<QString> m_channels;
    QHash<QString, qint64> m_positions;
    QStringList m_subscribed;
    QString m_clientId;
    QString m_sentToken; // the access token of the last request
    qint64 m_timeoutMs = 0;
    qint64 m_intervalMs = 0;
    int m_messageId = 0;
    int m_handshakes = 0;
    int m_failures = 0; // consecutive, for the backoff
    bool m_refreshedSinceHandshake = false;
    int m_pendingSubscribes = 0;
    quint64 m_generation = 0; // grows with every new epoch
    std::unique_ptr<QObject> m_epoch; // the context of every request in flight
};

} // namespace lb::salesforce::streaming
