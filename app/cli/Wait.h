#pragma once

#include "util/Result.h"

#include <QCoreApplication>
#include <QEventLoop>

#include <functional>
#include <optional>

namespace lb::cli {

// Headless commands own their main loop, so waiting for one answer here is fine (the console
// never calls these).
template<typename Pred> void waitFor(Pred done)
{
    while (!done())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

// Starts one asynchronous call and waits for its answer.
template<typename T> T await(std::function<void(std::function<void(T)>)> start)
{
    std::optional<T> result;
    start([&](T r) { result = std::move(r); });
    waitFor([&] { return result.has_value(); });
    return std::move(*result);
}

} // namespace lb::cli
