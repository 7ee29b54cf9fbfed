#pragma once

#include "Database.h"
#include "LeaseStore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace lb {

struct ReconcileReport
{
    qint64 id = 0;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    QString trigger; // "schedule" | "manual" | "cli"
    int leadsCompared = 0;
    int agentsCompared = 0;
    int missingInSalesforce = 0;
    int missingOnPlatform = 0;
    int differing = 0;
    int deleted = 0; // leads found deleted on a side since last seen (now tombstones)
    int extra = 0; // on a side that should not hold it: deleted elsewhere, or not in the roster
    int enqueued = 0;
    QJsonObject queued; // job kind -> writes queued
    QJsonArray samples; // [{"kind","key","detail"}], at most a few dozen
    QString error;

    QJsonObject toJson() const;
};

// Reports of reconciler runs (table reconcile_reports).
class ReconcileStore
{
public:
    ReconcileStore(Database &db, LeaseStore &leases);
    Result<qint64> save(const ReconcileReport &report);
    Result<QList<ReconcileReport>> recent(int limit, qint64 sinceMs = 0,
                                          qint64 untilMs = LLONG_MAX);

private:
    Database &m_db;
    LeaseStore &m_leases;
};

} // namespace lb
