#include "SalesforceChangeProcessor.h"

#include "JobKinds.h"
#include "MirrorObservation.h"
#include "PlatformDeletion.h"
#include "PlatformJob.h"
#include "SalesforceState.h"
#include "log/Logging.h"
#include "store/ErasureStore.h"
#include "store/SentWrites.h"

#include <QJsonDocument>

namespace lb {
namespace {

// The write-back of a platform id to a lead created in Salesforce. Keyed on the id it writes,
// so reading the lead again before the write-back landed queues nothing more.
NewJob linkJob(const MirrorRecord &record)
{
    NewJob job;
    job.kind = jobs::SalesforceLeadLink;
    job.target = JobTarget::Salesforce;
    job.recordKey = QStringLiteral("lead:") + record.platformId;
    job.idempotencyKey = jobs::idempotencyKey(job.kind, job.recordKey, record.salesforceId);
    job.payload = QJsonDocument(QJsonObject {{QStringLiteral("salesforce_id"), record.salesforceId},
                                             {QStringLiteral("platform_id"), record.platformId}})
                      .toJson(QJsonDocument::Compact);
    return job;
}

} // namespace

QString SalesforceChangeProcessor::platformIdFor(const QString &salesforceId)
{
    return QStringLiteral("L-") + salesforceId;
}

bool SalesforceChangeProcessor::isOwnFirstWrite(const MirrorRecord &record,
                                                const QJsonObject &state) const
{
    // Never seen in Salesforce, but on the platform: LeadBridge's first write of the lead
    // landed without its answer being recorded (lost to a kill or a freeze), and this read
    // (the check before the resend, a poll) is the first to see it. When Salesforce holds
    // exactly what that write carries, the record's SystemModstamp is our write's, not a
    // Salesforce user's change: taken as one, it would make Salesforce's values newer than a
    // platform edit made while the write was on the wire, and the edit would never be sent.
    if (record.existsInSalesforce() || !record.existsOnPlatform() || record.isDeleted())
        return false;
    auto plan = m_leads.planSalesforceWrite(record);
    return plan && plan->has_value() && (*plan)->newHash == SyncPlanner::hashOf(state);
}

SalesforceChangeProcessor::SalesforceChangeProcessor(Store &store, const SyncPlanner &leads,
                                                     const SyncPlanner &agents, QString actor)
    : m_store(store)
    , m_leads(leads)
    , m_agents(agents)
    , m_actor(std::move(actor))
    , m_events(leads, agents)
{ }

Result<SalesforceChangeProcessor::Stats>
SalesforceChangeProcessor::processLeads(const QList<SalesforceRecordChange> &changes)
{
    Stats stats;
    stats.records = int(changes.size());
    const ObjectMapping &m = m_leads.mapping();
    QHash<QString, SalesforceRecordChange> byPlatformId;
    for (const SalesforceRecordChange &c : changes) {
        QString id = c.fields.value(m.salesforceKey).toString();
        if (id.isEmpty()) {
            // Created in Salesforce: its platform id is derived from its Id, so reading it
            // again before the write-back landed names the same lead.
            if (c.id.size() != 18) {
                ++stats.unlinked;
                continue;
            }
            id = platformIdFor(c.id);
        }
        byPlatformId.insert(id, c); // changes come ordered by SystemModstamp: last one wins
    }
    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    // A person forgotten by an erasure stays forgotten, whatever Salesforce still holds.
    QStringList ids, emails;
    for (auto it = byPlatformId.cbegin(); it != byPlatformId.cend(); ++it) {
        ids << it.key() << it->id;
        emails << it->fields.value(QStringLiteral("Email")).toString();
    }
    auto erased = ErasureStore(m_store.database()).lookup(ids, emails);
    if (!erased)
        return erased.error();
    for (auto it = byPlatformId.begin(); !erased->isEmpty() && it != byPlatformId.end();) {
        if (erased->names({it.key(), it->id},
                          it->fields.value(QStringLiteral("Email")).toString())) {
            ++stats.erased;
            it = byPlatformId.erase(it);
        } else {
            ++it;
        }
    }
    // Locked (PostgreSQL): a process taking in a platform edit of these leads meanwhile would
    // otherwise have it overwritten by what was read here before it (the SIGSTOP run's
    // L-002710).
    auto mirror = m_store.leads().byKeys(byPlatformId.keys(), true);
    if (!mirror)
        return mirror.error();
    // Our writes whose answer was not recorded (SentWrites): read back, they are echoes.
    QStringList mirroredKeys;
    for (auto it = mirror->cbegin(); it != mirror->cend(); ++it)
        mirroredKeys.append(QStringLiteral("lead:") + it.key());
    auto sent = SentWrites(m_store.database()).unrecorded(jobs::SalesforceLeadUpsert, mirroredKeys);
    if (!sent)
        return sent.error();
    QList<MirrorRecord> updates;
    QList<NewJob> jobs;
    QList<AuditLog::Item> audit;
    for (auto it = byPlatformId.begin(); it != byPlatformId.end(); ++it) {
        const SalesforceRecordChange &c = it.value();
        const bool known = mirror->contains(it.key());
        MirrorRecord record = mirror->value(it.key());
        record.platformId = it.key();
        const QString knownId = record.salesforceId;
        const bool knewSalesforceId = !knownId.isEmpty();
        record.salesforceId = c.id;
        const qint64 modstamp = c.modstamp;
        if (c.deleted) {
            // Deleted (or merged away) in Salesforce. A lead never synced has nothing to
            // delete on the platform; a tombstone already there stays as it is.
            if (!known || record.isDeleted()) {
                ++stats.echoes;
                continue;
            }
            observeDeletion(record, QStringLiteral("salesforce"), modstamp);
            record.salesforceModstamp = std::max(record.salesforceModstamp, modstamp);
            record.lastSource = QStringLiteral("salesforce");
            const QString &master = c.masterRecordId;
            QJsonObject detail {{QStringLiteral("salesforce_id"), record.salesforceId},
                                {QStringLiteral("via"), c.origin}};
            if (!master.isEmpty()) {
                record.mergedInto = master;
                detail.insert(QStringLiteral("merged_into"), master);
                detail.insert(QStringLiteral("note"),
                              QString(QStringLiteral("merged into ") + master));
            }
            audit.append({record.platformId,
                          master.isEmpty() ? QStringLiteral("deleted_in_salesforce")
                                           : QStringLiteral("merged"),
                          detail});
            if (record.existsOnPlatform()) {
                record.syncState = QStringLiteral("pending");
                jobs.append(platformJob(jobs::PlatformLeadDelete,
                                        QStringLiteral("lead:") + record.platformId,
                                        record.platformId, QByteArray::number(record.deletedAt)));
            }
            m_events.leadDeleted(record, jobs);
            ++stats.deleted;
            updates.append(record);
            continue;
        }
        // Deleted in Salesforce, and live again under another Id: not an undelete (that keeps
        // the Id) but a record an upsert of the key created after the deletion, racing it. The
        // lead stays deleted; that record is deleted too (recreatedRecordDeletion).
        if (record.isDeleted() && record.deletedOn == QLatin1String("salesforce")
            && knewSalesforceId && knownId != c.id) {
            jobs.append(recreatedRecordDeletion(record.platformId, c.id));
            audit.append({record.platformId,
                          QStringLiteral("recreated_in_salesforce"),
                          {{QStringLiteral("salesforce_id"), c.id},
                           {QStringLiteral("deleted_id"), knownId},
                           {QStringLiteral("via"), c.origin},
                           {QStringLiteral("note"), QStringLiteral("deleted again")}}});
            ++stats.echoes;
            continue;
        }
        // Read before a newer state of the record was taken in (a poll page read before the
        // process froze and taken in after it woke, a page or a check answered after the
        // stream's read of a newer edit): SystemModstamp only grows, so these are not
        // Salesforce's values any more. Taken, they would undo the newer change in the mirror,
        // send the old values to the platform over the edit, and no later read would bring the
        // change back (the polls' positions and the stream are past it). Equal stamps are read:
        // SystemModstamp has whole seconds in Salesforce, so two changes may share one. A
        // tombstone's reads go on below (a deletion's first sight of its Salesforce id).
        if (known && !record.isDeleted() && modstamp > 0 && modstamp < record.salesforceModstamp) {
            ++stats.stale;
            continue;
        }
        // Undeleted in Salesforce: live again with a newer modstamp than the tombstone's. A
        // replayed event or a late page of the lead before its deletion is older, and stays a
        // tombstone's observation.
        const bool undeleted = record.isDeleted() && record.deletedOn == QLatin1String("salesforce")
            && modstamp > record.salesforceModstamp;
        QJsonObject state = SalesforceState::fromRecord(c.fields, m);
        if (state.value(m.salesforceKey).toString().isEmpty()) {
            state.insert(m.salesforceKey, record.platformId);
            jobs.append(linkJob(record));
            ++stats.idsAssigned;
        }
        const QByteArray before = record.salesforceHash;
        const qint64 modstampBefore = record.salesforceModstamp;
        const QJsonObject stateBefore = record.salesforceState;
        const bool ownFirstWrite = !undeleted && isOwnFirstWrite(record, state);
        observeSalesforce(record, state, modstamp);
        const QByteArray hash = record.salesforceHash;
        if (undeleted && observeRestore(record, QStringLiteral("salesforce"))) {
            record.lastSource = QStringLiteral("salesforce");
            audit.append({record.platformId,
                          QStringLiteral("undeleted_in_salesforce"),
                          {{QStringLiteral("salesforce_id"), record.salesforceId},
                           {QStringLiteral("via"), c.origin}}});
            // What the inbox asked for (a restore on the platform refused while the lead was
            // deleted in Salesforce) is done.
            if (auto r = m_store.inbox().resolveRecord(
                    jobs::PlatformLeadRestoreRefused, QStringLiteral("lead:") + record.platformId,
                    QStringLiteral("undeleted in Salesforce"), m_actor);
                !r)
                return r.error();
            if (record.existsOnPlatform()) {
                record.syncState = QStringLiteral("pending");
                jobs.append(platformJob(jobs::PlatformLeadRestore,
                                        QStringLiteral("lead:") + record.platformId,
                                        record.platformId, QByteArray::number(modstamp)));
                ++stats.restored;
                updates.append(record);
                continue;
            }
        }
        // Deleted on the platform before LeadBridge knew its Salesforce id (its first write's
        // answer was lost, or told nothing of it): that write landed, so the deletion goes to
        // Salesforce now (keyed on the deletion: queued once, whoever learns the id first).
        if (record.isDeleted() && !knewSalesforceId && !m_platformDelete.isEmpty()) {
            if (auto close = salesforceDeletionJob(record, m_platformDelete, m))
                jobs.append(*close);
        }
        // Exactly what a write of ours whose answer was not recorded left there (the answer
        // lost to a kill, a bulk row collected after a restart to be written again): an echo
        // too, though the mirror does not hold it yet.
        const bool unrecordedWrite = hash != before
            && sent->value(QStringLiteral("lead:") + record.platformId).contains(hash);
        if (hash == before || unrecordedWrite || ownFirstWrite) {
            // Nothing Salesforce holds changed (our own write read back by a poll, or before a
            // resend): its SystemModstamp is our write's, not a Salesforce change's, so it does
            // not make Salesforce's values the latest. A platform edit taken in while that write
            // was on the wire (a bulk job runs for a while) is still written after it.
            if (!undeleted)
                record.salesforceModstamp = modstampBefore;
            ++stats.echoes;
            updates.append(record);
            continue;
        }
        if (record.isDeleted()) {
            // A tombstone (our own close, or a change to a lead deleted on the platform): kept
            // as observed, never written back to the platform.
            updates.append(record);
            continue;
        }
        record.lastSource = QStringLiteral("salesforce");
        m_events.leadChanged(stateBefore, record, m_store.clock().nowMs(), jobs);
        auto plan = m_leads.planPlatformWrite(record);
        if (!plan) {
            record.syncState = QStringLiteral("error");
            record.lastError = plan.error().toString();
        } else if (plan->has_value()) {
            record.syncState = QStringLiteral("pending");
            jobs.append(platformJob(jobs::PlatformLeadPut,
                                    QStringLiteral("lead:") + record.platformId, record.platformId,
                                    hash));
        } else {
            record.syncState = QStringLiteral("synced");
        }
        updates.append(record);
    }
    if (auto r = m_store.leads().put(updates); !r)
        return r.error();
    if (!audit.isEmpty()) {
        if (auto r = m_store.audit().appendMany(QStringLiteral("lead"), m_actor, audit); !r)
            return r.error();
    }
    if (!jobs.isEmpty()) {
        auto enqueued = m_store.outbox().enqueue(jobs, m_actor);
        if (!enqueued)
            return enqueued.error();
        stats.enqueued = enqueued->inserted;
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    return stats;
}

Result<SalesforceChangeProcessor::Stats>
SalesforceChangeProcessor::processAgents(const QList<SalesforceRecordChange> &changes)
{
    Stats stats;
    stats.records = int(changes.size());
    const ObjectMapping &m = m_agents.mapping();
    QHash<QString, SalesforceRecordChange> bySalesforceId;
    for (const SalesforceRecordChange &c : changes)
        bySalesforceId.insert(c.id, c);
    bySalesforceId.remove(QString());
    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    auto mirror = m_store.agents().byKeys(bySalesforceId.keys());
    if (!mirror)
        return mirror.error();
    QList<MirrorRecord> updates;
    QList<NewJob> jobs;
    for (auto it = bySalesforceId.begin(); it != bySalesforceId.end(); ++it) {
        const SalesforceRecordChange &c = it.value();
        const bool known = mirror->contains(it.key());
        MirrorRecord record = mirror->value(it.key());
        record.salesforceId = it.key();
        const qint64 modstamp = c.modstamp;
        QJsonObject state = SalesforceState::fromRecord(c.fields, m);
        QString platformId = c.fields.value(m.salesforceKey).toString();
        bool undeleted = false;
        if (c.deleted) {
            // Deleted from the roster: the agent stays on the platform, inactive, and the
            // mirror keeps a tombstone. One never synced has nothing to deactivate (and no id
            // to write back); a tombstone already there stays as it is (a replayed event).
            if (!known || record.isDeleted()) {
                ++stats.echoes;
                continue;
            }
            observeDeletion(record, QStringLiteral("salesforce"), modstamp);
            if (const FieldRule *active = m.byPlatform(QStringLiteral("active")))
                state.insert(active->salesforce, false);
            if (platformId.isEmpty())
                platformId = record.platformId;
            if (platformId.isEmpty()) {
                updates.append(record); // never on the platform: nothing to deactivate there
                continue;
            }
        } else if (record.isDeleted()) {
            // Live again: undeleted in Salesforce if newer than the tombstone. A late poll page
            // or a replayed event from before the deletion is older and changes nothing.
            if (modstamp <= record.salesforceModstamp) {
                ++stats.echoes;
                continue;
            }
            undeleted = observeRestore(record, QStringLiteral("salesforce"));
        }
        if (platformId.isEmpty()) {
            // The roster record has no platform id yet: give it one and write it back.
            platformId = record.platformId.isEmpty() ? QStringLiteral("A-") + record.salesforceId
                                                     : record.platformId;
            NewJob writeBack;
            writeBack.kind = jobs::SalesforcePeopleUpdate;
            writeBack.target = JobTarget::Salesforce;
            writeBack.recordKey = QStringLiteral("agent:") + record.salesforceId;
            writeBack.idempotencyKey
                = jobs::idempotencyKey(writeBack.kind, writeBack.recordKey, platformId);
            writeBack.payload
                = QJsonDocument(QJsonObject {{QStringLiteral("salesforce_id"), record.salesforceId},
                                             {QStringLiteral("platform_id"), platformId}})
                      .toJson(QJsonDocument::Compact);
            writeBack.supersedesPending = true;
            jobs.append(writeBack);
            ++stats.idsAssigned;
            state.insert(m.salesforceKey, platformId);
        }
        record.platformId = platformId;
        const QByteArray before = record.salesforceHash;
        observeSalesforce(record, state, modstamp);
        const QByteArray hash = record.salesforceHash;
        if (hash == before && !undeleted) {
            ++stats.echoes;
            updates.append(record);
            continue;
        }
        m_events.agentChanged(record, m_store.clock().nowMs(), jobs);
        auto plan = m_agents.planPlatformWrite(record);
        if (!plan) {
            record.syncState = QStringLiteral("error");
            record.lastError = plan.error().toString();
        } else if (plan->has_value()) {
            record.syncState = QStringLiteral("pending");
            // Keyed on the content and its SystemModstamp: an agent deactivated and then
            // active again (undeleted, Active__c back on) returns to content it had before.
            jobs.append(platformJob(agentWriteKind(record, (*plan)->record),
                                    QStringLiteral("agent:") + record.salesforceId, platformId,
                                    hash + '@' + QByteArray::number(modstamp)));
        } else {
            record.syncState = QStringLiteral("synced");
        }
        updates.append(record);
    }
    if (auto r = m_store.agents().put(updates); !r)
        return r.error();
    if (!jobs.isEmpty()) {
        auto enqueued = m_store.outbox().enqueue(jobs, m_actor);
        if (!enqueued)
            return enqueued.error();
        stats.enqueued = enqueued->inserted;
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    return stats;
}

} // namespace lb
