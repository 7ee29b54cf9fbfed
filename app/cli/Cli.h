#pragma once

namespace lb::cli {

// The headless entry point: `leadbridge <command> ...`. Returns the process exit code.
int run(int argc, char **argv);
bool isCommand(const char *word);

} // namespace lb::cli
