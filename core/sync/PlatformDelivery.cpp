#include "PlatformDelivery.h"

#include "JobKinds.h"
#include "MirrorObservation.h"
#include "PlatformJob.h"
#include "log/Logging.h"

#include <algorithm>

namespace lb {

PlatformDelivery::PlatformDelivery(const Parts &parts, PlatformPort &platform, ApiBudget &budget,
                                   CircuitBreaker &breaker, QObject *parent)
    : TargetDelivery(parts, JobTarget::Platform, budget, breaker, parent)
    , m_platform(platform)
{ }

void PlatformDelivery::deliver(std::function<void(DeliveryRound)> done)
{
    const auto batch = startRound(std::move(done));
    if (!batch)
        return;
    ClaimFilter filter;
    filter.target = JobTarget::Platform;
    filter.inOrderPerRecord = true; // as for Salesforce: an older write never lands last
    if (batch->urgentOnly)
        filter.minPriority = jobs::UrgentPriority;
    auto claimed = m_store.outbox().claim(m_config.workerId, m_config.platformBatch,
                                          m_config.leaseMs, filter);
    if (!claimed) {
        qCWarning(lcSync) << "claim failed:" << claimed.error().message;
        m_breaker.cancelRequest();
        batch->finish();
        return;
    }
    batch->round.claimed = int(claimed->size());
    if (claimed->isEmpty())
        m_breaker.cancelRequest();
    sort(*batch, *claimed);
    sendLeads(batch);
}

void PlatformDelivery::sort(DeliveryBatch &batch, const QList<OutboxJob> &claimed)
{
    for (const OutboxJob &job : claimed) {
        Result<int> refused = 0;
        if (job.kind == jobs::PlatformLeadPut)
            batch.leads.append(job);
        else if (job.kind == jobs::PlatformAgentPut || job.kind == jobs::PlatformAgentDeactivate)
            batch.agents.append(job);
        else if (job.kind == jobs::PlatformLeadDelete || job.kind == jobs::PlatformLeadRestore)
            batch.platformDeletes.append(job);
        else if (job.kind == jobs::PlatformLeadRestoreRefused)
            // Retried from the inbox: Salesforce holds the lead deleted; only an undelete
            // there brings it back (and resolves the item).
            refused = m_store.outbox().failPermanent(
                job.id, m_config.workerId, ErrorClass::Validation,
                QStringLiteral("deleted_in_salesforce"),
                QStringLiteral("The lead is deleted in Salesforce. Undelete it from Salesforce's "
                               "Recycle Bin; it then comes back on the platform."));
        else if (job.kind == jobs::PlatformLeadRejected)
            // Retried from the inbox: there is nothing to send; the fix belongs on the platform.
            refused = m_store.outbox().failPermanent(
                job.id, m_config.workerId, ErrorClass::Validation,
                QStringLiteral("record_unreadable"),
                QStringLiteral("The platform listed this record outside its contract. Fix it on "
                               "the platform; the next poll reads it again."));
        else
            refused = m_store.outbox().failPermanent(
                job.id, m_config.workerId, ErrorClass::Permanent, QStringLiteral("unknown_kind"),
                QStringLiteral("No delivery for job kind %1").arg(job.kind));
        if (!refused)
            qCWarning(lcSync) << "could not move job" << job.id
                              << "to the inbox:" << refused.error().toString();
    }
}

void PlatformDelivery::sendLeads(Batch batch)
{
    if (batch->leads.isEmpty()) {
        sendAgents(batch, 0);
        return;
    }
    // A job tried before with no recorded outcome: read what the platform holds now, so a write
    // that did land is found in the mirror and not sent again (MirrorRefresh).
    QStringList unknownOutcome;
    for (const OutboxJob &job : batch->leads) {
        if (OutcomeRecorder::outcomeUnknown(job))
            unknownOutcome.append(jobPlatformId(job));
    }
    m_refresh.fromPlatform(unknownOutcome, [this, batch] { planLeadsAndSend(batch); });
}

void PlatformDelivery::planLeadsAndSend(Batch batch)
{
    PlannedLeads planned = planLeadWrites<SyncPlanner::PlatformWrite>(
        m_store, m_recorder, *batch, batch->leads,
        [this](const MirrorRecord &record) { return m_leads.planPlatformWrite(record); }, false,
        "planned platform leads");
    if (planned->isEmpty()) {
        sendAgents(batch, 0);
        return;
    }
    const QList<OutboxJob> allJobs = jobsOf(*planned);
    QList<QJsonObject> records;
    for (const PlannedLead &p : *planned) {
        QJsonObject r = p.write.record;
        r.insert(QStringLiteral("updated_by"), jobs::PlatformUpdatedBy);
        records.append(r);
    }
    if (!m_recorder.acquire(*batch, m_budget, allJobs, batch->urgentOnly)) {
        sendAgents(batch, 0);
        return;
    }
    m_platform.upsertLeads(
        records, this, [this, batch, planned, allJobs](Result<QList<WriteOutcome>> result) {
            if (!result) {
                m_recorder.failCall(*batch, allJobs, result.error(), m_budget, m_breaker);
            } else {
                m_breaker.recordSuccess();
                recordLeadWrites(*batch, *planned, *result);
            }
            sendAgents(batch, 0);
        });
}

void PlatformDelivery::recordLeadWrites(DeliveryBatch &batch, const QList<PlannedLead> &planned,
                                        const QList<WriteOutcome> &outcomes)
{
    const qint64 now = m_clock.nowMs();
    OutcomeRecorder::LeadWrites writes;
    // 412: planned again next round, the attempt given back.
    QList<std::pair<qint64, WriteOutcome>> conflicted;
    int conflictedLeads = 0;
    // The rows as the mirror holds them now, read and written in one transaction, locked: a
    // Salesforce edit the stream took in while this write was on the wire (its own platform job
    // waits behind this one) stays in the mirror; written back from the rows as planned, it was
    // undone there and its job then found nothing to send (the soak's lost edits).
    QStringList keys;
    for (const PlannedLead &p : planned)
        keys.append(p.platformId);
    Transaction tx(m_store.database());
    auto current = tx.started() ? m_store.leads().byKeys(keys, true)
                                : Result<QHash<QString, MirrorRecord>>(tx.started().error());
    if (!current) {
        qCWarning(lcSync)
            << "could not record delivered platform leads (the jobs are claimed again "
               "when their lease ends):"
            << current.error().toString();
        return;
    }
    for (int i = 0; i < planned.size(); ++i) {
        const PlannedLead &p = planned.at(i);
        const WriteOutcome o = i < outcomes.size()
            ? outcomes.at(i)
            : OutcomeRecorder::missingResult(
                QStringLiteral("The platform returned no result for this lead"));
        MirrorRecord record = current->value(p.platformId, p.before);
        const bool deletedMeanwhile = record.isDeleted() && !p.before.isDeleted();
        const bool changedMeanwhile = deletedMeanwhile
            || record.salesforceHash != p.before.salesforceHash
            || record.platformHash != p.before.platformHash;
        if (o.success) {
            // A newer platform version taken in meanwhile (a user's edit after this write
            // landed) stays the mirror's platform side.
            if (o.version <= 0 || record.platformVersion <= o.version) {
                record.platformState = p.write.record;
                record.platformHash = p.write.newHash;
            }
            // The version it stored (its updated_at is not told, and our write does not make the
            // platform's values the latest): the webhooks of older versions, such as our own
            // earlier write of the lead arriving after this one landed, are stale.
            record.platformVersion = std::max(record.platformVersion, o.version);
            const QString syncState = record.syncState;
            writes.landed(record, p.jobs, now);
            if (changedMeanwhile)
                writes.updates.last().syncState = syncState; // its deletion or put may be due
        } else if (!o.current.isEmpty()) {
            // 412: the platform changed meanwhile. Take its current record and re-plan the
            // write per field authority in the next round.
            observePlatformLead(record, m_leads.platformView(o.current), o.current);
            writes.updates.append(record);
            for (const OutboxJob &job : p.jobs)
                conflicted.append({job.id, o});
            ++conflictedLeads;
        } else {
            writes.refused(record, p.jobs, o);
        }
    }
    const DeliveryRound counted = batch.round; // as it was, should the commit below fail
    const bool recorded = m_recorder.recordLeadWrites(
        batch, "delivered platform leads", writes, [&]() -> Result<void> {
            for (const auto &[id, o] : conflicted) {
                if (auto r = m_store.outbox().failTransient(id, m_config.workerId, now, o.code,
                                                            o.message, false);
                    !r)
                    return r.error();
            }
            return {};
        });
    if (!recorded)
        return; // rolled back: the jobs are claimed again when their lease ends
    if (auto c = tx.commit(); !c) {
        batch.round = counted; // nothing of it was kept
        qCWarning(lcSync) << "could not record delivered platform leads (the jobs are claimed "
                             "again when their lease ends):"
                          << c.error().toString();
        return;
    }
    batch.round.retried += conflictedLeads;
    if (writes.delivered > 0)
        emit delivered(writes.delivered);
}

void PlatformDelivery::sendDeletes(Batch batch, int index)
{
    if (index >= batch->platformDeletes.size()) {
        batch->finish();
        return;
    }
    const OutboxJob job = batch->platformDeletes.at(index);
    if (job.kind == jobs::PlatformLeadRestore) {
        sendRestore(batch, index);
        return;
    }
    if (!m_recorder.acquire(*batch, m_budget, {job}, batch->urgentOnly)) {
        sendDeletes(batch, index + 1);
        return;
    }
    m_platform.deleteLead(jobPlatformId(job), this, [this, batch, index, job](Result<void> result) {
        if (!result) {
            m_recorder.failCall(*batch, {job}, result.error(), m_budget, m_breaker);
        } else {
            m_breaker.recordSuccess();
            WriteOutcome done;
            done.success = true;
            m_recorder.recordOutcomes(*batch, {job}, {done});
        }
        sendDeletes(batch, index + 1);
    });
}

// A lead undeleted in Salesforce comes back on the platform with the content the mirror plans
// for it (PUT ?restore=true). Deleted again since the job was queued: nothing to restore.
void PlatformDelivery::sendRestore(Batch batch, int index)
{
    const OutboxJob job = batch->platformDeletes.at(index);
    const QString id = jobPlatformId(job);
    auto mirrors = m_store.leads().byKeys({id});
    if (!mirrors) {
        qCWarning(lcSync) << "could not read the mirror:" << mirrors.error().toString();
        sendDeletes(batch, index + 1); // stays claimed: read again once the lease ends
        return;
    }
    MirrorRecord record = mirrors->value(id);
    // Planned as a create: the platform holds a tombstone, whatever the mirror last saw there.
    MirrorRecord asNew = record;
    asNew.platformHash.clear();
    auto plan = mirrors->contains(id) && !record.isDeleted()
        ? m_leads.planPlatformWrite(asNew)
        : Result<std::optional<SyncPlanner::PlatformWrite>>(std::nullopt);
    if (!plan || !plan->has_value()) {
        // Recorded or not, the round goes on; an unrecorded job is claimed again later.
        m_recorder.settleUnsent(job, plan ? std::nullopt : std::optional(plan.error()));
        sendDeletes(batch, index + 1);
        return;
    }
    if (!m_recorder.acquire(*batch, m_budget, {job}, batch->urgentOnly)) {
        sendDeletes(batch, index + 1);
        return;
    }
    const SyncPlanner::PlatformWrite write = **plan;
    m_platform.restoreLead(
        write.record, this, [this, batch, index, job, record, write](Result<WriteOutcome> result) {
            if (!result) {
                m_recorder.failCall(*batch, {job}, result.error(), m_budget, m_breaker);
                sendDeletes(batch, index + 1);
                return;
            }
            m_breaker.recordSuccess();
            MirrorRecord updated = record;
            observePlatformLead(updated, write.record, result->current);
            recordSynced(*batch, "a restored lead", m_store.leads(), updated, job);
            sendDeletes(batch, index + 1);
        });
}

void PlatformDelivery::sendAgents(Batch batch, int index)
{
    if (index >= batch->agents.size()) {
        sendDeletes(batch, 0);
        return;
    }
    const OutboxJob job = batch->agents.at(index);
    const QString sfId = jobPayload(job).value(QStringLiteral("key")).toString();
    auto mirror = m_store.agents().bySalesforceId(sfId);
    if (!mirror) {
        qCWarning(lcSync) << "could not read the mirror:" << mirror.error().toString();
        sendAgents(batch, index + 1); // stays claimed: read again once the lease ends
        return;
    }
    if (job.kind == jobs::PlatformAgentDeactivate) {
        sendDeactivation(batch, index, *mirror);
        return;
    }
    auto plan = mirror->has_value()
        ? m_agents.planPlatformWrite(**mirror)
        : Result<std::optional<SyncPlanner::PlatformWrite>>(std::nullopt);
    if (!plan || !plan->has_value()) {
        // Recorded or not, the round goes on; an unrecorded job is claimed again later.
        m_recorder.settleUnsent(job, plan ? std::nullopt : std::optional(plan.error()));
        sendAgents(batch, index + 1);
        return;
    }
    if (!m_recorder.acquire(*batch, m_budget, {job}, batch->urgentOnly)) {
        sendAgents(batch, index + 1);
        return;
    }
    const MirrorRecord record = **mirror;
    const SyncPlanner::PlatformWrite write = **plan;
    m_platform.putAgent(
        write.record, this, [this, batch, index, job, record, write](Result<WriteOutcome> result) {
            if (!result) {
                m_recorder.failCall(*batch, {job}, result.error(), m_budget, m_breaker);
            } else if (!result->success) {
                DeliveryRound counts;
                if (m_recorder.recordUnit("a failed agent", [&] {
                        return m_recorder.failOne(counts, job, result->code, result->message,
                                                  result->retryable);
                    }))
                    batch->round.add(counts);
            } else {
                m_breaker.recordSuccess();
                MirrorRecord updated = record;
                updated.platformState = write.record;
                updated.platformHash = write.newHash;
                recordSynced(*batch, "a delivered agent", m_store.agents(), updated, job);
            }
            sendAgents(batch, index + 1);
        });
}

// One unit: the mirror row as the platform now holds it, and its job done.
void PlatformDelivery::recordSynced(DeliveryBatch &batch, const char *what, MirrorStore &mirror,
                                    MirrorRecord updated, const OutboxJob &job)
{
    updated.syncState = QStringLiteral("synced");
    updated.lastSyncedAt = m_clock.nowMs();
    updated.lastError.clear();
    if (m_recorder.recordUnit(what, [&]() -> Result<void> {
            if (auto r = mirror.put({updated}); !r)
                return r.error();
            if (auto r = m_store.outbox().complete({job.id}, m_config.workerId); !r)
                return r.error();
            return {};
        }))
        ++batch.round.delivered;
}

// DELETE /v1/agents/{id}: the platform keeps the agent, inactive. The job names a People__c (its
// mirror then holds the agent inactive on the platform) or, from the reconcile, an agent only
// the platform knows (no mirror). Whatever else Salesforce changed on that People__c is a PUT of
// its own, queued with the outcome.
void PlatformDelivery::sendDeactivation(Batch batch, int index,
                                        const std::optional<MirrorRecord> &mirror)
{
    const OutboxJob job = batch->agents.at(index);
    // Active again in Salesforce (undeleted, Active__c back on) since the job was queued: the
    // PUT queued for that keeps the agent active; nothing to deactivate.
    const FieldRule *active = m_agents.mapping().byPlatform(QStringLiteral("active"));
    if (mirror && !mirror->isDeleted() && active
        && mirror->salesforceState.value(active->salesforce).toBool(true)) {
        m_recorder.settleUnsent(job, std::nullopt);
        sendAgents(batch, index + 1);
        return;
    }
    if (!m_recorder.acquire(*batch, m_budget, {job}, batch->urgentOnly)) {
        sendAgents(batch, index + 1);
        return;
    }
    m_platform.deactivateAgent(
        jobPlatformId(job), this, [this, batch, index, job, mirror](Result<void> result) {
            if (!result) {
                m_recorder.failCall(*batch, {job}, result.error(), m_budget, m_breaker);
                sendAgents(batch, index + 1);
                return;
            }
            m_breaker.recordSuccess();
            if (m_recorder.recordUnit("a deactivated agent", [&]() -> Result<void> {
                    if (mirror && mirror->existsOnPlatform()) {
                        MirrorRecord updated = *mirror;
                        updated.platformState.insert(QStringLiteral("active"), false);
                        updated.platformHash = SyncPlanner::hashOf(updated.platformState);
                        updated.syncState = QStringLiteral("synced");
                        updated.lastSyncedAt = m_clock.nowMs();
                        updated.lastError.clear();
                        auto rest = m_agents.planPlatformWrite(updated);
                        if (!rest)
                            return rest.error();
                        if (rest->has_value()) {
                            updated.syncState = QStringLiteral("pending");
                            if (auto r = m_store.outbox().enqueue(
                                    {platformJob(jobs::PlatformAgentPut, job.recordKey,
                                                 updated.platformId, (*rest)->newHash)},
                                    m_config.workerId);
                                !r)
                                return r.error();
                        }
                        if (auto r = m_store.agents().put({updated}); !r)
                            return r.error();
                    }
                    if (auto r = m_store.outbox().complete({job.id}, m_config.workerId); !r)
                        return r.error();
                    return {};
                }))
                ++batch->round.delivered;
            sendAgents(batch, index + 1);
        });
}

} // namespace lb
