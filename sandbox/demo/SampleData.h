#pragma once

#include "store/Store.h"

#include <QJsonObject>

namespace lb::sandbox {

// Realistic data for the console's tests, screenshots and measurements: leads as the platform
// sends them, jobs in the queue, failures in the inbox, API usage over a day.
class SampleData
{
public:
    // The platform record of lead number `i` (deterministic: same i, same lead).
    static QJsonObject lead(int i, qint64 updatedAtMs);

    // Inserts leads [first, first + count) straight into the mirror table in large batches
    // (bypassing MirrorStore for speed; the display columns are what MirrorStore would write).
    static Result<void> insertLeads(Store &store, int first, int count, qint64 nowMs);

    // A small console's worth of everything: leads, pending and in-flight jobs, inbox items of
    // each error class, audit history, 24 hours of API usage and a reconcile report.
    static Result<void> seedConsole(Store &store, ManualClock &clock, int leads = 2000);

    // Moves an enqueued job to the inbox the way the worker does (claim, fail permanently).
    static Result<qint64> failToInbox(Store &store, const NewJob &job, const QString &errorClass,
                                      const QString &code, const QString &message);
};

} // namespace lb::sandbox
