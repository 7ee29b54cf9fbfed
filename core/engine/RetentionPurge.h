#pragma once

#include "config/Profile.h"
#include "store/RetentionStore.h"
#include "util/Clock.h"

#include <QObject>

#include <functional>

namespace lb {

class DutyRoster;
class Store;

// What one purge did.
struct RetentionStats
{
    int inboundEvents = 0;
    int finishedJobs = 0;
    int auditDetails = 0;
    int batches = 0;
    qint64 elapsedMs = 0;
    QString error; // empty when the purge ran to its end

    QString summary() const;
};

// The daily retention purge (PROFILE.md, "Retention"). Small batches (500 rows each, one
// transaction each, RetentionStore) with a return to the event loop between them, so the
// engine's thread goes on delivering and the store's writers wait at most one batch. In a fleet
// one process purges: the holder of the `retention` duty (store/Duties.h). Its own duty rather
// than the reconcile's: the reconcile waits for API budget and runs for minutes, and a purge
// needs neither; its holder shows in the fleet view like any duty.
class RetentionPurge : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultBatch = 500;
    static constexpr qint64 DayMs = 24LL * 3600 * 1000;
    // The watermark that holds when the last complete purge started (epoch ms).
    static QString watermarkName() { return QStringLiteral("retention.last_run"); }

    explicit RetentionPurge(const Clock &clock, QObject *parent = nullptr);

    void setBatchSize(int rows) { m_batch = rows; }
    bool isRunning() const { return m_db != nullptr; }

    // Runs one purge to its end over `db` (which must outlive it); `done` gets what it did.
    // Events received, jobs finished and audit rows written before now - N days go.
    void run(Database &db, const Profile::Retention &days,
             std::function<void(const RetentionStats &)> done);

    // The daily schedule, called on the engine's status tick: purges when this process holds
    // the retention duty and the last complete purge is a day old (checked every 10 minutes).
    void tick(Store &store, DutyRoster &duties, const Profile::Retention &days);

signals:
    void finished(const lb::RetentionStats &stats);

private:
    void step();
    void finish(const QString &error);

    const Clock &m_clock;
    int m_batch = DefaultBatch;
    Database *m_db = nullptr;
    qint64 m_cutoffs[3] = {0, 0, 0}; // per RetentionKind
    int m_kind = 0;
    qint64 m_afterId = 0;
    qint64 m_startedAt = 0;
    qint64 m_nextCheckAt = 0;
    RetentionStats m_stats;
    std::function<void(const RetentionStats &)> m_done;
};

} // namespace lb
