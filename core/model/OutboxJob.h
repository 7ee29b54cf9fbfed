#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace lb {

// Where a job goes. Kept as text in the store so a newer worker can add kinds.
namespace JobTarget {
inline const QString Salesforce = QStringLiteral("salesforce");
inline const QString Platform = QStringLiteral("platform");
} // namespace JobTarget

namespace JobState {
inline const QString Pending = QStringLiteral("pending");
inline const QString Claimed = QStringLiteral("claimed");
inline const QString Done = QStringLiteral("done");
inline const QString Failed = QStringLiteral("failed"); // parked in the inbox
inline const QString Cancelled = QStringLiteral("cancelled"); // cancelled by an admin
inline const QString Superseded = QStringLiteral("superseded"); // a newer job for the record replaced it
} // namespace JobState

// A job to add to the outbox. The idempotency key makes enqueueing safe to repeat.
struct NewJob
{
    QString idempotencyKey;
    QString kind; // e.g. "sf.lead.upsert", "platform.lead.put"
    QString target; // JobTarget
    QString recordKey; // the record the job writes, for coalescing and history
    QByteArray payload;
    int priority = 0; // higher first; urgent work keeps flowing when limits are tight
    qint64 notBefore = 0; // epoch ms; 0 = now
    // Coalescing: a pending job of the same kind for the same record is superseded by this one,
    // so several changes to one record become one write with the newest values.
    bool supersedesPending = false;
};

struct OutboxJob
{
    qint64 id = 0;
    QString idempotencyKey;
    QString kind;
    QString target;
    QString recordKey;
    QByteArray payload;
    int priority = 0;
    QString state;
    int attempts = 0;
    qint64 nextAttemptAt = 0;
    QString claimedBy;
    qint64 leaseUntil = 0;
    QString lastErrorCode;
    QString lastError;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

struct EnqueueResult
{
    int inserted = 0;
    int duplicates = 0;
};

struct QueueStats
{
    qint64 pending = 0;
    qint64 due = 0;
    qint64 inFlight = 0;
    qint64 done = 0;
    qint64 inbox = 0;
    qint64 oldestPendingAt = 0; // epoch ms, 0 when the queue is empty
};

} // namespace lb

Q_DECLARE_METATYPE(lb::QueueStats)
