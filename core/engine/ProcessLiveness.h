#pragma once

#include "store/ProcessStore.h"

namespace lb::fleet {

// What this machine can tell of a fleet process from its row, beyond its heartbeat.
enum class Liveness {
    Alive, // on this host, and its pid is the process that wrote the row
    Dead, // on this host, and its pid runs no process (or one started after the row's engine)
    Unknown, // on another host: only its heartbeat speaks for it
};

// A row written on this host (same host name) names a pid this machine can look at: a crashed
// engine's row keeps a fresh heartbeat for up to fleet::AliveWithinMs, but its pid is gone, or
// (reused) belongs to a process that started after the row's engine did.
Liveness livenessOnThisHost(const FleetProcess &process);

} // namespace lb::fleet
