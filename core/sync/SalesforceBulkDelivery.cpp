// The Salesforce lead deliveries that go through Bulk API 2.0: one ingest job per round when
// more lead upserts are due than `bulkThreshold`. The job's id and the outbox jobs it carries
// are stored (IngestJobStore) once Salesforce created it and before any row is uploaded, so a
// restart collects that job's results instead of sending the rows again. Its results are
// recorded by the same code as a Composite write's (recordLeadWrites).
#include "JobKinds.h"
#include "PlatformDeletion.h"
#include "SalesforceDelivery.h"
#include "log/Logging.h"

namespace lb {
namespace {

// The jobs a bulk job carries stay claimed while it runs: Salesforce keeps a job and its
// results for 7 days after it ends.
constexpr qint64 BulkHoldMs = 7LL * 24 * 3600 * 1000;

} // namespace

void SalesforceDelivery::sendLeadsInBulk(Batch batch, PlannedLeads planned, QList<OutboxJob> jobs)
{
    QList<IngestJobItem> items;
    QList<qint64> ids;
    for (const PlannedLead &p : *planned) {
        for (const OutboxJob &job : p.jobs) {
            items.append({job.id, p.platformId, p.write.newHash});
            ids.append(job.id);
        }
    }
    auto stored = std::make_shared<QString>(); // the job's id, once stored
    const ObjectMapping &m = m_leads.mapping();
    m_salesforce.bulkUpsert(
        m.salesforceObject, m.salesforceKey, leadRecords(*planned), this,
        [this, items, ids, stored](const QString &jobId) -> Result<void> {
            IngestJob job;
            job.jobId = jobId;
            job.kind = jobs::SalesforceLeadUpsert;
            job.items = items;
            const bool kept = m_recorder.recordUnit("a new bulk job", [&]() -> Result<void> {
                if (auto r = m_store.ingestJobs().add(job); !r)
                    return r;
                auto held = m_store.outbox().holdUntil(ids, m_config.workerId,
                                                       m_clock.nowMs() + BulkHoldMs);
                if (!held)
                    return held.error();
                // Lost meanwhile (the lease ran out while planning): another worker sends
                // them; their rows in this job write the same values once more.
                if (*held < ids.size())
                    qCWarning(lcSync) << ids.size() - *held
                                      << "jobs of a bulk job were no longer held by this worker";
                return {};
            });
            if (!kept) {
                // Not the records' fault: they are sent again once the store answers.
                Error e = makeError(QStringLiteral("store_failed"),
                                    QStringLiteral("The bulk job could not be stored"));
                e.retryable = true;
                return e;
            }
            *stored = jobId;
            qCInfo(lcSync).noquote()
                << "bulk job" << jobId << "carries" << ids.size() << "lead upserts";
            return {};
        },
        [this, batch, planned, jobs, stored](Result<BulkWriteResult> result) {
            if (!result && stored->isEmpty())
                m_recorder.failCall(*batch, jobs, result.error(), m_budget, m_breaker);
            else if (!result)
                bulkCallFailed(*batch, *stored, result.error());
            else
                recordBulkResult(*batch, result->jobId, *planned, *result, {}, {});
            sendPeopleUpdates(batch);
        });
}

void SalesforceDelivery::resumeBulk(Batch batch, IngestJob job)
{
    QList<qint64> ids;
    QHash<qint64, QByteArray> hashes;
    for (const IngestJobItem &item : job.items) {
        ids.append(item.outboxId);
        hashes.insert(item.outboxId, item.plannedHash);
    }
    auto adopted = m_store.outbox().adopt(ids, m_config.workerId, m_clock.nowMs() + BulkHoldMs);
    if (!adopted) {
        qCWarning(lcSync) << "could not take over the jobs of bulk job" << job.jobId << ":"
                          << adopted.error().toString();
        m_breaker.cancelRequest();
        batch->finish();
        return;
    }
    batch->round.claimed += int(adopted->size());
    qCInfo(lcSync).noquote() << "collecting bulk job" << job.jobId << "sent before, for"
                             << adopted->size() << "lead upserts";
    // Deleted on the platform since the job was sent, before its answer told the leads'
    // Salesforce ids: the job may have created them there, so it is collected for them too and
    // each one it created is closed or deleted (their jobs are done: nothing is sent again).
    QStringList keys;
    for (const IngestJobItem &item : job.items)
        keys.append(item.key);
    auto rows = m_store.leads().byKeys(keys);
    if (!rows) {
        qCWarning(lcSync) << "could not read the leads of bulk job" << job.jobId << ":"
                          << rows.error().toString();
        m_breaker.cancelRequest();
        batch->finish();
        return;
    }
    QStringList orphans;
    for (const MirrorRecord &row : std::as_const(*rows)) {
        if (row.isDeleted() && row.deletedOn == QLatin1String("platform")
            && row.salesforceId.isEmpty())
            orphans.append(row.platformId);
    }
    // Planned again from the mirror: the same write as was sent, unless the lead changed since
    // (its planned hash tells).
    PlannedLeads planned = planLeads(*batch, *adopted);
    if (planned->isEmpty() && orphans.isEmpty()) {
        m_breaker.cancelRequest();
        if (!m_recorder.recordUnit("a bulk job with nothing left", [&]() -> Result<void> {
                if (auto r = m_store.ingestJobs().finish(job.jobId); !r)
                    return r;
                return endHold(ids);
            }))
            batch->round.blocked = true;
        batch->finish();
        return;
    }
    const QString jobId = job.jobId;
    m_salesforce.bulkCollect(
        jobId, m_leads.mapping().salesforceKey, this,
        [this, batch, planned, hashes, jobId, orphans](Result<BulkWriteResult> result) {
            if (result) {
                recordBulkResult(*batch, jobId, *planned, *result, hashes, orphans);
            } else if (result.error().httpStatus == 404) {
                // Gone (Salesforce deletes jobs 7 days after they end): nothing reported, so
                // every record goes out again.
                qCWarning(lcSync).noquote()
                    << "bulk job" << jobId << "is gone at Salesforce:" << result.error().toString();
                BulkWriteResult none;
                none.jobId = jobId;
                recordBulkResult(*batch, jobId, *planned, none, hashes, orphans);
            } else {
                bulkCallFailed(*batch, jobId, result.error());
            }
            batch->finish();
        });
}

Result<void> SalesforceDelivery::closeOrphans(const QStringList &orphans,
                                              const BulkWriteResult &result)
{
    auto rows = m_store.leads().byKeys(orphans);
    if (!rows)
        return rows.error();
    QList<MirrorRecord> updates;
    QList<NewJob> deletions;
    for (MirrorRecord row : std::as_const(*rows)) {
        const WriteOutcome o = result.outcomes.value(row.platformId);
        if (!o.success || o.id.isEmpty() || !row.salesforceId.isEmpty())
            continue;
        row.salesforceId = o.id;
        if (auto close = salesforceDeletionJob(row, m_config.platformDelete, m_leads.mapping()))
            deletions.append(*close);
        updates.append(row);
    }
    if (auto r = m_store.leads().put(updates); !r)
        return r.error();
    if (deletions.isEmpty())
        return {};
    qCInfo(lcSync) << deletions.size()
                   << "leads deleted on the platform while their bulk job ran are deleted in "
                      "Salesforce too";
    auto queued = m_store.outbox().enqueue(deletions, m_config.workerId);
    if (!queued)
        return queued.error();
    return {};
}

void SalesforceDelivery::recordBulkResult(DeliveryBatch &batch, const QString &jobId,
                                          QList<PlannedLead> planned, const BulkWriteResult &result,
                                          const QHash<qint64, QByteArray> &plannedHashes,
                                          const QStringList &orphans)
{
    m_breaker.recordSuccess();
    if (!result.jobError.isEmpty())
        qCWarning(lcSync).noquote()
            << "bulk job" << jobId << "ended" << result.jobState << ":" << result.jobError;
    // The job may have run a while: recordLeadWrites puts the outcome onto the mirror's current
    // rows, and tells a change taken in meanwhile (a deletion, a newer read of Salesforce) by
    // comparing them with the rows the job was planned from (`planned`'s `before`).
    // Aborted because its import was cancelled: the rows Salesforce did not reach go to the
    // inbox (nothing lost, nothing sent again unasked) instead of being queued again.
    auto cancelled = m_store.ingestJobs().abortRequested(jobId);
    if (!cancelled)
        qCWarning(lcSync).noquote() << "bulk job" << jobId << ": could not read whether it was "
                                    << "cancelled:" << cancelled.error().toString();
    const bool toInbox = cancelled && *cancelled;
    QList<WriteOutcome> outcomes;
    outcomes.reserve(planned.size());
    int unprocessed = 0;
    for (const PlannedLead &p : planned) {
        WriteOutcome o
            = result.outcomes.value(p.platformId,
                                    OutcomeRecorder::missingResult(QStringLiteral(
                                        "The bulk job reported nothing for this record")));
        if (o.code == BulkUnprocessedCode && toInbox)
            o = {false,
                 false,
                 BulkCancelledCode,
                 QStringLiteral("The import was cancelled before Salesforce processed this "
                                "record; retry it from the inbox"),
                 {},
                 false,
                 {}};
        else if (o.code == BulkUnprocessedCode)
            ++unprocessed;
        // Collected after a restart: a lead planned differently now changed after the upload;
        // Salesforce holds the values sent then, so it is written again.
        const bool sameAsSent = plannedHashes.isEmpty()
            || std::any_of(p.jobs.cbegin(), p.jobs.cend(), [&](const OutboxJob &job) {
                                    return plannedHashes.value(job.id) == p.write.newHash;
                                });
        if (o.success && !sameAsSent)
            o = {false,
                 true,
                 QStringLiteral("bulk_replanned"),
                 QStringLiteral("The lead changed while its bulk job ran; it is written again"),
                 o.id,
                 false,
                 {}};
        outcomes.append(o);
    }
    if (unprocessed > 0)
        qCInfo(lcSync).noquote() << "bulk job" << jobId << "left" << unprocessed
                                 << "records unprocessed; they are queued again";
    recordLeadWrites(batch, planned, outcomes, [&]() -> Result<void> {
        if (!orphans.isEmpty()) {
            if (auto r = closeOrphans(orphans, result); !r)
                return r;
        }
        if (auto r = m_store.ingestJobs().finish(jobId); !r)
            return r;
        QList<qint64> ids = plannedHashes.keys();
        for (const OutboxJob &job : jobsOf(planned))
            ids.append(job.id);
        return endHold(ids);
    });
}

Result<void> SalesforceDelivery::endHold(const QList<qint64> &ids)
{
    auto ended = m_store.outbox().endHold(ids, m_clock.nowMs() + m_config.leaseMs);
    if (!ended)
        return ended.error();
    if (*ended > 0)
        qCInfo(lcSync) << *ended << "jobs of a finished bulk job are held no longer";
    return {};
}

void SalesforceDelivery::onBulkPoll(const QString &jobId, const QString &state, qint64 processed,
                                    qint64 failed)
{
    auto abort = m_store.ingestJobs().recordProgress(jobId, state, processed, failed);
    if (!abort) {
        qCWarning(lcSync).noquote()
            << "bulk job" << jobId << ": progress not stored:" << abort.error().toString();
        return;
    }
    const bool ended = state == QLatin1String("JobComplete") || state == QLatin1String("Failed")
        || state == QLatin1String("Aborted");
    if (!*abort || ended || m_aborting.contains(jobId))
        return;
    m_aborting.insert(jobId);
    qCInfo(lcSync).noquote() << "bulk job" << jobId << "is aborted: its import was cancelled";
    m_salesforce.bulkAbort(jobId, this, [this, jobId](Result<void> done) {
        m_aborting.remove(jobId);
        if (!done)
            qCWarning(lcSync).noquote()
                << "bulk job" << jobId << "could not be aborted:" << done.error().toString();
    });
}

void SalesforceDelivery::bulkCallFailed(DeliveryBatch &batch, const QString &jobId,
                                        const Error &error)
{
    // The records wait in the open job whatever the failure: no attempt is spent.
    m_recorder.noteCallFailure(error, m_budget, m_breaker);
    batch.round.blocked = true;
    batch.round.blockedReason = error.message;
    qCWarning(lcSync).noquote() << "bulk job" << jobId
                                << "not collected (tried again next round):" << error.toString();
}

} // namespace lb
