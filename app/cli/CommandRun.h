#pragma once

#include "CliContext.h"

#include <QObject>

namespace lb::cli {

// A command that waits for answers (the engine's thread, the keychain over D-Bus, Salesforce).
// It runs inside the application's one event loop, as a chain of callbacks: `start()` begins
// it once the loop runs, and every path ends in exactly one `finish(code)`, which ends the loop
// with that exit code. No command opens a loop of its own.
class CommandRun : public QObject
{
    Q_OBJECT
public:
    explicit CommandRun(CliContext &ctx);

    // Runs `run` in the main event loop; returns its exit code.
    static int execute(CommandRun &run);

protected:
    virtual void start() = 0;
    void finish(int code);

    CliContext &m_ctx;

private:
    bool m_finished = false;
};

} // namespace lb::cli
