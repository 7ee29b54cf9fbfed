#include "SalesforceDelivery.h"

#include "JobKinds.h"
#include "MirrorObservation.h"
#include "PlatformDeletion.h"
#include "SalesforceState.h"
#include "log/Logging.h"
#include "store/SentWrites.h"

namespace lb {

SalesforceDelivery::SalesforceDelivery(const Parts &parts, SalesforcePort &salesforce,
                                       ApiBudget &budget, CircuitBreaker &breaker, QObject *parent)
    : TargetDelivery(parts, JobTarget::Salesforce, budget, breaker, parent)
    , m_salesforce(salesforce)
{
    m_salesforce.watchBulkPolls(
        this, [this](const QString &jobId, const QString &state, qint64 processed, qint64 failed) {
            onBulkPoll(jobId, state, processed, failed);
        });
}

void SalesforceDelivery::deliver(std::function<void(DeliveryRound)> done)
{
    const auto batch = startRound(std::move(done));
    if (!batch)
        return;
    // An ingest job sent before (by a process that died, or whose results could not be read or
    // recorded) is collected first: its rows are not sent again.
    if (auto open = m_store.ingestJobs().open(jobs::SalesforceLeadUpsert); !open) {
        qCWarning(lcSync) << "could not read the open bulk jobs:" << open.error().toString();
        m_breaker.cancelRequest();
        batch->finish();
        return;
    } else if (!open->isEmpty()) {
        resumeBulk(batch, open->first());
        return;
    }
    claim(batch);
    if (batch->round.claimed == 0)
        m_breaker.cancelRequest();
    sendLeads(batch);
}

void SalesforceDelivery::claim(const Batch &batch)
{
    // Many lead upserts due (an initial load, a big import): one Bulk API 2.0 job takes them.
    int leadBatch = m_config.salesforceBatch;
    {
        ClaimFilter due;
        due.target = JobTarget::Salesforce;
        due.kind = jobs::SalesforceLeadUpsert;
        if (batch->urgentOnly)
            due.minPriority = jobs::UrgentPriority;
        auto count = m_store.outbox().dueCount(due);
        if (!count)
            qCWarning(lcSync) << "could not count the due lead upserts:" << count.error().message;
        else if (useBulkIngest(*count, m_config.bulkThreshold)) {
            batch->bulk = true;
            leadBatch = m_config.bulkBatch;
        }
    }
    // One claim per kind, so a round fills whole Composite requests with leads while roster
    // write-backs and events travel in their own Collections calls.
    const struct
    {
        const QString &kind;
        int max;
        QList<OutboxJob> &into;
    } groups[] = {{jobs::SalesforceLeadUpsert, leadBatch, batch->leads},
                  {jobs::SalesforcePeopleUpdate, 200, batch->people},
                  {jobs::SalesforceLeadLink, 200, batch->links},
                  {jobs::SalesforceLeadClose, 200, batch->closes},
                  {jobs::SalesforceLeadDelete, 200, batch->deletes},
                  {jobs::SalesforceEventPublish, 200, batch->events}};
    for (const auto &g : groups) {
        ClaimFilter filter;
        filter.target = JobTarget::Salesforce;
        filter.kind = g.kind;
        // A lead's newer write waits while another worker holds its older one (a bulk job
        // still running, a process frozen mid-call): sent side by side, the older could land
        // last and undo the newer.
        filter.inOrderPerRecord = true;
        if (batch->urgentOnly)
            filter.minPriority = jobs::UrgentPriority;
        auto claimed = m_store.outbox().claim(m_config.workerId, g.max, m_config.leaseMs, filter);
        if (!claimed) {
            qCWarning(lcSync) << "claim failed:" << claimed.error().message;
            continue;
        }
        g.into = *claimed;
        batch->round.claimed += int(claimed->size());
    }
}

void SalesforceDelivery::sendLeads(Batch batch)
{
    if (batch->leads.isEmpty()) {
        sendPeopleUpdates(batch);
        return;
    }
    // Before planning, look again where our knowledge may be stale (MirrorRefresh).
    QStringList unknownOutcome;
    QStringList retriedByAdmin;
    QHash<QString, QString> knownOutcome; // record key -> platform id
    for (const OutboxJob &job : batch->leads) {
        if (OutcomeRecorder::outcomeUnknown(job))
            unknownOutcome.append(jobPlatformId(job));
        else if (job.lastErrorCode == QLatin1String("inbox_retry"))
            retriedByAdmin.append(jobPlatformId(job));
        else
            knownOutcome.insert(job.recordKey, jobPlatformId(job));
    }
    // A job that took the place of a sent one whose outcome is unknown inherits its check.
    if (auto inherited = SentWrites(m_store.database())
                             .supersededUnsettled(jobs::SalesforceLeadUpsert, knownOutcome.keys());
        !inherited) {
        qCWarning(lcSync) << "could not read the superseded sends:" << inherited.error().toString();
    } else {
        for (const QString &key : std::as_const(*inherited))
            unknownOutcome.append(knownOutcome.value(key));
    }
    m_refresh.fromSalesforce(
        unknownOutcome, [this, batch, retriedByAdmin](const MirrorRefresh::Unchecked &unchecked) {
            holdBackUnchecked(*batch, unchecked);
            m_refresh.fromPlatform(retriedByAdmin, [this, batch] { planLeadsAndSend(batch); });
        });
}

void SalesforceDelivery::holdBackUnchecked(DeliveryBatch &batch,
                                           const MirrorRefresh::Unchecked &unchecked)
{
    if (unchecked.platformIds.isEmpty())
        return;
    // Sent blind, the write could land a second time, go over a user's edit made since, or
    // create anew a lead a user deleted (an upsert by its key).
    const QSet<QString> ids(unchecked.platformIds.cbegin(), unchecked.platformIds.cend());
    QList<OutboxJob> held;
    batch.leads.removeIf([&](const OutboxJob &job) {
        if (!ids.contains(jobPlatformId(job)))
            return false;
        held.append(job);
        return true;
    });
    if (held.isEmpty())
        return;
    if (unchecked.callFailed) {
        m_recorder.failCall(batch, held, *unchecked.error, m_budget, m_breaker,
                            OutcomeRecorder::CheckFailed);
        return;
    }
    // The store failed: nothing can be recorded now; the jobs stay claimed and are claimed
    // again (still of unknown outcome) once their lease ends.
    qCWarning(lcSync) << held.size()
                      << "lead writes wait for their lease to end:" << unchecked.error->toString();
}

SalesforceDelivery::PlannedLeads SalesforceDelivery::planLeads(DeliveryBatch &batch,
                                                               const QList<OutboxJob> &jobs)
{
    return planLeadWrites<SyncPlanner::SalesforceWrite>(
        m_store, m_recorder, batch, jobs,
        [this](const MirrorRecord &record) { return m_leads.planSalesforceWrite(record); }, true,
        "planned Salesforce leads");
}

QList<QJsonObject> SalesforceDelivery::leadRecords(const QList<PlannedLead> &planned) const
{
    const ObjectMapping &m = m_leads.mapping();
    QList<QJsonObject> records;
    records.reserve(planned.size());
    for (const PlannedLead &p : planned) {
        QJsonObject r = p.write.fields;
        r.insert(m.salesforceKey, p.platformId);
        r.insert(QStringLiteral("Last_Updated_By_System__c"), jobs::SystemTag);
        records.append(r);
    }
    return records;
}

void SalesforceDelivery::planLeadsAndSend(Batch batch)
{
    PlannedLeads planned = planLeads(*batch, batch->leads);
    if (planned->isEmpty()) {
        sendPeopleUpdates(batch);
        return;
    }
    const QList<OutboxJob> allJobs = jobsOf(*planned);
    if (!m_recorder.acquire(*batch, m_budget, allJobs, batch->urgentOnly)) {
        sendPeopleUpdates(batch);
        return;
    }
    // Before the call, each job keeps what its write leaves in Salesforce: read back after its
    // answer was lost (a kill on the wire, a bulk row to be written again), it is then known
    // for our own write, not a user's change (SentWrites).
    QHash<qint64, QByteArray> sentHashes;
    for (const PlannedLead &p : *planned) {
        for (const OutboxJob &job : p.jobs)
            sentHashes.insert(job.id, p.write.newHash);
    }
    if (auto noted = SentWrites(m_store.database()).note(allJobs, sentHashes, m_config.workerId);
        !noted) {
        qCWarning(lcSync) << "could not keep the writes about to be sent (not sent; the jobs are "
                             "claimed again when their lease ends):"
                          << noted.error().toString();
        sendPeopleUpdates(batch);
        return;
    }
    if (batch->bulk) {
        sendLeadsInBulk(batch, planned, allJobs);
        return;
    }
    const ObjectMapping &m = m_leads.mapping();
    m_salesforce.upsert(m.salesforceObject, m.salesforceKey, leadRecords(*planned), this,
                        [this, batch, planned, allJobs](Result<QList<WriteOutcome>> result) {
                            if (!result) {
                                m_recorder.failCall(*batch, allJobs, result.error(), m_budget,
                                                    m_breaker);
                            } else {
                                m_breaker.recordSuccess();
                                recordLeadWrites(*batch, *planned, *result);
                            }
                            sendPeopleUpdates(batch);
                        });
}

void SalesforceDelivery::recordLeadWrites(DeliveryBatch &batch, const QList<PlannedLead> &planned,
                                          const QList<WriteOutcome> &outcomes,
                                          const std::function<Result<void>()> &alsoInUnit)
{
    const qint64 now = m_clock.nowMs();
    OutcomeRecorder::LeadWrites writes;
    QList<NewJob> events;
    QList<AuditLog::Item> converted;
    // The rows as the mirror holds them now: the intake, the polls and the stream run while a
    // write is on the wire (a bulk job may run for minutes, or be collected after a restart),
    // and what they took in meanwhile is kept.
    // Read and written in one transaction, the rows locked: another process (a fleet's stream
    // holder, or the holder a frozen process left its duties to) taking in a user's edit of
    // these leads meanwhile would otherwise have it overwritten by what was read before it.
    QStringList keys;
    for (const PlannedLead &p : planned)
        keys.append(p.platformId);
    Transaction tx(m_store.database());
    auto current = tx.started() ? m_store.leads().byKeys(keys, true)
                                : Result<QHash<QString, MirrorRecord>>(tx.started().error());
    if (!current) {
        qCWarning(lcSync)
            << "could not record delivered Salesforce leads (the jobs are claimed again "
               "when their lease ends):"
            << current.error().toString();
        return;
    }
    QList<NewJob> deletions;
    for (int i = 0; i < planned.size(); ++i) {
        const PlannedLead &p = planned.at(i);
        const WriteOutcome outcome = i < outcomes.size()
            ? outcomes.at(i)
            : OutcomeRecorder::missingResult(
                QStringLiteral("Salesforce returned no result for this record"));
        MirrorRecord record = current->value(p.platformId, p.before);
        // Deleted since it was planned: the outcome is recorded on the tombstone, never on the
        // row the write was planned from (an answer that arrives after the deletion was taken
        // in does not bring the lead back, nor undo what the deletion recorded: a close's
        // fields).
        const bool deletedMeanwhile = record.isDeleted() && !p.before.isDeleted();
        if (outcome.success) {
            const QString knownId = record.salesforceId;
            const bool knewSalesforceId = !knownId.isEmpty();
            if (deletedMeanwhile && record.deletedOn == QLatin1String("salesforce")
                && knewSalesforceId && !outcome.id.isEmpty() && outcome.id != knownId) {
                // A user deleted the lead in Salesforce while this write was on the wire, and
                // the upsert of its key created it anew: the lead stays deleted (the tombstone
                // keeps the deleted Id) and the new record goes.
                deletions.append(recreatedRecordDeletion(p.platformId, outcome.id));
            } else if (!outcome.id.isEmpty()) {
                record.salesforceId = outcome.id;
            }
            const bool observedMeanwhile = record.existsInSalesforce()
                && record.salesforceModstamp > p.before.salesforceModstamp;
            if (deletedMeanwhile || observedMeanwhile) {
                // Salesforce read since the write was planned (a user's change on the stream, a
                // poll, a deletion's close): what that read changed stays over what this write
                // landed (a first write of the lead lands before anyone can change it; for a
                // later one the read may be older than the landing, but only the fields the
                // user changed are kept), and the change goes on to the platform (its job was
                // queued when it was read).
                QJsonObject state = p.write.newState;
                for (auto it = record.salesforceState.begin(); it != record.salesforceState.end();
                     ++it) {
                    if (p.before.salesforceState.value(it.key()) != it.value())
                        state.insert(it.key(), it.value());
                }
                observeSalesforce(record, state, 0);
            } else {
                record.salesforceState = p.write.newState;
                record.salesforceHash = p.write.newHash;
            }
            // Deleted on the platform before this write's answer told its Salesforce id: the
            // deletion could not be sent then, so it goes now.
            if (deletedMeanwhile && !knewSalesforceId) {
                if (auto close
                    = salesforceDeletionJob(record, m_config.platformDelete, m_leads.mapping()))
                    deletions.append(*close);
            }
            // A business rule of the planner's: a high-value lead newly assigned.
            if (auto event
                = SyncPlanner::assignmentEvent(p.before, p.write.newState, record.salesforceId, now,
                                               m_config.highValueThreshold))
                events.append(*event);
            const QString syncState = record.syncState;
            writes.landed(record, p.jobs, now);
            if (deletedMeanwhile || observedMeanwhile)
                writes.updates.last().syncState = syncState; // its close or put may be due
        } else if (outcome.code == QLatin1String("CANNOT_UPDATE_CONVERTED_LEAD")) {
            // Converted in Salesforce since we last read it: read-only there, so the change is
            // recorded, not sent, and the job is done (not an inbox item).
            QJsonObject state = record.salesforceState;
            state.insert(QStringLiteral("IsConverted"), true);
            observeSalesforce(record, state, 0);
            record.syncState = QStringLiteral("synced");
            record.lastError.clear();
            writes.updates.append(record);
            converted.append(
                {p.platformId,
                 QStringLiteral("not_sent_converted"),
                 {{QStringLiteral("salesforce_id"), record.salesforceId},
                  {QStringLiteral("note"), QStringLiteral("converted in Salesforce: read-only")}}});
            for (const OutboxJob &job : p.jobs)
                writes.doneIds.append(job.id);
        } else {
            // Written but to be written again (a bulk row planned differently now): Salesforce
            // has the lead, so a deletion on the platform meanwhile goes there too.
            if (!outcome.id.isEmpty() && record.salesforceId.isEmpty()) {
                record.salesforceId = outcome.id;
                if (deletedMeanwhile) {
                    if (auto close
                        = salesforceDeletionJob(record, m_config.platformDelete, m_leads.mapping()))
                        deletions.append(*close);
                }
            }
            writes.refused(record, p.jobs, outcome);
        }
    }
    const DeliveryRound counted = batch.round; // as it was, should the commit below fail
    const bool recorded = m_recorder.recordLeadWrites(
        batch, "delivered Salesforce leads", writes, [&]() -> Result<void> {
            if (!converted.isEmpty()) {
                if (auto r = m_store.audit().appendMany(QStringLiteral("lead"), m_config.workerId,
                                                        converted);
                    !r)
                    return r.error();
            }
            if (!events.isEmpty()) {
                if (auto r = m_store.outbox().enqueue(events, m_config.workerId); !r)
                    return r.error();
            }
            if (!deletions.isEmpty()) {
                if (auto r = m_store.outbox().enqueue(deletions, m_config.workerId); !r)
                    return r.error();
            }
            if (alsoInUnit)
                return alsoInUnit();
            return {};
        });
    if (!recorded)
        return; // rolled back: the jobs are claimed again when their lease ends
    if (auto c = tx.commit(); !c) {
        batch.round = counted; // nothing of it was kept
        qCWarning(lcSync) << "could not record delivered Salesforce leads (the jobs are claimed "
                             "again when their lease ends):"
                          << c.error().toString();
        return;
    }
    if (writes.delivered > 0)
        emit delivered(writes.delivered);
}

void SalesforceDelivery::sendPeopleUpdates(Batch batch)
{
    sendIdWriteBacks(batch, batch->people, m_agents.mapping(), &SalesforceDelivery::sendLeadLinks);
}

void SalesforceDelivery::sendLeadLinks(Batch batch)
{
    sendIdWriteBacks(batch, batch->links, m_leads.mapping(), &SalesforceDelivery::sendLeadCloses);
}

// Platform ids written back to the Salesforce records they were derived from (People__c "A-",
// leads created in Salesforce "L-"), one Collections update.
void SalesforceDelivery::sendIdWriteBacks(Batch batch, QList<OutboxJob> &pending,
                                          const ObjectMapping &mapping, Step next)
{
    if (pending.isEmpty()) {
        (this->*next)(batch);
        return;
    }
    const QList<OutboxJob> jobs = pending;
    pending.clear();
    if (!m_recorder.acquire(*batch, m_budget, jobs, batch->urgentOnly)) {
        (this->*next)(batch);
        return;
    }
    QList<QJsonObject> records;
    for (const OutboxJob &job : jobs) {
        const QJsonObject p = jobPayload(job);
        records.append({{QStringLiteral("Id"), p.value(QStringLiteral("salesforce_id"))},
                        {mapping.salesforceKey, p.value(QStringLiteral("platform_id"))},
                        {QStringLiteral("Last_Updated_By_System__c"), jobs::SystemTag}});
    }
    m_salesforce.update(mapping.salesforceObject, records, this, answer(batch, jobs, next));
}

void SalesforceDelivery::sendLeadCloses(Batch batch)
{
    if (batch->closes.isEmpty()) {
        sendLeadDeletes(batch);
        return;
    }
    const QList<OutboxJob> jobs = batch->closes;
    batch->closes.clear();
    if (!m_recorder.acquire(*batch, m_budget, jobs, batch->urgentOnly)) {
        sendLeadDeletes(batch);
        return;
    }
    // SALESFORCE_ORG.md, "Lead lifecycle": a lead deleted on the platform is closed, and no
    // longer offered for distribution.
    QList<QJsonObject> records;
    for (const OutboxJob &job : jobs) {
        QJsonObject r = SalesforceState::closedFields();
        r.insert(QStringLiteral("Id"), jobPayload(job).value(QStringLiteral("salesforce_id")));
        r.insert(QStringLiteral("Last_Updated_By_System__c"), jobs::SystemTag);
        records.append(r);
    }
    m_salesforce.update(
        m_leads.mapping().salesforceObject, records, this,
        answer(batch, jobs, &SalesforceDelivery::sendLeadDeletes, {},
               [this](const QList<OutboxJob> &done, const QList<WriteOutcome> &outcomes) {
                   // Salesforce holds the lead closed, whatever was recorded of it meanwhile
                   // (an upsert's answer, a read of the lead before the close), so a restore on
                   // the platform takes that status and eligibility.
                   return recordLanded(done, outcomes, [this](MirrorRecord &record) {
                       observeSalesforce(record,
                                         SalesforceState::apply(record.salesforceState,
                                                                SalesforceState::closedFields(),
                                                                m_leads.mapping()),
                                         0);
                       return true;
                   });
               }));
}

void SalesforceDelivery::sendLeadDeletes(Batch batch)
{
    if (batch->deletes.isEmpty()) {
        sendEvents(batch);
        return;
    }
    const QList<OutboxJob> jobs = batch->deletes;
    batch->deletes.clear();
    if (!m_recorder.acquire(*batch, m_budget, jobs, batch->urgentOnly)) {
        sendEvents(batch);
        return;
    }
    QStringList ids;
    for (const OutboxJob &job : jobs)
        ids.append(jobPayload(job).value(QStringLiteral("salesforce_id")).toString());
    m_salesforce.remove(
        ids, this,
        answer(
            batch, jobs, &SalesforceDelivery::sendEvents,
            [](QList<WriteOutcome> &outcomes) {
                // Already deleted (by a user, or by an earlier attempt whose
                // answer was lost) is done.
                for (WriteOutcome &o : outcomes) {
                    if (o.code == QLatin1String("ENTITY_IS_DELETED"))
                        o.success = true;
                }
            },
            [this](const QList<OutboxJob> &done, const QList<WriteOutcome> &outcomes) {
                // Deleted in Salesforce for their deletion on the platform: the tombstones
                // become Salesforce's.
                return recordLanded(done, outcomes, [](MirrorRecord &record) {
                    // Restored on the platform meanwhile: the next read of Salesforce decides.
                    if (!record.isDeleted())
                        return false;
                    observeDeletedInSalesforce(record);
                    return true;
                });
            }));
}

Result<void> SalesforceDelivery::recordLanded(const QList<OutboxJob> &jobs,
                                              const QList<WriteOutcome> &outcomes,
                                              const std::function<bool(MirrorRecord &)> &change)
{
    QStringList ids;
    for (int i = 0; i < jobs.size(); ++i) {
        if (outcomes.value(i).success)
            ids.append(jobPlatformId(jobs.at(i)));
    }
    auto mirror = m_store.leads().byKeys(ids);
    if (!mirror)
        return mirror.error();
    QList<MirrorRecord> changed;
    for (MirrorRecord record : std::as_const(*mirror)) {
        if (change(record))
            changed.append(record);
    }
    return m_store.leads().put(changed);
}

void SalesforceDelivery::sendEvents(Batch batch)
{
    if (batch->events.isEmpty()) {
        batch->finish();
        return;
    }
    // One Collections call per event type, up to 200 events each.
    const QString name
        = jobPayload(batch->events.first()).value(QStringLiteral("event")).toString();
    QList<OutboxJob> jobs;
    QList<QJsonObject> events;
    for (qsizetype i = 0; i < batch->events.size();) {
        const QJsonObject p = jobPayload(batch->events.at(i));
        if (p.value(QStringLiteral("event")).toString() != name || jobs.size() == 200) {
            ++i;
            continue;
        }
        jobs.append(batch->events.takeAt(i));
        events.append(p.value(QStringLiteral("fields")).toObject());
    }
    if (!m_recorder.acquire(*batch, m_budget, jobs, true)) {
        sendEvents(batch);
        return;
    }
    m_salesforce.publishEvents(name, events, this,
                               answer(batch, jobs, &SalesforceDelivery::sendEvents));
}

std::function<void(Result<QList<WriteOutcome>>)>
SalesforceDelivery::answer(Batch batch, QList<OutboxJob> jobs, Step next,
                           std::function<void(QList<WriteOutcome> &)> adjust,
                           OutcomesRecord alsoInUnit)
{
    return [this, batch, jobs = std::move(jobs), next, adjust = std::move(adjust),
            alsoInUnit = std::move(alsoInUnit)](Result<QList<WriteOutcome>> result) {
        if (!result) {
            m_recorder.failCall(*batch, jobs, result.error(), m_budget, m_breaker);
        } else {
            m_breaker.recordSuccess();
            QList<WriteOutcome> outcomes = std::move(*result);
            if (adjust)
                adjust(outcomes);
            m_recorder.recordOutcomes(*batch, jobs, outcomes, [&]() -> Result<void> {
                if (alsoInUnit)
                    return alsoInUnit(jobs, outcomes);
                return {};
            });
        }
        (this->*next)(batch);
    };
}

} // namespace lb
