#pragma once

#include <QString>

namespace lb::console {

// The console needs a display. On a server or in an SSH session Qt's own failure ends with
// "Reinstalling the application may fix this problem", which sends the user the wrong way, so
// the console says in one line what is missing and which ways on there are, and exits 2.

// Why the console cannot open a window before Qt is even asked (no platform chosen and neither
// DISPLAY nor WAYLAND_DISPLAY set), or an empty string when Qt may try.
QString missingDisplay(int argc, char **argv);

// The one line for the user: `reason` followed by the ways on.
QString noDisplayMessage(const QString &reason);

// Prints noDisplayMessage(reason) to stderr and ends the process with exit code 2.
[[noreturn]] void exitForMissingDisplay(const QString &reason);

// Watches Qt's messages while the QApplication is constructed: a fatal message (no platform
// plugin could be initialized) becomes the one-line message and exit 2; the platform plugin's
// warnings are held and passed on only when the construction succeeds, so a failure prints
// nothing but the one line.
class DisplayFailureGuard
{
public:
    DisplayFailureGuard();
    ~DisplayFailureGuard();
    DisplayFailureGuard(const DisplayFailureGuard &) = delete;
    DisplayFailureGuard &operator=(const DisplayFailureGuard &) = delete;
};

} // namespace lb::console
