#pragma once

#include "Database.h"

#include <QHash>

namespace lb {

// Read-only: every lease that has not run out (name -> holder), for the metrics' duty gauges.
Result<QHash<QString, QString>> currentLeases(Database &db, qint64 nowMs);

} // namespace lb
