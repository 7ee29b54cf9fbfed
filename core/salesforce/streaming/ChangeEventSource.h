#pragma once

#include "ChangeEvent.h"
#include "util/Result.h"

#include <QHash>
#include <QObject>

namespace lb::salesforce::streaming {

// Where a channel's stream starts: -1 = only new events, -2 = everything retained, otherwise
// the replayId of the last event already processed (delivery resumes after it).
struct ChannelStart
{
    static constexpr qint64 kNewOnly = -1;
    static constexpr qint64 kAllRetained = -2;

    QString channel; // /data/LeadChangeEvent
    qint64 replayFrom = kNewOnly;
};

// What went wrong with the stream, typed so the engine can act on it.
struct StreamError
{
    enum class Kind {
        InvalidReplayId, // the stored replayId is unknown or expired: catch up another way
        UnknownChannel, // the channel does not exist (CDC not enabled for the object?)
        AuthFailed, // the token was refused even after a refresh
        Protocol, // an answer or event that cannot be read
        Network, // no answer; the source retries with backoff by itself
    };
    Kind kind = Kind::Protocol;
    QString channel;
    qint64 replayId = 0; // InvalidReplayId: the one refused
    Error error;
};

// A stream of change events: CometD (Streaming API) today, Pub/Sub (gRPC) later. Events of a
// channel arrive in replayId order; replayPosition() is the last one delivered, which the
// caller stores with the change it carried and passes back to start() after a restart.
// Reconnecting (unknown client, expired session, network errors) is the source's own job.
class ChangeEventSource : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Connecting, Connected, Backoff };
    Q_ENUM(State)

    using QObject::QObject;

    virtual void start(const QList<ChannelStart> &channels) = 0;
    // Leaves the stream (politely where the transport allows); no signal after it returns.
    virtual void stop() = 0;
    virtual State state() const = 0;
    // The replayId of the last event delivered on `channel` (or its start position).
    virtual qint64 replayPosition(const QString &channel) const = 0;
    // Channels whose subscription the server has confirmed.
    virtual QStringList subscribedChannels() const = 0;

signals:
    void eventReceived(const lb::salesforce::streaming::ChangeEvent &event);
    void stateChanged(lb::salesforce::streaming::ChangeEventSource::State state);
    void streamError(const lb::salesforce::streaming::StreamError &error);
    // The server forgot this client (`403::Unknown client`, e.g. it dropped all clients): the
    // source handshakes again and re-subscribes from the last replayId it delivered (everything
    // retained on a channel subscribed for new events only that has delivered nothing yet).
    void clientDropped(const QString &why);
};

} // namespace lb::salesforce::streaming

Q_DECLARE_METATYPE(lb::salesforce::streaming::StreamError)
