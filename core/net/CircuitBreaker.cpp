#include "CircuitBreaker.h"

#include "log/Logging.h"

namespace lb {

CircuitBreaker::CircuitBreaker(QString name, const Clock &clock, Config config)
    : m_name(std::move(name))
    , m_clock(clock)
    , m_config(config)
{ }

QString CircuitBreaker::stateName(State state)
{
    switch (state) {
    case State::Closed:
        return QStringLiteral("closed");
    case State::Open:
        return QStringLiteral("open");
    case State::HalfOpen:
        return QStringLiteral("half-open");
    }
    return {};
}

void CircuitBreaker::refreshState()
{
    if (m_state == State::Open && m_clock.nowMs() >= m_openedAt + m_config.openMs) {
        m_state = State::HalfOpen;
        m_trialsInFlight = 0;
    }
}

CircuitBreaker::State CircuitBreaker::state() const
{
    if (m_state == State::Open && m_clock.nowMs() >= m_openedAt + m_config.openMs)
        return State::HalfOpen;
    return m_state;
}

double CircuitBreaker::failureShare() const
{
    return m_window.empty() ? 0.0 : double(m_failures) / double(m_window.size());
}

bool CircuitBreaker::allowRequest()
{
    refreshState();
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Open:
        return false;
    case State::HalfOpen:
        if (m_trialsInFlight >= m_config.halfOpenTrials)
            return false;
        ++m_trialsInFlight;
        return true;
    }
    return false;
}

void CircuitBreaker::recordSuccess()
{
    refreshState();
    if (m_state == State::HalfOpen) {
        qCInfo(lcNet) << "breaker" << m_name << "closed after a successful trial call";
        m_state = State::Closed;
        m_window.clear();
        m_failures = 0;
        m_trialsInFlight = 0;
        return;
    }
    if (m_state == State::Open)
        return; // a late answer to a call made before it opened
    m_window.push_back(false);
    if (int(m_window.size()) > m_config.windowSize) {
        m_failures -= m_window.front() ? 1 : 0;
        m_window.pop_front();
    }
}

void CircuitBreaker::cancelRequest()
{
    if (m_state == State::HalfOpen && m_trialsInFlight > 0)
        --m_trialsInFlight;
}

void CircuitBreaker::recordFailure()
{
    refreshState();
    if (m_state == State::HalfOpen) {
        open();
        return;
    }
    if (m_state == State::Open)
        return;
    m_window.push_back(true);
    ++m_failures;
    if (int(m_window.size()) > m_config.windowSize) {
        m_failures -= m_window.front() ? 1 : 0;
        m_window.pop_front();
    }
    if (int(m_window.size()) >= m_config.windowSize && failureShare() >= m_config.failureRatio)
        open();
}

void CircuitBreaker::open()
{
    m_state = State::Open;
    m_openedAt = m_clock.nowMs();
    m_trialsInFlight = 0;
    qCWarning(lcNet) << "breaker" << m_name << "opened:" << m_failures << "failures in the last"
                     << m_window.size() << "calls; next trial in" << m_config.openMs / 1000 << "s";
    m_window.clear();
    m_failures = 0;
}

} // namespace lb
