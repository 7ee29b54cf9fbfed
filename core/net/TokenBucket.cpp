#include "TokenBucket.h"

#include <algorithm>
#include <cmath>

namespace lb {

TokenBucket::TokenBucket(double capacity, double ratePerSecond, qint64 nowMs)
    : m_capacity(capacity)
    , m_rate(ratePerSecond)
    , m_tokens(capacity)
    , m_lastMs(nowMs)
{ }

void TokenBucket::refill(qint64 nowMs)
{
    if (nowMs > m_lastMs) {
        m_tokens = std::min(m_capacity, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
    }
}

bool TokenBucket::tryTake(double tokens, qint64 nowMs)
{
    refill(nowMs);
    if (m_tokens + 1e-9 < tokens)
        return false;
    m_tokens -= tokens;
    return true;
}

qint64 TokenBucket::msUntil(double tokens, qint64 nowMs)
{
    refill(nowMs);
    if (m_tokens >= tokens)
        return 0;
    if (m_rate <= 0)
        return -1; // never
    return qint64(std::ceil((tokens - m_tokens) * 1000.0 / m_rate));
}

void TokenBucket::setRate(double ratePerSecond, qint64 nowMs)
{
    refill(nowMs);
    m_rate = ratePerSecond;
}

void TokenBucket::drain(qint64 nowMs)
{
    refill(nowMs);
    m_tokens = 0;
}

double TokenBucket::available(qint64 nowMs)
{
    refill(nowMs);
    return m_tokens;
}

} // namespace lb
