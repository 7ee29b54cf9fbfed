#pragma once

#include "model/OutboxJob.h"
#include "net/RetryPolicy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace lb {

// How deliveries claim, retry and batch (the profile's `sync` section, resolved).
struct DeliveryConfig
{
    QString workerId = QStringLiteral("worker");
    int salesforceBatch = 1000;
    int platformBatch = 500;
    qint64 leaseMs = 5 * 60'000;
    RetryPolicy retry;
    double highValueThreshold = 50'000;
    qint64 limitBackoffMs = 60'000; // after a throttling answer that names no time
    int bulkThreshold = 2000; // more due lead upserts than this go through Bulk API 2.0
    int bulkBatch = 100'000; // lead upserts per ingest job
    // lifecycle.platform_delete: a lead deleted on the platform while its first write to
    // Salesforce was on the wire is closed or deleted there once that write is known to have
    // landed (PlatformDeletion.h).
    QString platformDelete = QStringLiteral("close_in_salesforce");
};

// Whether `dueLeads` lead upserts go out through a Bulk API 2.0 ingest job.
inline bool useBulkIngest(int dueLeads, int bulkThreshold)
{
    return dueLeads > bulkThreshold;
}

// What one delivery round of a target did.
struct DeliveryRound
{
    int claimed = 0;
    int delivered = 0;
    int retried = 0;
    int toInbox = 0;
    int unchanged = 0; // nothing left to write (already there)
    bool blocked = false; // breaker open or limits: nothing was claimed
    QString blockedReason;

    // Adds the counts of a recorded unit.
    void add(const DeliveryRound &unit)
    {
        delivered += unit.delivered;
        retried += unit.retried;
        toInbox += unit.toInbox;
        unchanged += unit.unchanged;
    }
};

// One delivery round of a target: what it claimed, grouped by what each group is sent with, and
// its counts so far. Shared by the steps of the round, which run one after the other.
struct DeliveryBatch
{
    QString target;
    DeliveryRound round;
    std::function<void(DeliveryRound)> done;
    bool urgentOnly = false;
    bool bulk = false; // the leads go out in one Bulk API 2.0 ingest job
    QList<OutboxJob> leads;
    QList<OutboxJob> people;
    QList<OutboxJob> links; // platform ids written back to leads created in Salesforce
    QList<OutboxJob> closes; // leads deleted on the platform, closed in Salesforce
    QList<OutboxJob> deletes; // leads deleted on the platform, deleted in Salesforce
    // Leads deleted in Salesforce, deleted on the platform; and undeleted there, restored.
    QList<OutboxJob> platformDeletes;
    QList<OutboxJob> events;
    QList<OutboxJob> agents;

    void finish() const
    {
        if (done)
            done(round);
    }
};

inline QJsonObject jobPayload(const OutboxJob &job)
{
    return QJsonDocument::fromJson(job.payload).object();
}

inline QString jobPlatformId(const OutboxJob &job)
{
    return jobPayload(job).value(QStringLiteral("platform_id")).toString();
}

} // namespace lb
