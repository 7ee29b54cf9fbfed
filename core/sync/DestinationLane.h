#pragma once

#include "DeliveryBatch.h"
#include "net/CircuitBreaker.h"
#include "net/HttpClient.h"
#include "net/TokenBucket.h"
#include "store/Store.h"

#include <QObject>
#include <QUrl>

#include <functional>

namespace lb {

// One receiver's lane of the outbox (a destination "destination:<name>" or an alert receiver
// "alert:<name>"): it claims only its own jobs, in order per record, through its own breaker and
// token bucket, and POSTs each job's payload. A slow or failing receiver fills only its own lane;
// the platform, Salesforce and the other lanes never wait for it.
class DestinationLane : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QString name; // for logs, metrics and the breaker
        QString target; // the outbox lane
        QUrl url;
        QString workerId = QStringLiteral("worker");
        double ratePerSecond = 20;
        int batch = 16; // requests in flight per round (one per record at most)
        qint64 leaseMs = 60'000;
        int timeoutMs = 10'000; // a hung receiver costs one timeout per job, in its lane only
        RetryPolicy retry;
        CircuitBreaker::Config breaker;
    };
    // Adds what the receiver needs beyond the body (signature, idempotency key, routing key).
    using Prepare = std::function<void(HttpRequest &request, const OutboxJob &job)>;

    struct Counters
    {
        qint64 delivered = 0;
        qint64 retried = 0;
        qint64 failed = 0; // parked in the inbox
        qint64 lastDeliveredAt = 0;
        qint64 lastLatencyMs = 0;
        qint64 totalLatencyMs = 0; // of the delivered ones, for the mean
    };

    DestinationLane(Store &store, HttpClient &http, const Clock &clock, Settings settings,
                    Prepare prepare, QObject *parent = nullptr);

    // One round: claim what the breaker and the bucket allow, send it, record each outcome.
    // `done` runs once when every request of the round has answered (or none was sent).
    void runRound(std::function<void(DeliveryRound)> done);

    // Sends `body` now, outside the outbox, signed and prepared like a delivery: the console's
    // "send a test event". Counts toward nothing (no breaker, no bucket, no counters).
    void sendTest(const QByteArray &body, std::function<void(const HttpResponse &)> done);

    bool busy() const { return m_busy; }
    const Settings &settings() const { return m_settings; }
    const Counters &counters() const { return m_counters; }
    CircuitBreaker &breaker() { return m_breaker; }
    const CircuitBreaker &breaker() const { return m_breaker; }

signals:
    // The breaker went closed -> open, open -> half-open or back to closed.
    void breakerChanged(const QString &name, const QString &state);

private:
    struct Round;
    void send(const std::shared_ptr<Round> &round, const OutboxJob &job);
    void record(const std::shared_ptr<Round> &round, const OutboxJob &job,
                const HttpResponse &response);
    void noteBreaker();

    Store &m_store;
    HttpClient &m_http;
    const Clock &m_clock;
    Settings m_settings;
    Prepare m_prepare;
    CircuitBreaker m_breaker;
    TokenBucket m_bucket;
    Counters m_counters;
    QString m_breakerState = QStringLiteral("closed");
    bool m_busy = false;
};

} // namespace lb
