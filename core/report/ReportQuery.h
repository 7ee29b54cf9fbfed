#pragma once

#include "ReportSink.h"

#include <atomic>
#include <functional>

namespace lb {

class Store;

// The five reports over the store, streamed into a sink in id order, a batch at a time, so a
// million rows need no more memory than one batch. Used by the console (on a worker thread
// with its own Store) and by `leadbridge export`.
class ReportQuery
{
public:
    using Progress = std::function<void(qint64 done, qint64 total)>;
    static constexpr int BatchSize = 1000;

    static QList<ReportColumn> columns(ReportKind kind);

    // Writes the report; returns the number of rows. Stops with error "cancelled" once
    // `cancel` is set (checked between batches).
    static Result<qint64> run(Store &store, const ReportRequest &request, ReportSink &sink,
                              const Progress &progress = {},
                              const std::atomic_bool *cancel = nullptr);
};

} // namespace lb
