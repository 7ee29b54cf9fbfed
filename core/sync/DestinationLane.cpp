#include "DestinationLane.h"

#include "log/Logging.h"
#include "model/InboxItem.h"

#include <QRandomGenerator>

#include <cmath>

namespace lb {

struct DestinationLane::Round
{
    DeliveryRound counts;
    int outstanding = 0;
    std::function<void(DeliveryRound)> done;
};

DestinationLane::DestinationLane(Store &store, HttpClient &http, const Clock &clock,
                                 Settings settings, Prepare prepare, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_http(http)
    , m_clock(clock)
    , m_settings(std::move(settings))
    , m_prepare(std::move(prepare))
    , m_breaker(m_settings.name, clock, m_settings.breaker)
    , m_bucket(std::max(1.0, m_settings.ratePerSecond), m_settings.ratePerSecond, clock.nowMs())
{ }

void DestinationLane::noteBreaker()
{
    const QString state = CircuitBreaker::stateName(m_breaker.state());
    if (state == m_breakerState)
        return;
    m_breakerState = state;
    qCInfo(lcSync) << "destination" << m_settings.name << "breaker" << state;
    emit breakerChanged(m_settings.name, state);
}

void DestinationLane::runRound(std::function<void(DeliveryRound)> done)
{
    DeliveryRound blocked;
    blocked.blocked = true;
    if (m_busy) {
        blocked.blockedReason = QStringLiteral("a round is running");
        return done(blocked);
    }
    noteBreaker();
    if (!m_breaker.allowRequest()) {
        blocked.blockedReason = QStringLiteral("circuit breaker open");
        return done(blocked);
    }
    // Half-open: one trial request tells whether the receiver is back.
    const bool trial = m_breaker.state() == CircuitBreaker::State::HalfOpen;
    const qint64 now = m_clock.nowMs();
    const int tokens = int(std::floor(m_bucket.available(now)));
    const int max = trial ? std::min(1, tokens) : std::min(m_settings.batch, tokens);
    if (max <= 0) {
        m_breaker.cancelRequest();
        blocked.blockedReason = QStringLiteral("rate limit");
        return done(blocked);
    }
    ClaimFilter filter;
    filter.target = m_settings.target;
    filter.inOrderPerRecord = true;
    auto claimed = m_store.outbox().claim(m_settings.workerId, max, m_settings.leaseMs, filter);
    if (!claimed) {
        m_breaker.cancelRequest();
        qCWarning(lcSync) << "destination" << m_settings.name
                          << "claim failed:" << claimed.error().toString();
        blocked.blockedReason = claimed.error().message;
        return done(blocked);
    }
    if (claimed->isEmpty()) {
        m_breaker.cancelRequest();
        return done(DeliveryRound {});
    }
    m_bucket.tryTake(double(claimed->size()), now);
    auto round = std::make_shared<Round>();
    round->counts.claimed = int(claimed->size());
    round->outstanding = int(claimed->size());
    round->done = std::move(done);
    m_busy = true;
    for (const OutboxJob &job : std::as_const(*claimed))
        send(round, job);
}

void DestinationLane::send(const std::shared_ptr<Round> &round, const OutboxJob &job)
{
    HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_settings.url;
    request.body = job.payload;
    request.timeoutMs = m_settings.timeoutMs;
    request.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    request.setHeader(QByteArrayLiteral("User-Agent"), QByteArrayLiteral("LeadBridge"));
    if (m_prepare)
        m_prepare(request, job);
    m_http.send(request, this,
                [this, round, job](const HttpResponse &response) { record(round, job, response); });
}

void DestinationLane::sendTest(const QByteArray &body,
                               std::function<void(const HttpResponse &)> done)
{
    OutboxJob job;
    job.payload = body;
    job.target = m_settings.target;
    HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_settings.url;
    request.body = body;
    request.timeoutMs = m_settings.timeoutMs;
    request.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    request.setHeader(QByteArrayLiteral("User-Agent"), QByteArrayLiteral("LeadBridge"));
    if (m_prepare)
        m_prepare(request, job);
    m_http.send(request, this, std::move(done));
}

void DestinationLane::record(const std::shared_ptr<Round> &round, const OutboxJob &job,
                             const HttpResponse &response)
{
    const qint64 now = m_clock.nowMs();
    const QString worker = m_settings.workerId;
    const int status = response.status;
    Result<int> written = 0;
    if (response.isSuccess()) {
        m_breaker.recordSuccess();
        written = m_store.outbox().complete({job.id}, worker);
        ++round->counts.delivered;
        ++m_counters.delivered;
        m_counters.lastDeliveredAt = now;
        m_counters.lastLatencyMs = response.elapsedMs;
        m_counters.totalLatencyMs += response.elapsedMs;
    } else {
        const bool transient
            = status == 0 || status == 408 || status == 425 || status == 429 || status >= 500;
        const QString code
            = status == 0 ? response.errorCode : QStringLiteral("http_%1").arg(status);
        const QString message = status == 0
            ? response.errorString
            : QStringLiteral("%1 answered %2").arg(m_settings.name).arg(status);
        if (transient)
            m_breaker.recordFailure();
        else
            m_breaker.recordSuccess(); // it answered: the data was refused, not the receiver down
        if (!transient || m_settings.retry.exhausted(job.attempts)) {
            written = m_store.outbox().failPermanent(
                job.id, worker, transient ? ErrorClass::Exhausted : ErrorClass::Permanent, code,
                message);
            ++round->counts.toInbox;
            ++m_counters.failed;
        } else {
            qint64 wait = m_settings.retry.backoffMs(job.attempts, *QRandomGenerator::global());
            bool ok = false;
            const qint64 retryAfterS
                = response.header(QByteArrayLiteral("Retry-After")).toLongLong(&ok);
            if (ok && retryAfterS > 0)
                wait = std::max(wait, retryAfterS * 1000);
            written = m_store.outbox().failTransient(job.id, worker, now + wait, code, message);
            ++round->counts.retried;
            ++m_counters.retried;
        }
    }
    if (!written)
        qCWarning(lcSync) << "destination" << m_settings.name << "could not record job" << job.id
                          << written.error().toString();
    noteBreaker();
    if (--round->outstanding > 0)
        return;
    m_busy = false;
    if (round->done)
        round->done(round->counts);
}

} // namespace lb
