#pragma once

#include "util/Clock.h"
#include "util/Result.h"

#include <QCommandLineParser>
#include <QObject>

#include <memory>

namespace lb::sandbox {

class PlatformSandbox;

// The lead-platform part of `leadbridge-sandbox`'s command line. main.cpp adds these options
// to its parser and, after parsing, starts the platform sandbox from them:
//
//   PlatformSandboxCli::addOptions(parser);
//   parser.process(app);
//   auto platform = PlatformSandboxCli::start(parser);
//   if (!platform) { print platform.error().message; return 2; }
//   print (*platform)->baseUrl();
//
// Secrets may also come from LEADBRIDGE_PLATFORM_API_KEY and LEADBRIDGE_WEBHOOK_SECRET
// (command lines are visible to other users of the machine).
class PlatformSandboxCli
{
public:
    static void addOptions(QCommandLineParser &parser);

    // Creates, configures and starts the sandbox. Errors name the offending option.
    static Result<std::unique_ptr<PlatformSandbox>> start(const QCommandLineParser &parser,
                                                          const Clock &clock = Clock::system(),
                                                          QObject *parent = nullptr);
};

} // namespace lb::sandbox
