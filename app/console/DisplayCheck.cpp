#include "DisplayCheck.h"

#include <QByteArray>
#include <QList>
#include <QtGlobal>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace lb::console {
namespace {

bool hasValue(const char *name)
{
    const char *value = std::getenv(name);
    return value && *value;
}

// True when the command line picks a platform plugin itself (`-platform offscreen`).
bool choosesPlatform(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "-platform" || arg == "--platform" || arg.starts_with("-platform=")
            || arg.starts_with("--platform="))
            return true;
    }
    return false;
}

struct HeldMessage
{
    QtMsgType type;
    QByteArray category;
    QString text;
};

QtMessageHandler g_previous = nullptr;
QList<HeldMessage> *g_held = nullptr;

void guardHandler(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (type == QtFatalMsg) {
        // Qt's own text ends in advice to reinstall; the user gets what is really missing.
        const QString display = qEnvironmentVariable("DISPLAY");
        const QString wayland = qEnvironmentVariable("WAYLAND_DISPLAY");
        if (!display.isEmpty())
            exitForMissingDisplay(
                QStringLiteral("the console cannot open the display \"%1\"").arg(display));
        if (!wayland.isEmpty())
            exitForMissingDisplay(
                QStringLiteral("the console cannot open the Wayland display \"%1\"").arg(wayland));
        exitForMissingDisplay(QStringLiteral("the console could not start a window system "
                                             "platform (QT_QPA_PLATFORM=%1)")
                                  .arg(qEnvironmentVariable("QT_QPA_PLATFORM")));
    }
    if (g_held && context.category && std::string_view(context.category).starts_with("qt.qpa")) {
        g_held->append({type, QByteArray(context.category), text});
        return;
    }
    if (g_previous)
        g_previous(type, context, text);
}

} // namespace

QString missingDisplay(int argc, char **argv)
{
    if (choosesPlatform(argc, argv))
        return {};
    const QString platform = qEnvironmentVariable("QT_QPA_PLATFORM");
    // Any platform other than the two that need a display server (offscreen, minimal, vnc,
    // eglfs, ...) is the user's explicit choice.
    if (!platform.isEmpty() && !platform.startsWith(QLatin1String("xcb"))
        && !platform.startsWith(QLatin1String("wayland")))
        return {};
    if (hasValue("DISPLAY") || hasValue("WAYLAND_DISPLAY"))
        return {};
    return QStringLiteral("no display is available for the console (DISPLAY and "
                          "WAYLAND_DISPLAY are not set)");
}

QString noDisplayMessage(const QString &reason)
{
    return QStringLiteral("LeadBridge: %1. Use `leadbridge sync` for headless work, set "
                          "QT_QPA_PLATFORM=offscreen, or start it in a graphical session.")
        .arg(reason);
}

void exitForMissingDisplay(const QString &reason)
{
    const QByteArray line = noDisplayMessage(reason).toLocal8Bit();
    std::fprintf(stderr, "%s\n", line.constData());
    std::fflush(stderr);
    // _Exit: Qt is half-constructed here; running its static destructors could crash, and
    // nothing of ours needs flushing yet.
    std::_Exit(2);
}

DisplayFailureGuard::DisplayFailureGuard()
{
    g_held = new QList<HeldMessage>;
    g_previous = qInstallMessageHandler(guardHandler);
}

DisplayFailureGuard::~DisplayFailureGuard()
{
    qInstallMessageHandler(g_previous);
    QList<HeldMessage> *held = g_held;
    g_held = nullptr;
    for (const HeldMessage &m : *held) {
        const QMessageLogContext context(nullptr, 0, nullptr, m.category.constData());
        if (g_previous)
            g_previous(m.type, context, m.text);
    }
    delete held;
    g_previous = nullptr;
}

} // namespace lb::console
