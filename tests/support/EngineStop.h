#pragma once

#include "engine/ThreadedSyncController.h"

#include <QSignalSpy>
#include <QTest>

namespace lb::test {

// Stops the engine the way the product does (the round in flight finishes) and waits for its
// thread to end; false when it did not within `timeoutMs`.
inline bool stopEngine(ThreadedSyncController &controller, int timeoutMs = 60'000)
{
    if (controller.isStopped())
        return true;
    QSignalSpy stopped(&controller, &ThreadedSyncController::stopped);
    controller.stop();
    // Not QSignalSpy::wait(): once a check of the test has failed, Qt Test's event loop returns
    // at once, and an engine stopped after a failure read as one that would not stop.
    return QTest::qWaitFor([&] { return controller.isStopped() || stopped.count() > 0; },
                           timeoutMs);
}

} // namespace lb::test
