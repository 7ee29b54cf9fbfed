#include "Dispatcher.h"

#include "ChangeTime.h"
#include "JobKinds.h"
#include "MirrorObservation.h"
#include "SalesforceState.h"
#include "log/Logging.h"
#include "net/CallFailure.h"
#include "salesforce/Soql.h"

#include <QJsonDocument>
#include <QPointer>

namespace lb {
namespace {

QJsonObject payloadOf(const OutboxJob &job)
{
    return QJsonDocument::fromJson(job.payload).object();
}

// Adds the counts of a recorded unit to the round's.
void addCounts(Dispatcher::Round &into, const Dispatcher::Round &unit)
{
    into.delivered += unit.delivered;
    into.retried += unit.retried;
    into.toInbox += unit.toInbox;
    into.unchanged += unit.unchanged;
}

} // namespace

Dispatcher::Dispatcher(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
                       const SyncPlanner &leads, const SyncPlanner &agents,
                       ApiBudget &salesforceBudget, ApiBudget &platformBudget,
                       CircuitBreaker &salesforceBreaker, CircuitBreaker &platformBreaker,
                       const Clock &clock, Config config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_salesforce(salesforce)
    , m_platform(platform)
    , m_leads(leads)
    , m_agents(agents)
    , m_salesforceBudget(salesforceBudget)
    , m_platformBudget(platformBudget)
    , m_salesforceBreaker(salesforceBreaker)
    , m_platformBreaker(platformBreaker)
    , m_clock(clock)
    , m_config(std::move(config))
    , m_random(QRandomGenerator::securelySeeded())
{ }

bool Dispatcher::acquire(Batch &batch, ApiBudget &budget, const QList<OutboxJob> &jobs, bool urgent)
{
    if (budget.tryAcquire(urgent))
        return true;
    // No budget now: the jobs wait for it without losing an attempt.
    const qint64 at = m_clock.nowMs() + budget.waitMs(urgent);
    // Not recorded: the jobs stay claimed until their lease ends, then wait like this anyway.
    recordUnit("jobs waiting for API budget", [&]() -> Result<void> {
        for (const OutboxJob &job : jobs) {
            if (auto r = m_store.outbox().failTransient(
                    job.id, m_config.workerId, at, QStringLiteral("throttled"),
                    QStringLiteral("waiting for API budget"), false);
                !r)
                return r.error();
        }
        return {};
    });
    batch.round.blocked = true;
    batch.round.blockedReason = QStringLiteral("waiting for API budget");
    return false;
}

qint64 Dispatcher::retryAt(int attempts)
{
    return m_clock.nowMs() + m_config.retry.backoffMs(attempts, m_random);
}

bool Dispatcher::recordUnit(const char *what, const std::function<Result<void>()> &writes)
{
    Transaction tx(m_store.database());
    Result<void> recorded = tx.started();
    if (recorded)
        recorded = writes();
    if (recorded)
        recorded = tx.commit();
    if (!recorded)
        qCWarning(lcSync).nospace() << "could not record " << what
                                    << " (the jobs are claimed again when their lease ends): "
                                    << recorded.error().toString();
    return recorded.ok();
}

void Dispatcher::recordOutcomes(Batch &batch, const QList<OutboxJob> &jobs,
                                const QList<WriteOutcome> &outcomes)
{
    Round counts;
    if (recordUnit("write outcomes", [&]() -> Result<void> {
            QList<qint64> done;
            for (int i = 0; i < jobs.size(); ++i) {
                const WriteOutcome o = outcomes.value(i);
                if (o.success) {
                    done.append(jobs.at(i).id);
                    ++counts.delivered;
                } else if (auto r
                           = failOne(counts, jobs.at(i),
                                     o.code.isEmpty() ? QStringLiteral("missing_result") : o.code,
                                     o.message, o.code.isEmpty() || o.retryable);
                           !r) {
                    return r;
                }
            }
            if (auto r = m_store.outbox().complete(done, m_config.workerId); !r)
                return r.error();
            return {};
        }))
        addCounts(batch.round, counts);
}

Result<void> Dispatcher::failOne(Round &counts, const OutboxJob &job, const QString &code,
                                 const QString &message, bool retryable)
{
    OutboxStore &outbox = m_store.outbox();
    if (retryable) {
        // A newer job for this record makes the retry pointless (it would write older values).
        auto newer = outbox.hasNewerJob(job);
        if (!newer)
            return newer.error();
        if (*newer) {
            if (auto r = outbox.supersede({job.id}, m_config.workerId); !r)
                return r.error();
            return {};
        }
        if (!m_config.retry.exhausted(job.attempts)) {
            if (auto r = outbox.failTransient(job.id, m_config.workerId, retryAt(job.attempts),
                                              code, message);
                !r)
                return r.error();
            ++counts.retried;
            return {};
        }
        if (auto r = outbox.failPermanent(
                job.id, m_config.workerId, ErrorClass::Exhausted, code,
                QStringLiteral("Gave up after %1 attempts: %2").arg(job.attempts).arg(message));
            !r)
            return r.error();
    } else if (auto r = outbox.failPermanent(job.id, m_config.workerId, ErrorClass::Permanent, code,
                                             message);
               !r) {
        return r.error();
    }
    ++counts.toInbox;
    return {};
}

void Dispatcher::failCall(Batch &batch, const QList<OutboxJob> &jobs, const Error &error,
                          ApiBudget &budget, CircuitBreaker &breaker)
{
    // Throttled or refused credentials: not the records' fault, so they wait (as told, or a
    // minute) and get the attempt back. Anything else is each job's failure.
    std::optional<qint64> waitUntil;
    if (isThrottling(error)) {
        budget.throttled(error.retryAfterMs > 0 ? error.retryAfterMs : m_config.limitBackoffMs,
                         error.toString());
        waitUntil = m_clock.nowMs() + budget.waitMs(true);
    } else {
        breaker.recordFailure();
        if (isAuthFailure(error))
            waitUntil = m_clock.nowMs() + 60'000;
    }
    if (waitUntil) {
        batch.round.blocked = true;
        batch.round.blockedReason = error.message;
    }
    Round counts;
    const bool recorded = recordUnit("a failed call", [&]() -> Result<void> {
        for (const OutboxJob &job : jobs) {
            if (waitUntil) {
                if (auto r = m_store.outbox().failTransient(job.id, m_config.workerId, *waitUntil,
                                                            error.code, error.message, false);
                    !r)
                    return r.error();
            } else if (auto r = failOne(counts, job, error.code, error.message, error.retryable);
                       !r) {
                return r;
            }
        }
        return {};
    });
    if (recorded)
        addCounts(batch.round, counts);
    qCInfo(lcSync).noquote() << batch.target << "call failed for" << jobs.size()
                             << "jobs:" << error.toString();
}

void Dispatcher::bulkCallFailed(Batch &batch, const QString &jobId, const Error &error)
{
    if (isThrottling(error))
        m_salesforceBudget.throttled(error.retryAfterMs > 0 ? error.retryAfterMs
                                                            : m_config.limitBackoffMs,
                                     error.toString());
    else
        m_salesforceBreaker.recordFailure();
    batch.round.blocked = true;
    batch.round.blockedReason = error.message;
    qCWarning(lcSync).noquote() << "bulk job" << jobId
                                << "not collected (tried again next round):" << error.toString();
}

void Dispatcher::deliverSalesforce(std::function<void(Round)> done)
{
    auto batch = std::make_shared<Batch>();
    batch->target = JobTarget::Salesforce;
    batch->done = std::move(done);
    const ApiBudget::State budget = m_salesforceBudget.state();
    if (budget.blocked || !m_salesforceBreaker.allowRequest()) {
        batch->round.blocked = true;
        batch->round.blockedReason
            = budget.blocked ? budget.reason : QStringLiteral("circuit breaker open");
        finish(batch);
        return;
    }
    batch->urgentOnly = budget.paused;
    // An ingest job sent before (by a process that died, or whose results could not be read or
    // recorded) is collected first: its rows are not sent again.
    if (auto open = m_store.ingestJobs().open(jobs::SalesforceLeadUpsert); !open) {
        qCWarning(lcSync) << "could not read the open bulk jobs:" << open.error().toString();
        m_salesforceBreaker.cancelRequest();
        finish(batch);
        return;
    } else if (!open->isEmpty()) {
        resumeBulk(batch, open->first());
        return;
    }
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
        else if (useBulk(*count, m_config.bulkThreshold)) {
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
    if (batch->round.claimed == 0)
        m_salesforceBreaker.cancelRequest();
    sendSalesforceLeads(batch);
}

void Dispatcher::sendSalesforceLeads(std::shared_ptr<Batch> batch)
{
    if (batch->leads.isEmpty()) {
        sendPeopleUpdates(batch);
        return;
    }
    // Before planning, look again where our knowledge may be stale:
    //  - a job tried before with no recorded outcome (the worker died mid-call, the lease ran
    //    out): read what Salesforce holds now, so a write that did land is not sent again;
    //  - a job an admin retried from the inbox: re-read the platform record, so data fixed at
    //    the source is what goes out.
    QStringList unknownOutcome;
    QStringList retriedByAdmin;
    for (const OutboxJob &job : batch->leads) {
        const QString pid = payloadOf(job).value(QStringLiteral("platform_id")).toString();
        if (job.attempts > 1 && job.lastErrorCode.isEmpty())
            unknownOutcome.append(pid);
        else if (job.lastErrorCode == QLatin1String("inbox_retry"))
            retriedByAdmin.append(pid);
    }
    refreshFromSalesforce(unknownOutcome, [this, batch, retriedByAdmin] {
        refreshFromPlatform(retriedByAdmin, 0, [this, batch] { planSalesforceLeads(batch); });
    });
}

void Dispatcher::refreshFromSalesforce(const QStringList &ids, std::function<void()> then)
{
    if (ids.isEmpty()) {
        then();
        return;
    }
    const ObjectMapping &m = m_leads.mapping();
    const QStringList chunk = ids.mid(0, 100);
    const QStringList rest = ids.mid(100);
    QStringList quoted;
    for (const QString &id : chunk)
        quoted.append(salesforce::soqlString(id));
    QStringList fields = m.salesforceFields();
    fields.append(QStringLiteral("SystemModstamp"));
    const QString soql = QStringLiteral("SELECT %1 FROM %2 WHERE %3 IN (%4)")
                             .arg(fields.join(QStringLiteral(", ")), m.salesforceObject,
                                  m.salesforceKey, quoted.join(QStringLiteral(", ")));
    m_salesforce.query(
        soql, this, [this, chunk, rest, then = std::move(then)](Result<RecordPage> page) mutable {
            if (page) {
                const ObjectMapping &m = m_leads.mapping();
                auto mirrors = m_store.leads().byKeys(chunk);
                if (mirrors) {
                    QList<MirrorRecord> updates;
                    QSet<QString> found;
                    for (const QJsonObject &r : page->records) {
                        const QString pid = r.value(m.salesforceKey).toString();
                        found.insert(pid);
                        MirrorRecord record = mirrors->value(pid);
                        if (record.platformId.isEmpty())
                            continue;
                        record.salesforceId = r.value(QStringLiteral("Id")).toString();
                        observeSalesforce(
                            record, SalesforceState::fromRecord(r, m),
                            parseTimestampMs(r.value(QStringLiteral("SystemModstamp")).toString()));
                        updates.append(record);
                    }
                    for (const QString &pid : chunk) {
                        if (!found.contains(pid) && mirrors->contains(pid)) {
                            MirrorRecord record = mirrors->value(pid);
                            record.salesforceHash.clear(); // not there: the write did not land
                            updates.append(record);
                        }
                    }
                    if (auto r = m_store.leads().put(updates); !r)
                        qCWarning(lcSync) << "could not keep what Salesforce holds before a "
                                             "resend:"
                                          << r.error().toString();
                }
            } else {
                qCInfo(lcSync) << "could not check Salesforce before a resend:"
                               << page.error().toString();
            }
            refreshFromSalesforce(rest, std::move(then));
        });
}

void Dispatcher::refreshFromPlatform(const QStringList &ids, int index, std::function<void()> then)
{
    if (index >= ids.size()) {
        then();
        return;
    }
    m_platform.getLead(ids.at(index), this,
                       [this, ids, index, then = std::move(then)](Result<QJsonObject> r) mutable {
                           if (r && !r->isEmpty()) {
                               auto mirror = m_store.leads().byPlatformId(ids.at(index));
                               if (mirror && mirror->has_value()) {
                                   MirrorRecord record = **mirror;
                                   observePlatformLead(record, m_leads.platformView(*r), *r);
                                   if (auto put = m_store.leads().put({record}); !put)
                                       qCWarning(lcSync)
                                           << "could not keep the platform's record before a "
                                              "retry:"
                                           << put.error().toString();
                               }
                           }
                           refreshFromPlatform(ids, index + 1, std::move(then));
                       });
}

Dispatcher::PlannedLeads Dispatcher::planLeads(Batch &batch, const QList<OutboxJob> &jobs)
{
    auto planned = std::make_shared<QList<PlannedLead>>();
    QStringList ids;
    for (const OutboxJob &job : jobs)
        ids.append(payloadOf(job).value(QStringLiteral("platform_id")).toString());
    auto mirrors = m_store.leads().byKeys(ids);
    if (!mirrors)
        qCWarning(lcSync) << "could not read the mirror:" << mirrors.error().toString();
    // Jobs with nothing (left) to send, and invalid ones, are recorded as one unit.
    Round counts;
    QList<std::pair<qint64, Error>> invalid;
    QHash<QString, int> index;
    QList<MirrorRecord> updates;
    QList<qint64> unchangedIds;
    for (const OutboxJob &job : jobs) {
        const QString pid = payloadOf(job).value(QStringLiteral("platform_id")).toString();
        if (auto it = index.constFind(pid); it != index.cend()) {
            (*planned)[*it].jobs.append(job);
            continue;
        }
        if (!mirrors)
            continue; // stays claimed: read again once the lease ends
        // A tombstone is never written again: deleted since the job was queued.
        if (!mirrors->contains(pid) || mirrors->value(pid).isDeleted()) {
            unchangedIds.append(job.id);
            ++counts.unchanged;
            continue;
        }
        MirrorRecord record = mirrors->value(pid);
        auto plan = m_leads.planSalesforceWrite(record);
        if (!plan) {
            invalid.append({job.id, plan.error()});
            ++counts.toInbox;
            record.syncState = QStringLiteral("error");
            record.lastError = plan.error().toString();
            updates.append(record);
            continue;
        }
        if (!plan->has_value()) {
            unchangedIds.append(job.id);
            ++counts.unchanged;
            if (record.syncState != QLatin1String("synced")) {
                record.syncState = QStringLiteral("synced");
                record.lastError.clear();
                updates.append(record);
            }
            continue;
        }
        index.insert(pid, int(planned->size()));
        planned->append({pid, **plan, record, {job}});
    }
    if (recordUnit("planned Salesforce leads", [&]() -> Result<void> {
            for (const auto &[id, error] : invalid) {
                if (auto r = m_store.outbox().failPermanent(
                        id, m_config.workerId, ErrorClass::Validation, error.code, error.message);
                    !r)
                    return r.error();
            }
            if (auto r = m_store.outbox().complete(unchangedIds, m_config.workerId); !r)
                return r.error();
            if (auto r = m_store.leads().put(updates); !r)
                return r.error();
            return {};
        }))
        addCounts(batch.round, counts);
    return planned;
}

QList<QJsonObject> Dispatcher::leadRecords(const QList<PlannedLead> &planned) const
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

void Dispatcher::planSalesforceLeads(std::shared_ptr<Batch> batch)
{
    PlannedLeads planned = planLeads(*batch, batch->leads);
    if (planned->isEmpty()) {
        sendPeopleUpdates(batch);
        return;
    }
    QList<OutboxJob> allJobs;
    for (const PlannedLead &p : *planned)
        allJobs.append(p.jobs);
    if (!acquire(*batch, m_salesforceBudget, allJobs, batch->urgentOnly)) {
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
                                failCall(*batch, allJobs, result.error(), m_salesforceBudget,
                                         m_salesforceBreaker);
                            } else {
                                m_salesforceBreaker.recordSuccess();
                                recordLeadWrites(*batch, *planned, *result);
                            }
                            sendPeopleUpdates(batch);
                        });
}

void Dispatcher::recordLeadWrites(Batch &batch, const QList<PlannedLead> &planned,
                                  const QList<WriteOutcome> &outcomes,
                                  const std::function<Result<void>()> &alsoInUnit)
{
    const qint64 now = m_clock.nowMs();
    Round counts;
    QList<std::pair<OutboxJob, WriteOutcome>> failed;
    QList<MirrorRecord> updates;
    QList<NewJob> events;
    // Completed in one statement (per 100) after the loop: one per record was a fifth
    // of a bulk round's time.
    QList<qint64> doneIds;
    QList<AuditLog::Item> converted;
    int delivered = 0;
    for (int i = 0; i < planned.size(); ++i) {
        const PlannedLead &p = planned.at(i);
        const WriteOutcome outcome = i < outcomes.size()
            ? outcomes.at(i)
            : WriteOutcome {false,
                            true,
                            QStringLiteral("missing_result"),
                            QStringLiteral("Salesforce returned no result for this record"),
                            {},
                            false,
                            {}};
        MirrorRecord record = p.before;
        if (outcome.success) {
            if (!outcome.id.isEmpty())
                record.salesforceId = outcome.id;
            record.salesforceState = p.write.newState;
            record.salesforceHash = p.write.newHash;
            record.syncState = QStringLiteral("synced");
            record.lastSyncedAt = now;
            record.lastError.clear();
            updates.append(record);
            for (const OutboxJob &job : p.jobs)
                doneIds.append(job.id);
            ++delivered;
            // A business rule of the planner's: a high-value lead newly assigned.
            if (auto event
                = SyncPlanner::assignmentEvent(p.before, p.write.newState, record.salesforceId, now,
                                               m_config.highValueThreshold))
                events.append(*event);
        } else if (outcome.code == QLatin1String("CANNOT_UPDATE_CONVERTED_LEAD")) {
            // Converted in Salesforce since we last read it: read-only there, so the change is
            // recorded, not sent, and the job is done (not an inbox item).
            QJsonObject state = record.salesforceState;
            state.insert(QStringLiteral("IsConverted"), true);
            observeSalesforce(record, state, 0);
            record.syncState = QStringLiteral("synced");
            record.lastError.clear();
            updates.append(record);
            converted.append(
                {p.platformId,
                 QStringLiteral("not_sent_converted"),
                 {{QStringLiteral("salesforce_id"), record.salesforceId},
                  {QStringLiteral("note"), QStringLiteral("converted in Salesforce: read-only")}}});
            for (const OutboxJob &job : p.jobs)
                doneIds.append(job.id);
        } else {
            record.syncState
                = outcome.retryable ? QStringLiteral("pending") : QStringLiteral("error");
            record.lastError = outcome.code + QStringLiteral(": ") + outcome.message;
            updates.append(record);
            for (const OutboxJob &job : p.jobs)
                failed.append({job, outcome});
        }
    }
    // Delivered but not recorded: the jobs are claimed again after their lease, and
    // the resend first reads what Salesforce holds (refreshFromSalesforce), so nothing
    // is written twice.
    if (!recordUnit("delivered Salesforce leads", [&]() -> Result<void> {
            for (const auto &[job, o] : failed) {
                if (auto r = failOne(counts, job, o.code, o.message, o.retryable); !r)
                    return r;
            }
            if (auto r = m_store.outbox().complete(doneIds, m_config.workerId); !r)
                return r.error();
            if (auto r = m_store.leads().put(updates); !r)
                return r.error();
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
            if (alsoInUnit)
                return alsoInUnit();
            return {};
        }))
        delivered = 0;
    else
        addCounts(batch.round, counts);
    batch.round.delivered += delivered;
    if (delivered > 0)
        emit this->delivered(JobTarget::Salesforce, delivered);
}

void Dispatcher::sendPeopleUpdates(std::shared_ptr<Batch> batch)
{
    sendIdWriteBacks(batch, batch->people, m_agents.mapping(), &Dispatcher::sendLeadLinks);
}

void Dispatcher::sendLeadLinks(std::shared_ptr<Batch> batch)
{
    sendIdWriteBacks(batch, batch->links, m_leads.mapping(), &Dispatcher::sendLeadCloses);
}

// Platform ids written back to the Salesforce records they were derived from (People__c "A-",
// leads created in Salesforce "L-"), one Collections update.
void Dispatcher::sendIdWriteBacks(std::shared_ptr<Batch> batch, QList<OutboxJob> &pending,
                                  const ObjectMapping &mapping, Step next)
{
    if (pending.isEmpty()) {
        (this->*next)(batch);
        return;
    }
    const QList<OutboxJob> jobs = pending;
    pending.clear();
    if (!acquire(*batch, m_salesforceBudget, jobs, batch->urgentOnly)) {
        (this->*next)(batch);
        return;
    }
    QList<QJsonObject> records;
    for (const OutboxJob &job : jobs) {
        const QJsonObject p = payloadOf(job);
        records.append({{QStringLiteral("Id"), p.value(QStringLiteral("salesforce_id"))},
                        {mapping.salesforceKey, p.value(QStringLiteral("platform_id"))},
                        {QStringLiteral("Last_Updated_By_System__c"), jobs::SystemTag}});
    }
    m_salesforce.update(mapping.salesforceObject, records, this,
                        salesforceAnswer(batch, jobs, next));
}

void Dispatcher::sendLeadCloses(std::shared_ptr<Batch> batch)
{
    if (batch->closes.isEmpty()) {
        sendLeadDeletes(batch);
        return;
    }
    const QList<OutboxJob> jobs = batch->closes;
    batch->closes.clear();
    if (!acquire(*batch, m_salesforceBudget, jobs, batch->urgentOnly)) {
        sendLeadDeletes(batch);
        return;
    }
    // SALESFORCE_ORG.md, "Lead lifecycle": a lead deleted on the platform is closed, and no
    // longer offered for distribution.
    QList<QJsonObject> records;
    for (const OutboxJob &job : jobs) {
        records.append(
            {{QStringLiteral("Id"), payloadOf(job).value(QStringLiteral("salesforce_id"))},
             {QStringLiteral("Status"), QStringLiteral("Closed - Not Converted")},
             {QStringLiteral("Eligible_For_Distribution__c"), false},
             {QStringLiteral("Last_Updated_By_System__c"), jobs::SystemTag}});
    }
    m_salesforce.update(m_leads.mapping().salesforceObject, records, this,
                        salesforceAnswer(batch, jobs, &Dispatcher::sendLeadDeletes));
}

void Dispatcher::sendLeadDeletes(std::shared_ptr<Batch> batch)
{
    if (batch->deletes.isEmpty()) {
        sendEvents(batch);
        return;
    }
    const QList<OutboxJob> jobs = batch->deletes;
    batch->deletes.clear();
    if (!acquire(*batch, m_salesforceBudget, jobs, batch->urgentOnly)) {
        sendEvents(batch);
        return;
    }
    QStringList ids;
    for (const OutboxJob &job : jobs)
        ids.append(payloadOf(job).value(QStringLiteral("salesforce_id")).toString());
    m_salesforce.remove(
        ids, this,
        salesforceAnswer(batch, jobs, &Dispatcher::sendEvents, [](QList<WriteOutcome> &outcomes) {
            // Already deleted (by a user, or by an earlier
            // attempt whose answer was lost) is done.
            for (WriteOutcome &o : outcomes) {
                if (o.code == QLatin1String("ENTITY_IS_DELETED"))
                    o.success = true;
            }
        }));
}

void Dispatcher::sendEvents(std::shared_ptr<Batch> batch)
{
    if (batch->events.isEmpty()) {
        finish(batch);
        return;
    }
    // One Collections call per event type, up to 200 events each.
    const QString name = payloadOf(batch->events.first()).value(QStringLiteral("event")).toString();
    QList<OutboxJob> jobs;
    QList<QJsonObject> events;
    for (qsizetype i = 0; i < batch->events.size();) {
        const QJsonObject p = payloadOf(batch->events.at(i));
        if (p.value(QStringLiteral("event")).toString() != name || jobs.size() == 200) {
            ++i;
            continue;
        }
        jobs.append(batch->events.takeAt(i));
        events.append(p.value(QStringLiteral("fields")).toObject());
    }
    if (!acquire(*batch, m_salesforceBudget, jobs, true)) {
        sendEvents(batch);
        return;
    }
    m_salesforce.publishEvents(name, events, this,
                               salesforceAnswer(batch, jobs, &Dispatcher::sendEvents));
}

std::function<void(Result<QList<WriteOutcome>>)>
Dispatcher::salesforceAnswer(std::shared_ptr<Batch> batch, QList<OutboxJob> jobs, Step next,
                             std::function<void(QList<WriteOutcome> &)> adjust)
{
    return [this, batch, jobs = std::move(jobs), next,
            adjust = std::move(adjust)](Result<QList<WriteOutcome>> result) {
        if (!result) {
            failCall(*batch, jobs, result.error(), m_salesforceBudget, m_salesforceBreaker);
        } else {
            m_salesforceBreaker.recordSuccess();
            QList<WriteOutcome> outcomes = std::move(*result);
            if (adjust)
                adjust(outcomes);
            recordOutcomes(*batch, jobs, outcomes);
        }
        (this->*next)(batch);
    };
}

void Dispatcher::finish(std::shared_ptr<Batch> batch)
{
    if (batch->round.toInbox > 0)
        emit movedToInbox(batch->round.toInbox);
    if (batch->done)
        batch->done(batch->round);
}

void Dispatcher::deliverPlatform(std::function<void(Round)> done)
{
    auto batch = std::make_shared<Batch>();
    batch->target = JobTarget::Platform;
    batch->done = std::move(done);
    const ApiBudget::State budget = m_platformBudget.state();
    if (budget.blocked || !m_platformBreaker.allowRequest()) {
        batch->round.blocked = true;
        batch->round.blockedReason
            = budget.blocked ? budget.reason : QStringLiteral("circuit breaker open");
        finish(batch);
        return;
    }
    batch->urgentOnly = budget.paused;
    ClaimFilter filter;
    filter.target = JobTarget::Platform;
    if (batch->urgentOnly)
        filter.minPriority = jobs::UrgentPriority;
    auto claimed = m_store.outbox().claim(m_config.workerId, m_config.platformBatch,
                                          m_config.leaseMs, filter);
    if (!claimed) {
        qCWarning(lcSync) << "claim failed:" << claimed.error().message;
        m_platformBreaker.cancelRequest();
        finish(batch);
        return;
    }
    batch->round.claimed = int(claimed->size());
    if (claimed->isEmpty())
        m_platformBreaker.cancelRequest();
    for (const OutboxJob &job : *claimed) {
        Result<int> refused = 0;
        if (job.kind == jobs::PlatformLeadPut)
            batch->leads.append(job);
        else if (job.kind == jobs::PlatformAgentPut)
            batch->agents.append(job);
        else if (job.kind == jobs::PlatformLeadDelete || job.kind == jobs::PlatformLeadRestore)
            batch->platformDeletes.append(job);
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
    sendPlatformLeads(batch);
}

void Dispatcher::sendPlatformLeads(std::shared_ptr<Batch> batch)
{
    if (batch->leads.isEmpty()) {
        sendAgents(batch, 0);
        return;
    }
    // A job tried before with no recorded outcome (the worker died mid-call, or recording its
    // answer failed): read what the platform holds now, so a write that did land is found in
    // the mirror and not sent again, as on the Salesforce side.
    QStringList unknownOutcome;
    for (const OutboxJob &job : batch->leads) {
        if (job.attempts > 1 && job.lastErrorCode.isEmpty())
            unknownOutcome.append(payloadOf(job).value(QStringLiteral("platform_id")).toString());
    }
    refreshFromPlatform(unknownOutcome, 0, [this, batch] { planPlatformLeads(batch); });
}

void Dispatcher::planPlatformLeads(std::shared_ptr<Batch> batch)
{
    struct Planned
    {
        QString platformId;
        SyncPlanner::PlatformWrite write;
        MirrorRecord before;
        QList<OutboxJob> jobs;
    };
    auto planned = std::make_shared<QList<Planned>>();
    QStringList ids;
    for (const OutboxJob &job : batch->leads)
        ids.append(payloadOf(job).value(QStringLiteral("platform_id")).toString());
    auto mirrors = m_store.leads().byKeys(ids);
    if (!mirrors)
        qCWarning(lcSync) << "could not read the mirror:" << mirrors.error().toString();
    {
        // Jobs with nothing (left) to send, and invalid ones, are recorded as one unit.
        Round counts;
        QList<qint64> unchangedIds;
        QList<MirrorRecord> updates;
        QList<std::pair<qint64, Error>> invalid;
        QHash<QString, int> index;
        for (const OutboxJob &job : batch->leads) {
            const QString pid = payloadOf(job).value(QStringLiteral("platform_id")).toString();
            if (auto it = index.constFind(pid); it != index.cend()) {
                (*planned)[*it].jobs.append(job);
                continue;
            }
            if (!mirrors)
                continue; // stays claimed: read again once the lease ends
            // A tombstone is never written again: deleted since the job was queued.
            if (!mirrors->contains(pid) || mirrors->value(pid).isDeleted()) {
                unchangedIds.append(job.id);
                ++counts.unchanged;
                continue;
            }
            const MirrorRecord record = mirrors->value(pid);
            auto plan = m_leads.planPlatformWrite(record);
            if (!plan) {
                invalid.append({job.id, plan.error()});
                ++counts.toInbox;
                continue;
            }
            if (!plan->has_value()) {
                unchangedIds.append(job.id);
                ++counts.unchanged;
                // Already there (a write that landed before a crash, found by the re-read):
                // both sides agree.
                if (record.syncState != QLatin1String("synced")) {
                    MirrorRecord synced = record;
                    synced.syncState = QStringLiteral("synced");
                    synced.lastError.clear();
                    updates.append(synced);
                }
                continue;
            }
            index.insert(pid, int(planned->size()));
            planned->append({pid, **plan, record, {job}});
        }
        if (recordUnit("planned platform leads", [&]() -> Result<void> {
                for (const auto &[id, error] : invalid) {
                    if (auto r = m_store.outbox().failPermanent(id, m_config.workerId,
                                                                ErrorClass::Validation, error.code,
                                                                error.message);
                        !r)
                        return r.error();
                }
                if (auto r = m_store.outbox().complete(unchangedIds, m_config.workerId); !r)
                    return r.error();
                if (auto r = m_store.leads().put(updates); !r)
                    return r.error();
                return {};
            }))
            addCounts(batch->round, counts);
    }
    if (planned->isEmpty()) {
        sendAgents(batch, 0);
        return;
    }
    QList<OutboxJob> allJobs;
    QList<QJsonObject> records;
    for (const Planned &p : *planned) {
        allJobs.append(p.jobs);
        QJsonObject r = p.write.record;
        r.insert(QStringLiteral("updated_by"), jobs::PlatformUpdatedBy);
        records.append(r);
    }
    if (!acquire(*batch, m_platformBudget, allJobs, batch->urgentOnly)) {
        sendAgents(batch, 0);
        return;
    }
    m_platform.upsertLeads(
        records, this, [this, batch, planned, allJobs](Result<QList<WriteOutcome>> result) {
            if (!result) {
                failCall(*batch, allJobs, result.error(), m_platformBudget, m_platformBreaker);
                sendAgents(batch, 0);
                return;
            }
            m_platformBreaker.recordSuccess();
            const qint64 now = m_clock.nowMs();
            Round counts;
            // 412: planned again next round, the attempt given back.
            QList<std::pair<qint64, WriteOutcome>> conflicted;
            QList<std::pair<OutboxJob, WriteOutcome>> failed;
            QList<MirrorRecord> updates;
            QList<qint64> doneIds; // completed together after the loop
            int delivered = 0;
            for (int i = 0; i < planned->size(); ++i) {
                const Planned &p = planned->at(i);
                const WriteOutcome o = i < result->size()
                    ? result->at(i)
                    : WriteOutcome {false,
                                    true,
                                    QStringLiteral("missing_result"),
                                    QStringLiteral("The platform returned no result for this lead"),
                                    {},
                                    false,
                                    {}};
                MirrorRecord record = p.before;
                if (o.success) {
                    record.platformState = p.write.record;
                    record.platformHash = p.write.newHash;
                    record.syncState = QStringLiteral("synced");
                    record.lastSyncedAt = now;
                    record.lastError.clear();
                    updates.append(record);
                    for (const OutboxJob &job : p.jobs)
                        doneIds.append(job.id);
                    ++delivered;
                } else if (!o.current.isEmpty()) {
                    // 412: the platform changed meanwhile. Take its current record and re-plan the
                    // write per field authority in the next round.
                    observePlatformLead(record, m_leads.platformView(o.current), o.current);
                    updates.append(record);
                    for (const OutboxJob &job : p.jobs)
                        conflicted.append({job.id, o});
                    ++counts.retried;
                } else {
                    record.syncState
                        = o.retryable ? QStringLiteral("pending") : QStringLiteral("error");
                    record.lastError = o.code + QStringLiteral(": ") + o.message;
                    updates.append(record);
                    for (const OutboxJob &job : p.jobs)
                        failed.append({job, o});
                }
            }
            if (!recordUnit("delivered platform leads", [&]() -> Result<void> {
                    for (const auto &[id, o] : conflicted) {
                        if (auto r = m_store.outbox().failTransient(id, m_config.workerId, now,
                                                                    o.code, o.message, false);
                            !r)
                            return r.error();
                    }
                    for (const auto &[job, o] : failed) {
                        if (auto r = failOne(counts, job, o.code, o.message, o.retryable); !r)
                            return r;
                    }
                    if (auto r = m_store.outbox().complete(doneIds, m_config.workerId); !r)
                        return r.error();
                    if (auto r = m_store.leads().put(updates); !r)
                        return r.error();
                    return {};
                }))
                delivered = 0;
            else
                addCounts(batch->round, counts);
            batch->round.delivered += delivered;
            if (delivered > 0)
                emit this->delivered(JobTarget::Platform, delivered);
            sendAgents(batch, 0);
        });
}

void Dispatcher::sendPlatformDeletes(std::shared_ptr<Batch> batch, int index)
{
    if (index >= batch->platformDeletes.size()) {
        finish(batch);
        return;
    }
    const OutboxJob job = batch->platformDeletes.at(index);
    if (job.kind == jobs::PlatformLeadRestore) {
        sendPlatformRestore(batch, index);
        return;
    }
    if (!acquire(*batch, m_platformBudget, {job}, batch->urgentOnly)) {
        sendPlatformDeletes(batch, index + 1);
        return;
    }
    const QString id = payloadOf(job).value(QStringLiteral("platform_id")).toString();
    m_platform.deleteLead(id, this, [this, batch, index, job](Result<void> result) {
        if (!result) {
            failCall(*batch, {job}, result.error(), m_platformBudget, m_platformBreaker);
        } else {
            m_platformBreaker.recordSuccess();
            WriteOutcome done;
            done.success = true;
            recordOutcomes(*batch, {job}, {done});
        }
        sendPlatformDeletes(batch, index + 1);
    });
}

// A lead undeleted in Salesforce comes back on the platform with the content the mirror plans
// for it (PUT ?restore=true). Deleted again since the job was queued: nothing to restore.
void Dispatcher::sendPlatformRestore(std::shared_ptr<Batch> batch, int index)
{
    const OutboxJob job = batch->platformDeletes.at(index);
    const QString id = payloadOf(job).value(QStringLiteral("platform_id")).toString();
    auto mirrors = m_store.leads().byKeys({id});
    if (!mirrors) {
        qCWarning(lcSync) << "could not read the mirror:" << mirrors.error().toString();
        sendPlatformDeletes(batch, index + 1); // stays claimed: read again once the lease ends
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
        const Result<int> r = plan
            ? m_store.outbox().complete({job.id}, m_config.workerId)
            : m_store.outbox().failPermanent(job.id, m_config.workerId, ErrorClass::Validation,
                                             plan.error().code, plan.error().message);
        if (!r)
            qCWarning(lcSync) << "could not record job" << job.id << ":" << r.error().toString();
        sendPlatformDeletes(batch, index + 1);
        return;
    }
    if (!acquire(*batch, m_platformBudget, {job}, batch->urgentOnly)) {
        sendPlatformDeletes(batch, index + 1);
        return;
    }
    const SyncPlanner::PlatformWrite write = **plan;
    m_platform.restoreLead(
        write.record, this, [this, batch, index, job, record, write](Result<WriteOutcome> result) {
            if (!result) {
                failCall(*batch, {job}, result.error(), m_platformBudget, m_platformBreaker);
                sendPlatformDeletes(batch, index + 1);
                return;
            }
            m_platformBreaker.recordSuccess();
            MirrorRecord updated = record;
            observePlatformLead(updated, write.record, result->current);
            updated.syncState = QStringLiteral("synced");
            updated.lastSyncedAt = m_clock.nowMs();
            updated.lastError.clear();
            if (recordUnit("a restored lead", [&]() -> Result<void> {
                    if (auto r = m_store.leads().put({updated}); !r)
                        return r.error();
                    if (auto r = m_store.outbox().complete({job.id}, m_config.workerId); !r)
                        return r.error();
                    return {};
                }))
                ++batch->round.delivered;
            sendPlatformDeletes(batch, index + 1);
        });
}

void Dispatcher::sendAgents(std::shared_ptr<Batch> batch, int index)
{
    if (index >= batch->agents.size()) {
        sendPlatformDeletes(batch, 0);
        return;
    }
    const OutboxJob job = batch->agents.at(index);
    const QString sfId = payloadOf(job).value(QStringLiteral("key")).toString();
    auto mirror = m_store.agents().bySalesforceId(sfId);
    if (!mirror) {
        qCWarning(lcSync) << "could not read the mirror:" << mirror.error().toString();
        sendAgents(batch, index + 1); // stays claimed: read again once the lease ends
        return;
    }
    if (!mirror->has_value()) {
        if (auto r = m_store.outbox().complete({job.id}, m_config.workerId); !r)
            qCWarning(lcSync) << "could not complete job" << job.id << ":" << r.error().toString();
        sendAgents(batch, index + 1);
        return;
    }
    const MirrorRecord record = **mirror;
    auto plan = m_agents.planPlatformWrite(record);
    if (!plan || !plan->has_value()) {
        const Result<int> r = plan
            ? m_store.outbox().complete({job.id}, m_config.workerId)
            : m_store.outbox().failPermanent(job.id, m_config.workerId, ErrorClass::Validation,
                                             plan.error().code, plan.error().message);
        if (!r)
            qCWarning(lcSync) << "could not record job" << job.id << ":" << r.error().toString();
        sendAgents(batch, index + 1);
        return;
    }
    if (!acquire(*batch, m_platformBudget, {job}, batch->urgentOnly)) {
        sendAgents(batch, index + 1);
        return;
    }
    const SyncPlanner::PlatformWrite write = **plan;
    m_platform.putAgent(
        write.record, this, [this, batch, index, job, record, write](Result<WriteOutcome> result) {
            if (!result) {
                failCall(*batch, {job}, result.error(), m_platformBudget, m_platformBreaker);
            } else if (!result->success) {
                Round counts;
                if (recordUnit("a failed agent", [&] {
                        return failOne(counts, job, result->code, result->message,
                                       result->retryable);
                    }))
                    addCounts(batch->round, counts);
            } else {
                m_platformBreaker.recordSuccess();
                MirrorRecord updated = record;
                updated.platformState = write.record;
                updated.platformHash = write.newHash;
                updated.syncState = QStringLiteral("synced");
                updated.lastSyncedAt = m_clock.nowMs();
                if (recordUnit("a delivered agent", [&]() -> Result<void> {
                        if (auto r = m_store.agents().put({updated}); !r)
                            return r.error();
                        if (auto r = m_store.outbox().complete({job.id}, m_config.workerId); !r)
                            return r.error();
                        return {};
                    }))
                    ++batch->round.delivered;
            }
            sendAgents(batch, index + 1);
        });
}

} // namespace lb
