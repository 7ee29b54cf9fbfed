#pragma once

#include "Database.h"

#include <QList>

namespace lb {

// An alert incident that was triggered and not yet resolved (migration 17).
struct StoredIncident
{
    QString conditionId; // "breaker:flaky", "inbox", "process:w2", ...
    QString dedupKey; // PagerDuty's: the trigger's and its resolve's
    QString summary;
    QString severity;
    qint64 openedAt = 0;
};

// The open incidents on disk: written in the transaction that enqueues the trigger and removed
// in the one that enqueues the resolve, so the alert jobs and the incident never disagree, a
// restarted engine resolves what the previous run triggered, and a fleet's processes sharing
// the store trigger each incident once.
class AlertIncidentStore
{
public:
    explicit AlertIncidentStore(Database &db);

    Result<QList<StoredIncident>> open();
    // False (and nothing written) when the condition already has an open incident.
    Result<bool> insert(const StoredIncident &incident);
    // False when that incident is no longer open (resolved elsewhere).
    Result<bool> remove(const QString &conditionId, const QString &dedupKey);

private:
    Database &m_db;
};

} // namespace lb
