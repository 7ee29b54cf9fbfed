#pragma once

#include "model/ApiLimits.h"
#include "model/OutboxJob.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace lb {

// What the worker reports to the console (queued signal) and persists for `leadbridge status`.
// A value type: never a pointer into the worker's state.
struct SyncStatus
{
    enum class State { Stopped, Running, Paused, PausedByLimits, Error };

    struct Breaker
    {
        QString name;
        QString state; // "closed" | "open" | "half-open"
        double failureShare = 0;
        qint64 retryAt = 0;
    };

    struct StreamChannel
    {
        QString channel; // /data/LeadChangeEvent
        bool subscribed = false; // the server confirmed the subscription
        qint64 replayId = 0; // stored: what a restart resumes from (-1 new only, -2 all retained)
    };

    // A destination (hub and spoke) as the dashboard and the Destinations view show it.
    struct Destination
    {
        QString name;
        QString url;
        QStringList events;
        QString rule; // the `when` rule in its text form, empty = every event
        bool enabled = true;
        QString breaker = QStringLiteral("closed");
        qint64 pending = 0;
        qint64 delivered = 0;
        qint64 failed = 0; // in the inbox
        qint64 lastDeliveredAt = 0;
    };

    State state = State::Stopped;
    QString detail; // why paused / what failed, for people
    qint64 lastPlatformToSalesforce = 0; // epoch ms of the last successful delivery per direction
    qint64 lastSalesforceToPlatform = 0;
    qint64 lastPollPlatform = 0;
    qint64 lastPollSalesforce = 0;
    qint64 salesforcePolls = 0; // Salesforce polls started since the engine was built
    // Salesforce changes on the stream (salesforce.changes = stream); state "off" when polled.
    // off | stopped | standby (another process holds the stream's lease) | connecting |
    // connected | backoff
    QString streamState = QStringLiteral("off");
    QList<StreamChannel> streamChannels;
    QString streamProblem; // the last stream or read error, cleared once connected again
    qint64 streamEvents = 0; // change events taken in since the engine was built
    qint64 streamEchoes = 0; // of which our own writes, not read
    qint64 lastStreamEvent = 0;
    // The last catch-up the stream asked for (an expired replayId, a GAP_OVERFLOW): why, when,
    // and when the poll that caught up finished (0 while it runs).
    QString streamCatchUpWhy;
    qint64 streamCatchUpAt = 0;
    qint64 streamCaughtUpAt = 0;
    double recordsPerSecond = 0; // delivered, over the last minute
    qint64 lagMs = 0; // age of the oldest pending job
    QueueStats queue;
    ApiLimits salesforceLimits;
    ApiLimits platformLimits;
    QList<Breaker> breakers;
    QList<Destination> destinations;
    qint64 nextReconcileAt = 0;
    qint64 delivered = 0; // since start
    qint64 updatedAt = 0;

    static QString stateName(State state);
    static State stateFromName(const QString &name);
    QJsonObject toJson() const;
    QJsonObject streamJson() const; // the "stream" part of toJson()
    static SyncStatus fromJson(const QJsonObject &json);
};

} // namespace lb

Q_DECLARE_METATYPE(lb::SyncStatus)
