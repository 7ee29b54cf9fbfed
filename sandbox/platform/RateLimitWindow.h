#pragma once

#include "util/Clock.h"

namespace lb::sandbox {

// The platform's rate limit: at most `limit` requests per fixed window of `windowS` seconds
// (windows aligned to multiples of windowS since the epoch), read from an injected clock.
class RateLimitWindow
{
public:
    struct Decision
    {
        bool allowed = true;
        int limit = 0;
        int remaining = 0;
        qint64 resetAt = 0; // epoch seconds when the window ends
        int retryAfterS = 0; // when refused: whole seconds until the window ends (>= 1)
    };

    explicit RateLimitWindow(const Clock &clock, int limit = 1000, int windowS = 60);

    void configure(int limit, int windowS);
    int limit() const { return m_limit; }
    int windowS() const { return m_windowS; }

    // Counts one request if the window has room.
    Decision take();
    // The state without counting anything (for answers that are not counted, e.g. 401).
    Decision peek() const;

private:
    void roll(qint64 nowMs) const;

    const Clock &m_clock;
    int m_limit;
    int m_windowS;
    mutable qint64 m_windowStartS = -1;
    mutable int m_used = 0;
};

} // namespace lb::sandbox
