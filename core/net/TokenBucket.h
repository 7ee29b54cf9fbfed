#pragma once

#include <QtGlobal>

namespace lb {

// Classic token bucket: `capacity` tokens at most, refilled continuously at `ratePerSecond`.
// Time comes from the caller (an injected clock), so tests step through it.
class TokenBucket
{
public:
    TokenBucket(double capacity, double ratePerSecond, qint64 nowMs);

    bool tryTake(double tokens, qint64 nowMs);
    // How long until `tokens` are available (0 if now).
    qint64 msUntil(double tokens, qint64 nowMs);
    void setRate(double ratePerSecond, qint64 nowMs);
    void drain(qint64 nowMs); // e.g. after a 429: nothing left until it refills
    double available(qint64 nowMs);
    double rate() const { return m_rate; }

private:
    void refill(qint64 nowMs);

    double m_capacity;
    double m_rate;
    double m_tokens;
    qint64 m_lastMs;
};

} // namespace lb
