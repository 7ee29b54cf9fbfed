#include "ApiBudget.h"

#include "log/Logging.h"

namespace lb {

ApiBudget::ApiBudget(QString system, const Clock &clock, double pauseAt, double callsPerSecond,
                     double burst)
    : m_system(std::move(system))
    , m_clock(clock)
    , m_pauseAt(pauseAt)
    , m_bucket(burst, callsPerSecond, clock.nowMs())
{
    m_limits.system = m_system;
}

void ApiBudget::observe(const ApiLimits &limits)
{
    const bool wasPaused = state().paused;
    // A newer observation wins; the used count only moves forward within a window, but after a
    // window reset (platform) or rolling expiry (Salesforce) it falls, and that is what resumes.
    m_limits = limits;
    if (m_limits.system.isEmpty())
        m_limits.system = m_system;
    const bool paused = state().paused;
    if (paused != wasPaused)
        qCInfo(lcSync).noquote() << m_system << (paused ? "paused by API limits:" : "resumed:")
                                 << m_limits.used << "/" << m_limits.max;
}

void ApiBudget::throttled(qint64 retryAfterMs, const QString &why)
{
    m_blockedUntil
        = std::max(m_blockedUntil, m_clock.nowMs() + std::max<qint64>(retryAfterMs, 1000));
    m_blockReason = why;
    m_bucket.drain(m_clock.nowMs());
    qCInfo(lcSync).noquote() << m_system << "throttled for" << retryAfterMs << "ms:" << why;
}

ApiBudget::State ApiBudget::state() const
{
    State s;
    const qint64 now = m_clock.nowMs();
    s.usage = m_limits.usageRatio();
    if (now < m_blockedUntil) {
        s.paused = true;
        s.blocked = true;
        s.reason = m_blockReason;
        s.resumeAt = m_blockedUntil;
        return s;
    }
    // A window that has reset since the last observation (the platform's rate-limit window)
    // no longer says pause: nothing may call until a new answer tells, so waiting for one would
    // wait forever.
    const bool windowReset = m_limits.resetAt > 0 && now >= m_limits.resetAt * 1000;
    if (m_limits.isKnown() && s.usage >= m_pauseAt && !windowReset) {
        s.paused = true;
        s.reason = QStringLiteral(
                       "%1 API usage %2 of %3 (%4%) is at or above the pause threshold of %5%")
                       .arg(m_system)
                       .arg(m_limits.used)
                       .arg(m_limits.max)
                       .arg(qRound(s.usage * 100))
                       .arg(qRound(m_pauseAt * 100));
        s.resumeAt = m_limits.resetAt > 0 ? m_limits.resetAt * 1000 : 0;
    }
    return s;
}

bool ApiBudget::tryAcquire(bool urgent)
{
    const State s = state();
    if (s.blocked || (s.paused && !urgent))
        return false;
    return m_bucket.tryTake(1.0, m_clock.nowMs());
}

qint64 ApiBudget::waitMs(bool urgent) const
{
    const State s = state();
    const qint64 now = m_clock.nowMs();
    if (s.blocked || (s.paused && !urgent))
        return s.resumeAt > now ? s.resumeAt - now : 60'000;
    const qint64 bucket = m_bucket.msUntil(1.0, now);
    return bucket < 0 ? 60'000 : bucket;
}

} // namespace lb
