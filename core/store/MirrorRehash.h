#pragma once

#include "Database.h"

#include <QJsonObject>

namespace lb {

// Migration 18's step: the mirror's stored hashes re-computed with the canonical byte hash
// (mapping/ContentHash.h) that replaced the hash over a rebuilt JSON document, so that an
// upgraded store sees every record as unchanged and sends nothing.
//
// A stored hash is translated only when it is the old hash of the state stored beside it, the
// invariant every writer of the mirror keeps: equal states then stay equal and a hash that
// stood for something else (none is written today) stays different. Empty hashes stay empty,
// since they mean "not on that side". Runs inside the migration's transaction, so a crash
// leaves either the old schema version with the old hashes or version 18 with the new ones;
// rows are read and updated in batches (keyset on id) so memory stays flat on a large store.
Result<void> rehashMirrorStates(Database &db);

// The hash that versions 1 to 17 stored (SHA-256 over compact JSON, keys sorted, whole numbers
// as integers below 1e15, "attributes" left out). Kept only to recognise those hashes.
QByteArray legacyContentHash(const QJsonObject &fields);

} // namespace lb
