#pragma once

#include "Database.h"
#include "config/DestinationConfig.h"
#include "util/Clock.h"

#include <QHash>

namespace lb {

// What the outbox holds for one lane ("destination:<name>", "alert:<name>").
struct LaneCounts
{
    qint64 pending = 0; // pending + claimed
    qint64 delivered = 0;
    qint64 failed = 0; // in the inbox
};

// Destinations added or switched off in the console (the profile's own stay in the profile; a
// row with the same name overrides one), and each lane's counts for the dashboard and reports.
class DestinationStore
{
public:
    DestinationStore(Database &db, const Clock &clock);

    // The profile's destinations with the console's rows applied: added ones appended, a
    // profile destination with a row replaced by it (e.g. disabled).
    Result<QList<DestinationConfig>> effective(const QList<DestinationConfig> &fromProfile);
    Result<void> save(const DestinationConfig &destination, const QString &actor);
    // Returns false when no destination of that name exists in the profile or the store.
    Result<bool> setEnabled(const DestinationConfig &destination, bool enabled,
                            const QString &actor);

    // Counts per lane of `targets` ("destination:<name>", "alert:<name>"): one grouped count
    // per lane over the outbox_target_state index (migration 17), so the dashboard's figures
    // read only that lane's index entries, never the whole outbox.
    Result<QHash<QString, LaneCounts>> laneCounts(const QStringList &targets);

private:
    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
