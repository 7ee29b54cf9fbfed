#pragma once

#include "PlatformFaults.h"
#include "util/Clock.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

namespace lb::sandbox {

// Delivers the platform's webhook events to the configured URL: signs each attempt with the
// shared secret (header X-LeadPlatform-Signature: t=<now>,v1=<HMAC-SHA256 of "<t>.<body>">),
// POSTs it, and retries non-2xx answers and network failures with exponential backoff (equal
// jitter) up to maxAttempts. The fault knobs make it deliver duplicates, reorder events and
// fail attempts on purpose.
class WebhookDispatcher : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *SignatureHeader = "X-LeadPlatform-Signature";

    struct Retry
    {
        int baseMs = 500;
        int capMs = 60'000;
        int maxAttempts = 8;
    };

    struct Stats
    {
        quint64 events = 0; // events handed to the dispatcher
        quint64 deliveries = 0; // deliveries queued (events + duplicates)
        quint64 attempts = 0; // POSTs sent
        quint64 delivered = 0; // deliveries answered 2xx
        quint64 failedAttempts = 0; // non-2xx answers and network failures
        quint64 corruptedAttempts = 0; // sent with a wrong signature on purpose
        quint64 gaveUp = 0; // deliveries that ran out of attempts
        QHash<int, quint64> byStatus; // answers by HTTP status (0 = no answer)
    };

    WebhookDispatcher(const Clock &clock, PlatformFaults &faults, QObject *parent = nullptr);
    ~WebhookDispatcher() override;

    void setTarget(const QUrl &url, const QByteArray &secret);
    bool hasTarget() const { return m_url.isValid() && !m_url.isEmpty(); }
    const QUrl &target() const { return m_url; }
    void setRetry(const Retry &retry) { m_retry = retry; }
    const Retry &retry() const { return m_retry; }
    void setMaxInFlight(int count) { m_maxInFlight = qMax(1, count); }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    // Events held for reordering go out after this long even if fewer than asked arrived.
    void setHoldMs(int ms) { m_holdMs = ms; }

    // Queues one event (its JSON body) for delivery. Without a target it is dropped.
    void enqueue(const QString &eventId, const QByteArray &body);
    // Sends the events held for reordering now, newest first.
    void releaseHeld();

    const Stats &stats() const { return m_stats; }
    // Nothing queued, held, waiting for a retry or in flight.
    bool isIdle() const;
    int pending() const;

signals:
    void delivered(const QString &eventId, int attempts);
    void attemptFailed(const QString &eventId, int attempt, int status);
    void gaveUp(const QString &eventId);

private:
    struct Delivery
    {
        QString eventId;
        QByteArray body;
        int attempt = 0;
    };

    void queue(Delivery delivery);
    void pump();
    void send(Delivery delivery);
    QByteArray sign(const QByteArray &body, bool corrupt) const;

    const Clock &m_clock;
    PlatformFaults &m_faults;
    QNetworkAccessManager m_nam;
    QRandomGenerator m_random {7};
    QUrl m_url;
    QByteArray m_secret;
    Retry m_retry;
    int m_maxInFlight = 4;
    int m_timeoutMs = 10'000;
    int m_holdMs = 2'000;
    QList<Delivery> m_queue;
    QList<Delivery> m_held;
    int m_holdTarget = 0;
    QTimer m_holdTimer;
    int m_inFlight = 0;
    int m_waitingRetry = 0;
    Stats m_stats;
};

} // namespace lb::sandbox
