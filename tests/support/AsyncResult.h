#pragma once

#include "util/Result.h"

#include <QEventLoop>
#include <QTimer>

#include <optional>

namespace lb::test {

// Collects the one answer of an asynchronous call for a test:
//   AsyncResult<QString> r; client.create(..., this, r.callback()); QVERIFY(r.wait());
// wait() runs a local event loop that the callback quits: unlike QTest::qWaitFor, which
// sleeps 10 ms between event-loop passes, it adds no latency when client and loopback
// server share the thread, so a test's timings are the code's.
template<typename T> class AsyncResult
{
public:
    auto callback()
    {
        return [this](Result<T> r) {
            ++m_calls;
            m_value.emplace(std::move(r));
            if (m_loop)
                m_loop->quit();
        };
    }
    bool wait(int timeoutMs = 20'000)
    {
        if (!m_value) {
            QEventLoop loop;
            QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
            m_loop = &loop;
            loop.exec();
            m_loop = nullptr;
        }
        return m_value.has_value();
    }
    bool has() const { return m_value.has_value(); }
    const Result<T> &get() const { return *m_value; }
    const Result<T> *operator->() const { return &*m_value; }
    int calls() const { return m_calls; }
    void reset() { m_value.reset(); }

private:
    std::optional<Result<T>> m_value;
    QEventLoop *m_loop = nullptr;
    int m_calls = 0;
};

} // namespace lb::test
