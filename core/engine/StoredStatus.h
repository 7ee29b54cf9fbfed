#pragma once

#include "store/ProcessStore.h"
#include "sync/SyncStatus.h"

namespace lb {

class Store;

// What the engines sharing a store wrote for others to read: the last status snapshot
// (StatusReporter) and the processes' heartbeats (Heartbeat). `leadbridge status` and the
// console attached to a running fleet (StoreAttachedController) read them through these.
namespace fleet {

// Heartbeats come every 5 s: a process is alive when one came within the last 30 s, and one
// silent for more than 10 minutes is no longer listed.
constexpr qint64 AliveWithinMs = 30'000;
constexpr qint64 ListedWithinMs = 10 * 60'000;

// The last stored snapshot (breakers, limits, times) with the store's live queue counts; a
// snapshot older than two minutes reads as stopped ("no worker has reported since ...").
Result<SyncStatus> readStatus(Store &store, qint64 nowMs);

// The listed processes, oldest first, each with the duties it holds now as the lease table
// says (the heartbeat's own list may be a few seconds old).
Result<QList<FleetProcess>> readProcesses(Store &store, qint64 nowMs);

// Whether an engine a console may attach to runs on the store: a process with a heartbeat
// within AliveWithinMs that is not this process, and
// - on this host: its pid still runs the process that wrote the row (livenessOnThisHost), so a
//   crashed engine's row, fresh for up to 30 s, is recognised as dead;
// - on another host: a `leadbridge sync` ("worker"). Another console's engine there serves its
//   own desktop, and a crashed one could not be told from a live one, so it is no reason to
//   attach (this console then starts its own engine, one more process of the fleet).
Result<bool> engineRunning(Store &store, qint64 nowMs);
// The same decision for one row already read.
bool attachableEngine(const FleetProcess &process, qint64 nowMs);

} // namespace fleet
} // namespace lb
