#include "ConsoleContext.h"

#include "util/Clock.h"

#include <QDesktopServices>

namespace lb::ui {

const Clock &ConsoleContext::clockOrSystem() const
{
    return clock ? *clock : Clock::system();
}

bool ConsoleContext::openInBrowser(const QUrl &url) const
{
    return openBrowser ? openBrowser(url) : QDesktopServices::openUrl(url);
}

} // namespace lb::ui
