#pragma once

#include "DestinationLane.h"
#include "config/DestinationConfig.h"

#include <QObject>

#include <memory>
#include <vector>

namespace lb {

// The destinations' side of the engine: one DestinationLane per destination and per alert
// receiver, each pumped on its own (a round follows the previous one at once while there is
// work, else after `idleMs`), so no lane waits for another.
class DestinationHub : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *SignatureHeader = "X-LeadBridge-Signature";

    struct Options
    {
        QString workerId = QStringLiteral("worker");
        RetryPolicy retry;
        CircuitBreaker::Config breaker;
        int idleMs = 500;
        int batch = 16;
        int timeoutMs = 10'000;
    };

    DestinationHub(Store &store, HttpClient &http, const Clock &clock, Options options,
                   QObject *parent = nullptr);
    ~DestinationHub() override;

    // `secret` signs every delivery (X-LeadBridge-Signature, the platform's scheme).
    DestinationLane *addDestination(const DestinationConfig &destination, const QByteArray &secret);
    // `routingKey`: PagerDuty's, put into each body as it is sent (never stored in the outbox).
    DestinationLane *addAlertReceiver(const AlertConfig &alert, const QByteArray &routingKey);

    void start();
    void stop();
    bool running() const { return m_running; }

    QList<DestinationLane *> lanes() const;
    DestinationLane *lane(const QString &target) const;

signals:
    void breakerChanged(const QString &name, const QString &state);
    void delivered(const QString &target, int count);

private:
    DestinationLane *addLane(DestinationLane::Settings settings, DestinationLane::Prepare prepare);
    void pump(DestinationLane *lane);
    void schedule(DestinationLane *lane, int delayMs);

    Store &m_store;
    HttpClient &m_http;
    const Clock &m_clock;
    Options m_options;
    std::vector<std::unique_ptr<DestinationLane>> m_lanes;
    bool m_running = false;
};

} // namespace lb
