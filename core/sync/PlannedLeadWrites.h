#pragma once

#include "DeliveryBatch.h"
#include "OutcomeRecorder.h"
#include "log/Logging.h"
#include "model/MirrorRecord.h"
#include "store/Store.h"

#include <QHash>
#include <QList>

#include <memory>

namespace lb {

// The write planned for one lead and the jobs (one or more, coalesced) it answers.
template<typename Write> struct PlannedLeadWrite
{
    QString platformId;
    Write write;
    MirrorRecord before;
    QList<OutboxJob> jobs;
};

template<typename Write> using PlannedLeadWrites = std::shared_ptr<QList<PlannedLeadWrite<Write>>>;

// Plans the writes of lead jobs to one target, one per lead, from the mirror's newest state:
// `plan(record)` is the planner's (an error, nothing left to write, or the write). Jobs whose
// lead is a tombstone or needs no write are completed, invalid ones go to the inbox (and, when
// `errorInMirror`, the lead shows the error), all in one unit; what is left is returned.
// Mirror rows that cannot be read leave their jobs claimed (read again once the lease ends).
template<typename Write, typename Plan>
PlannedLeadWrites<Write> planLeadWrites(Store &store, OutcomeRecorder &recorder,
                                        DeliveryBatch &batch, const QList<OutboxJob> &jobs,
                                        Plan plan, bool errorInMirror, const char *what)
{
    auto planned = std::make_shared<QList<PlannedLeadWrite<Write>>>();
    QStringList ids;
    for (const OutboxJob &job : jobs)
        ids.append(jobPlatformId(job));
    auto mirrors = store.leads().byKeys(ids);
    if (!mirrors)
        qCWarning(lcSync) << "could not read the mirror:" << mirrors.error().toString();
    DeliveryRound counts;
    QList<std::pair<qint64, Error>> invalid;
    QHash<QString, int> index;
    QList<MirrorRecord> updates;
    QList<qint64> unchangedIds;
    for (const OutboxJob &job : jobs) {
        const QString pid = jobPlatformId(job);
        if (auto it = index.constFind(pid); it != index.cend()) {
            (*planned)[*it].jobs.append(job);
            continue;
        }
        if (!mirrors)
            continue;
        // A tombstone is never written again: deleted since the job was queued.
        if (!mirrors->contains(pid) || mirrors->value(pid).isDeleted()) {
            unchangedIds.append(job.id);
            ++counts.unchanged;
            continue;
        }
        MirrorRecord record = mirrors->value(pid);
        auto write = plan(record);
        if (!write) {
            invalid.append({job.id, write.error()});
            ++counts.toInbox;
            if (errorInMirror) {
                record.syncState = QStringLiteral("error");
                record.lastError = write.error().toString();
                updates.append(record);
            }
            continue;
        }
        if (!write->has_value()) {
            unchangedIds.append(job.id);
            ++counts.unchanged;
            // Already there (a write that landed before a crash, found by the re-read): both
            // sides agree.
            if (record.syncState != QLatin1String("synced")) {
                record.syncState = QStringLiteral("synced");
                record.lastError.clear();
                updates.append(record);
            }
            continue;
        }
        index.insert(pid, int(planned->size()));
        planned->append({pid, **write, record, {job}});
    }
    const QString worker = recorder.config().workerId;
    if (recorder.recordUnit(what, [&]() -> Result<void> {
            for (const auto &[id, error] : invalid) {
                if (auto r = store.outbox().failPermanent(id, worker, ErrorClass::Validation,
                                                          error.code, error.message);
                    !r)
                    return r.error();
            }
            if (auto r = store.outbox().complete(unchangedIds, worker); !r)
                return r.error();
            if (auto r = store.leads().put(updates); !r)
                return r.error();
            return {};
        }))
        batch.round.add(counts);
    return planned;
}

template<typename Write> QList<OutboxJob> jobsOf(const QList<PlannedLeadWrite<Write>> &planned)
{
    QList<OutboxJob> jobs;
    for (const PlannedLeadWrite<Write> &p : planned)
        jobs.append(p.jobs);
    return jobs;
}

} // namespace lb
