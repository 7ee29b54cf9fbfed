#pragma once

#include <QtGlobal>

class QRandomGenerator;

namespace lb {

// How a failed call is treated.
enum class FailureKind {
    Transient, // network error, 5xx, 429, REQUEST_LIMIT_EXCEEDED, UNABLE_TO_LOCK_ROW: retry later
    Permanent, // the data or request is wrong: retrying cannot help; goes to the inbox
    AuthExpired, // session expired: refresh the token once, then retry
    AuthFailed, // credentials refused: stop and tell the admin
};

// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
// Jitter"): attempt n waits a uniformly random time in [0, min(cap, base * 2^n)], which spreads
// retries of many workers instead of synchronising them.
struct RetryPolicy
{
    qint64 baseMs = 500;
    qint64 capMs = 5 * 60'000;
    int maxAttempts = 8;

    // The ceiling for attempt `attempt` (1 = first retry).
    qint64 ceilingMs(int attempt) const;
    qint64 backoffMs(int attempt, QRandomGenerator &random) const;
    bool exhausted(int attempts) const { return attempts >= maxAttempts; }
};

} // namespace lb
