#include "MessageHandler.h"

#include "Redactor.h"

#include <QtGlobal>

#include <atomic>
#include <cstdio>

namespace lb {
namespace {

std::atomic<QtMessageHandler> g_previous {nullptr};

void redactingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString clean = Redactor::redact(message);
    if (const QtMessageHandler next = g_previous.load()) {
        next(type, context, clean);
        return;
    }
    // Qt 5 reported the default handler as nullptr; write the way it would.
    const QByteArray line = qFormatLogMessage(type, context, clean).toLocal8Bit();
    std::fprintf(stderr, "%s\n", line.constData());
    std::fflush(stderr);
}

} // namespace

void installRedactingMessageHandler()
{
    const QtMessageHandler previous = qInstallMessageHandler(redactingHandler);
    if (previous != redactingHandler)
        g_previous.store(previous);
}

} // namespace lb
