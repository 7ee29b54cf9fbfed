#include "Clock.h"

namespace lb {

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

const Clock &Clock::system()
{
    static const SystemClock clock;
    return clock;
}

} // namespace lb
