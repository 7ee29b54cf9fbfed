#pragma once

#include "util/Clock.h"

#include <QString>

#include <deque>

namespace lb {

// Per-endpoint circuit breaker. Closed: calls flow and outcomes are kept for the last
// `windowSize` calls; once the window is full and the failure share reaches `failureRatio`, it
// opens. Open: calls are refused for `openMs`. Half-open: up to `halfOpenTrials` trial calls
// go through; one success closes it, one failure opens it again.
class CircuitBreaker
{
public:
    enum class State { Closed, Open, HalfOpen };

    struct Config
    {
        int windowSize = 20;
        double failureRatio = 0.5;
        qint64 openMs = 60'000;
        int halfOpenTrials = 1;
    };

    CircuitBreaker(QString name, const Clock &clock, Config config);
    CircuitBreaker(QString name, const Clock &clock)
        : CircuitBreaker(std::move(name), clock, Config {})
    { }

    // Ask before each call; a true answer in half-open state reserves a trial slot.
    bool allowRequest();
    void recordSuccess();
    void recordFailure();
    // allowRequest() said yes but no call was made after all: gives a half-open trial back.
    void cancelRequest();

    State state() const;
    const QString &name() const { return m_name; }
    qint64 openedAt() const { return m_openedAt; }
    qint64 retryAt() const { return m_state == State::Closed ? 0 : m_openedAt + m_config.openMs; }
    double failureShare() const;
    static QString stateName(State state);

private:
    void open();
    void refreshState();

    QString m_name;
    const Clock &m_clock;
    Config m_config;
    State m_state = State::Closed;
    std::deque<bool> m_window; // true = failure
    int m_failures = 0;
    qint64 m_openedAt = 0;
    int m_trialsInFlight = 0;
};

} // namespace lb
