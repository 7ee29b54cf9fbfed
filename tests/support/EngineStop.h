#pragma once

#include "engine/ThreadedSyncController.h"

#include <QSignalSpy>

namespace lb::test {

// Stops the engine the way the product does (the round in flight finishes) and waits for its
// thread to end; false when it did not within `timeoutMs`.
inline bool stopEngine(ThreadedSyncController &controller, int timeoutMs = 60'000)
{
    if (controller.isStopped())
        return true;
    QSignalSpy stopped(&controller, &ThreadedSyncController::stopped);
    controller.stop();
    return controller.isStopped() || stopped.wait(timeoutMs);
}

} // namespace lb::test
