#pragma once

#include <QDateTime>
#include <QtGlobal>

#include <atomic>

namespace lb {

// Injected time source: backoff, leases, breakers and schedules read the clock through this
// interface so tests can move time forward without sleeping (KeePassXC's Clock/MockClock).
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0;

    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }

    static const Clock &system();
};

class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override;
};

// A clock that only moves when told to. Thread-safe so a test can advance it while workers
// on other threads read it.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 1'767'225'600'000) // 2026-01-01T00:00:00Z
        : m_nowMs(startMs)
    { }

    qint64 nowMs() const override { return m_nowMs.load(); }
    void setNowMs(qint64 ms) { m_nowMs.store(ms); }
    void advanceMs(qint64 ms) { m_nowMs.fetch_add(ms); }

private:
    std::atomic<qint64> m_nowMs;
};

} // namespace lb
