#pragma once

#include "model/ApiLimits.h"
#include "model/OutboxJob.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

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

    State state = State::Stopped;
    QString detail; // why paused / what failed, for people
    qint64 lastPlatformToSalesforce = 0; // epoch ms of the last successful delivery per direction
    qint64 lastSalesforceToPlatform = 0;
    qint64 lastPollPlatform = 0;
    qint64 lastPollSalesforce = 0;
    qint64 salesforcePolls = 0; // Salesforce polls started since the engine was built
    // Salesforce changes on the stream (salesforce.changes = stream); state "off" when polled.
    QString streamState = QStringLiteral("off"); // off | stopped | connecting | connected | backoff
    QString streamProblem; // the last stream or read error, cleared once connected again
    qint64 streamEvents = 0; // change events taken in since the engine was built
    qint64 streamEchoes = 0; // of which our own writes, not read
    qint64 lastStreamEvent = 0;
    double recordsPerSecond = 0; // delivered, over the last minute
    qint64 lagMs = 0; // age of the oldest pending job
    QueueStats queue;
    ApiLimits salesforceLimits;
    ApiLimits platformLimits;
    QList<Breaker> breakers;
    qint64 nextReconcileAt = 0;
    qint64 delivered = 0; // since start
    qint64 updatedAt = 0;

    static QString stateName(State state);
    static State stateFromName(const QString &name);
    QJsonObject toJson() const;
    static SyncStatus fromJson(const QJsonObject &json);
};

} // namespace lb

Q_DECLARE_METATYPE(lb::SyncStatus)
