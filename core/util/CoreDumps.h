#pragma once

namespace lb {

// Turns core dumps off for this process (and what it starts). A LeadBridge process holds the
// client secret, the platform API key, the webhook secret and Salesforce tokens in memory, so a
// core file would put them on disk outside the keychain. Sets the soft RLIMIT_CORE to 0: no
// core file with a plain core_pattern, and systemd-coredump and apport honour the limit too.
// Call first thing in main().
void disableCoreDumps();

} // namespace lb
