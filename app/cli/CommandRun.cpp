#include "CommandRun.h"

#include <QCoreApplication>
#include <QTimer>

namespace lb::cli {

CommandRun::CommandRun(CliContext &ctx)
    : m_ctx(ctx)
{ }

int CommandRun::execute(CommandRun &run)
{
    QTimer::singleShot(0, &run, [&run] { run.start(); });
    return QCoreApplication::exec();
}

void CommandRun::finish(int code)
{
    Q_ASSERT(!m_finished);
    m_finished = true;
    m_ctx.out.flush();
    m_ctx.err.flush();
    QCoreApplication::exit(code);
}

} // namespace lb::cli
