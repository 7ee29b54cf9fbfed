#pragma once

#include "util/Result.h"

#include <QTest>

#include <optional>

namespace lb::test {

// Collects the one answer of an asynchronous call for a test:
//   AsyncResult<QString> r; client.create(..., this, r.callback()); QVERIFY(r.wait());
template<typename T> class AsyncResult
{
public:
    auto callback()
    {
        return [this](Result<T> r) {
            ++m_calls;
            m_value.emplace(std::move(r));
        };
    }
    bool wait(int timeoutMs = 20'000)
    {
        return QTest::qWaitFor([this] { return m_value.has_value(); }, timeoutMs);
    }
    bool has() const { return m_value.has_value(); }
    const Result<T> &get() const { return *m_value; }
    const Result<T> *operator->() const { return &*m_value; }
    int calls() const { return m_calls; }
    void reset() { m_value.reset(); }

private:
    std::optional<Result<T>> m_value;
    int m_calls = 0;
};

} // namespace lb::test
