#include "ConsoleContext.h"

#include "util/Clock.h"

namespace lb::ui {

const Clock &ConsoleContext::clockOrSystem() const
{
    return clock ? *clock : Clock::system();
}

} // namespace lb::ui
