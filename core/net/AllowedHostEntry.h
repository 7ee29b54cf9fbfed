#pragma once

#include "util/Result.h"

#include <QString>

namespace lb {

// One entry of the allowed hosts as stored: an exact host name or a "*.suffix" pattern,
// lower-case (HostAllowlist checks requests against them).
bool isAllowedHostPattern(const QString &entry);

// One entry as an admin types it (the console's allowed hosts): a host name, a "*.domain"
// pattern, or an address (https://host/..., or http:// for a loopback host) whose host is
// taken. Returns the entry to store, or why it cannot be one, naming what was typed.
Result<QString> allowedHostEntryFromTyped(const QString &typed);

} // namespace lb
