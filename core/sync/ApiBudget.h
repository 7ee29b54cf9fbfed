#pragma once

#include "model/ApiLimits.h"
#include "net/TokenBucket.h"
#include "util/Clock.h"

#include <QString>

namespace lb {

// Decides, per system, whether work may call the API now. Fed by every ApiLimits observation
// (Sforce-Limit-Info, /limits, X-RateLimit-*) and by throttling answers (REQUEST_LIMIT_EXCEEDED,
// 429 + Retry-After).
//  - Above `pauseAt` of the daily allocation, non-urgent work pauses; it resumes once usage is
//    back under the threshold (the allocation is a rolling 24 h window).
//  - A throttling answer pauses everything until the given time.
//  - A token bucket smooths bursts (calls per second).
// Paused-by-limits is a state shown to the admin, not an error.
class ApiBudget
{
public:
    struct State
    {
        bool paused = false; // non-urgent work waits
        bool blocked = false; // nothing may call (throttled by the server)
        QString reason; // for people
        qint64 resumeAt = 0; // epoch ms when we look again, 0 = unknown
        double usage = 0.0; // last used/max
    };

    ApiBudget(QString system, const Clock &clock, double pauseAt, double callsPerSecond,
              double burst);

    void observe(const ApiLimits &limits);
    // Salesforce REQUEST_LIMIT_EXCEEDED or platform 429: stop calling until `retryAfterMs` from
    // now.
    void throttled(qint64 retryAfterMs, const QString &why);

    // May a call of this urgency be made now? Takes a token when it may.
    bool tryAcquire(bool urgent);
    // When to look again if tryAcquire said no (ms from now).
    qint64 waitMs(bool urgent) const;

    State state() const;
    const ApiLimits &lastLimits() const { return m_limits; }
    void setPauseAt(double share) { m_pauseAt = share; }
    double pauseAt() const { return m_pauseAt; }

private:
    QString m_system;
    const Clock &m_clock;
    double m_pauseAt;
    mutable TokenBucket m_bucket;
    ApiLimits m_limits;
    qint64 m_blockedUntil = 0;
    QString m_blockReason;
};

} // namespace lb
