#pragma once

#include <QEventLoop>
#include <QThread>

#include <functional>
#include <optional>

namespace lb::cli {

// Starts one asynchronous call and runs the main thread's event loop until its answer comes.
// The headless commands are written as a sequence of such steps before (or instead of)
// QCoreApplication::exec(), so this loop is the only one running: never call it from inside
// another event loop (a slot, a callback, the console), which is asserted.
template<typename T> T await(std::function<void(std::function<void(T)>)> start)
{
    Q_ASSERT(QThread::currentThread()->loopLevel() == 0);
    std::optional<T> result;
    QEventLoop loop;
    start([&](T r) {
        result = std::move(r);
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}

} // namespace lb::cli
