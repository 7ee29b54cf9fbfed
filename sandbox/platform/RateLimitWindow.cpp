#include "RateLimitWindow.h"

#include <QtGlobal>

namespace lb::sandbox {

RateLimitWindow::RateLimitWindow(const Clock &clock, int limit, int windowS)
    : m_clock(clock)
    , m_limit(qMax(1, limit))
    , m_windowS(qMax(1, windowS))
{ }

void RateLimitWindow::configure(int limit, int windowS)
{
    m_limit = qMax(1, limit);
    m_windowS = qMax(1, windowS);
    m_windowStartS = -1;
    m_used = 0;
}

void RateLimitWindow::roll(qint64 nowMs) const
{
    const qint64 nowS = nowMs / 1000;
    const qint64 start = nowS - nowS % m_windowS;
    if (start != m_windowStartS) {
        m_windowStartS = start;
        m_used = 0;
    }
}

RateLimitWindow::Decision RateLimitWindow::peek() const
{
    const qint64 nowMs = m_clock.nowMs();
    roll(nowMs);
    Decision d;
    d.limit = m_limit;
    d.remaining = qMax(0, m_limit - m_used);
    d.resetAt = m_windowStartS + m_windowS;
    d.allowed = m_used < m_limit;
    if (!d.allowed) {
        const qint64 msLeft = d.resetAt * 1000 - nowMs;
        d.retryAfterS = int(qMax<qint64>(1, (msLeft + 999) / 1000));
    }
    return d;
}

RateLimitWindow::Decision RateLimitWindow::take()
{
    Decision d = peek();
    if (d.allowed) {
        ++m_used;
        d.remaining = qMax(0, m_limit - m_used);
    }
    return d;
}

} // namespace lb::sandbox
