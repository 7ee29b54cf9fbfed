#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QRandomGenerator>

namespace lb::sandbox {

// What the sandbox does wrong on purpose. Ratios are 0..1 shares of requests (or of written
// records for lockRate); draws come from one generator seeded with `seed`, so a run with the
// same seed and the same request order fails the same requests.
struct FaultConfig
{
    double fail503 = 0.0; // answer 503 with an envelope-1 body
    double lockRate = 0.0; // a written record fails with UNABLE_TO_LOCK_ROW
    double hangRate = 0.0; // never answer (the client must time out)
    double dropRate = 0.0; // close the TCP connection without an answer
    // Carry a REST write out (any method but GET), then close the connection without its
    // answer: the client cannot tell whether it landed.
    double dropAfterWriteRate = 0.0;
    int slowMs = 0; // delay answers by this many ms ...
    double slowRate = 1.0; // ... for this share of requests
    quint64 seed = 1;
    bool includeAuth = false; // also fault the OAuth endpoints, not only REST
    // Bulk API 2.0 (rows of ingest jobs also draw lockRate, as every written record does):
    double bulkFailRate = 0.0; // a job fails as a whole (ingest jobs after their first chunk)
    int bulkSlowMs = 0; // a closed job waits this long before it starts processing

    QJsonObject toJson() const;
    // Applies the keys present in `json` on top of `base`; unknown keys and values outside
    // 0..1 are errors.
    static Result<FaultConfig> fromJson(const QJsonObject &json, const FaultConfig &base);
    bool any() const;
};

class FaultInjector
{
public:
    enum class Transport { None, Fail503, Hang, Drop };

    struct Counters
    {
        qint64 fail503 = 0;
        qint64 hang = 0;
        qint64 drop = 0;
        qint64 dropAfterWrite = 0;
        qint64 slow = 0;
        qint64 lock = 0;
        qint64 bulkFail = 0;
    };

    void configure(const FaultConfig &config);
    const FaultConfig &config() const { return m_config; }

    // One draw per request that faults apply to.
    Transport drawTransport();
    int drawDelayMs();
    // One draw per REST write carried out: whether its answer is lost.
    bool drawDropAfterWrite();
    // One draw per written record.
    bool drawLock();
    // One draw per Bulk API 2.0 job when it starts processing.
    bool drawBulkFailure();

    const Counters &counters() const { return m_counters; }
    void resetCounters() { m_counters = {}; }

private:
    bool draw(double ratio);

    FaultConfig m_config;
    QRandomGenerator m_rng {1};
    Counters m_counters;
};

} // namespace lb::sandbox
