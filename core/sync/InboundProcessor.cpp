#include "InboundProcessor.h"

#include "ChangeTime.h"
#include "JobKinds.h"
#include "MirrorObservation.h"
#include "PlatformDeletion.h"
#include "PlatformJob.h"
#include "PlatformLeadChange.h"
#include "SalesforceState.h"
#include "log/Logging.h"
#include "store/ErasureStore.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace lb {

InboundProcessor::InboundProcessor(Store &store, const SyncPlanner &planner, QString actor,
                                   QString platformDelete)
    : m_store(store)
    , m_planner(planner)
    , m_actor(std::move(actor))
    , m_platformDelete(std::move(platformDelete))
{ }

// Who each lead of a batch names (its ids and addresses, over all its events) and which events
// carried it: what the erasure tombstones are checked against.
struct InboundProcessor::Arrivals
{
    QStringList ids;
    QStringList emails;
    QHash<QString, QStringList> namesOf; // platform id -> its Salesforce ids and addresses
    QMultiHash<QString, qint64> eventsOf;

    void note(const QString &id, qint64 eventId, const QJsonObject &lead)
    {
        eventsOf.insert(id, eventId);
        ids.append(id);
        const QString sfId = lead.value(QStringLiteral("salesforce_id")).toString();
        const QString email = lead.value(QStringLiteral("email")).toString();
        if (!sfId.isEmpty())
            ids.append(sfId);
        if (!email.isEmpty())
            emails.append(email);
        namesOf[id] << sfId << email;
    }
};

// A lead of a person forgotten by an erasure is not taken, whatever brought it (a replayed
// webhook, a poll page, an import): its events lose their bodies and the batch goes on without it.
Result<void> InboundProcessor::dropErased(QHash<QString, PlatformLeadChange> &newest,
                                          const Arrivals &arrivals, QList<qint64> &processed,
                                          Stats &stats)
{
    ErasureStore erasures(m_store.database());
    auto erased = erasures.lookup(arrivals.ids, arrivals.emails);
    if (!erased)
        return erased.error();
    if (erased->isEmpty())
        return {};
    QList<qint64> scrub;
    for (auto it = newest.begin(); it != newest.end();) {
        const QStringList names = arrivals.namesOf.value(it.key());
        bool gone = erased->names({it.key()}, QString());
        for (qsizetype i = 0; !gone && i + 1 < names.size(); i += 2)
            gone = erased->names({names.at(i)}, names.at(i + 1));
        if (!gone) {
            ++it;
            continue;
        }
        scrub += arrivals.eventsOf.values(it.key());
        ++stats.erased;
        it = newest.erase(it);
    }
    for (const qint64 id : std::as_const(scrub))
        processed.removeOne(id);
    return erasures.scrubEvents(scrub, m_store.clock().nowMs());
}

// A platform change (a restore, an edit) to a lead Salesforce holds deleted: recorded in the
// audit log, and one inbox item per deletion that says how the lead comes back.
Result<void> InboundProcessor::refuseRestore(const MirrorRecord &record)
{
    const QString note = QStringLiteral(
        "deleted in Salesforce: the platform's lead is deleted again; undelete the lead from "
        "Salesforce's Recycle Bin to bring it back on both sides");
    if (auto r = m_store.audit().append(QStringLiteral("lead"), record.platformId,
                                        QStringLiteral("restore_refused"), m_actor,
                                        {{QStringLiteral("salesforce_id"), record.salesforceId},
                                         {QStringLiteral("note"), note}});
        !r)
        return r.error();
    NewJob item;
    item.kind = jobs::PlatformLeadRestoreRefused;
    item.target = JobTarget::Platform;
    item.recordKey = QStringLiteral("lead:") + record.platformId;
    item.idempotencyKey
        = jobs::idempotencyKey(item.kind, item.recordKey, QString::number(record.deletedAt));
    item.payload
        = QJsonDocument(QJsonObject {{QStringLiteral("platform_id"), record.platformId},
                                     {QStringLiteral("salesforce_id"), record.salesforceId}})
              .toJson(QJsonDocument::Compact);
    if (auto r = m_store.outbox().park(item, ErrorClass::Validation,
                                       QStringLiteral("deleted_in_salesforce"), note, m_actor);
        !r)
        return r.error();
    return {};
}

void InboundProcessor::fanOut(const QString &type, const QString &platformId,
                              const PlatformLeadChange &change, QList<NewJob> &jobs) const
{
    if (!m_fanout || m_fanout->isEmpty())
        return;
    LeadEventRecord event;
    event.type = type;
    event.recordKey = QStringLiteral("lead:") + platformId;
    // One change of one lead is one event, whichever batch or replay takes it in.
    event.eventId = LeadEventRecord::makeEventId(event.recordKey, type,
                                                 QString::number(change.version) + u'@'
                                                     + QString::number(change.updatedAt));
    event.occurredAt = change.updatedAt;
    event.data = change.lead;
    jobs.append(m_fanout->jobsFor(event));
}

Result<InboundProcessor::Stats> InboundProcessor::processPending(int limit)
{
    Stats stats;
    auto events = m_store.events().pending(limit);
    if (!events)
        return events.error();
    if (events->isEmpty())
        return stats;
    stats.events = int(events->size());

    // Newest change per lead; everything else in the batch is superseded by it.
    QHash<QString, PlatformLeadChange> newest;
    Arrivals arrivals;
    QList<qint64> processed;
    QList<QPair<qint64, QString>> rejected;
    for (const InboundEvent &event : *events) {
        processed.append(event.id);
        auto change = PlatformLeadChange::fromEvent(event);
        if (!change) {
            rejected.append({event.id, change.error().message});
            continue;
        }
        const QString id = m_planner.mapper().platformKey(change->lead);
        if (id.isEmpty()) {
            rejected.append({event.id, QStringLiteral("event without a lead id")});
            continue;
        }
        arrivals.note(id, event.id, change->lead);
        // A deletion competes with the lead's other changes by (updated_at, version) like any
        // change, so a late page with an older version of the lead cannot undo it.
        auto it = newest.find(id);
        if (it == newest.end())
            newest.insert(id, *change);
        else if (change->isNewerThan(*it))
            *it = *change;
    }

    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    if (auto r = dropErased(newest, arrivals, processed, stats); !r)
        return r.error();
    // Locked (PostgreSQL): the stream or a landing taking in a change of these leads meanwhile
    // waits for this transaction, or this one for it; neither overwrites the other.
    auto mirror = m_store.leads().byKeys(newest.keys(), true);
    if (!mirror)
        return mirror.error();

    QList<MirrorRecord> updates;
    QList<NewJob> jobs;
    QList<AuditLog::Item> notSent;
    QList<MirrorRecord> refused; // live on the platform, deleted in Salesforce
    for (auto it = newest.begin(); it != newest.end(); ++it) {
        const PlatformLeadChange &c = it.value();
        MirrorRecord record = mirror->value(it.key());
        record.platformId = it.key();
        const bool known = mirror->contains(it.key());
        // Versions only grow on the platform. The mirror may know a version without its
        // updated_at (the one our own write stored): an event of an older version is stale even
        // if stamped later than what the mirror last read (our earlier write's late webhook).
        if (known && record.existsOnPlatform()
            && (c.updatedAt < record.platformUpdatedAt
                || (c.updatedAt == record.platformUpdatedAt && c.version <= record.platformVersion)
                || (c.version > 0 && c.version < record.platformVersion))) {
            ++stats.stale;
            continue;
        }
        if (c.deletion) {
            // The tombstone's version is the platform's newest; the last content stays.
            const bool already = record.isDeleted();
            observeDeletion(
                record, QStringLiteral("platform"),
                parseTimestampMs(c.lead.value(QStringLiteral("deleted_at")).toString()));
            record.platformUpdatedAt = c.updatedAt;
            record.platformVersion = c.version;
            record.lastSource = QStringLiteral("platform");
            ++(already ? stats.echoes : stats.deleted);
            if (!already)
                fanOut(LeadEvent::Deleted, record.platformId, c, jobs);
            if (!already) {
                if (auto close
                    = salesforceDeletionJob(record, m_platformDelete, m_planner.mapping()))
                    jobs.append(*close);
            }
            updates.append(record);
            continue;
        }
        // Restored on the platform (where it was deleted): the content may equal what the
        // mirror kept, but Salesforce's changes to the tombstone (our close, a user's edit) were
        // kept and not sent, so both sides are planned again below.
        const bool restored = record.isDeleted();
        if (restored && !observeRestore(record, QStringLiteral("platform"))) {
            // Deleted in Salesforce: a platform change does not bring it back there, and
            // Salesforce decides whether a lead exists, so the platform's lead is deleted again
            // (once per change). The inbox says how to bring it back, once per deletion.
            ++stats.tombstoned;
            record.platformUpdatedAt = c.updatedAt;
            record.platformVersion = c.version;
            record.syncState = QStringLiteral("pending");
            jobs.append(platformJob(jobs::PlatformLeadDelete,
                                    QStringLiteral("lead:") + record.platformId, record.platformId,
                                    QByteArray::number(record.deletedAt) + '@'
                                        + QByteArray::number(c.version)));
            refused.append(record);
            updates.append(record);
            continue;
        }
        const QByteArray before = record.platformHash;
        const QJsonObject stateBefore = record.platformState;
        observePlatform(record, m_planner.platformView(c.lead), c.updatedAt, c.version);
        const QByteArray hash = record.platformHash;
        bool platformPending = false;
        if (restored)
            ++stats.restored;
        if (restored && record.existsInSalesforce()) {
            // Salesforce decides status and eligibility: the restored lead takes what it holds
            // there (a lead closed for the deletion stays closed until someone reopens it).
            auto toPlatform = m_planner.planPlatformWrite(record);
            if (toPlatform && toPlatform->has_value()) {
                jobs.append(platformJob(jobs::PlatformLeadPut,
                                        QStringLiteral("lead:") + record.platformId,
                                        record.platformId, (*toPlatform)->newHash));
                platformPending = true;
            }
        }
        if (known && hash == before && !restored) {
            ++stats.echoes; // our own write coming back, or a redelivery
            updates.append(record);
            continue;
        }
        record.lastSource = QStringLiteral("platform");
        fanOut(DestinationFanout::leadEventType(known && !restored, false, stateBefore,
                                                record.platformState),
               record.platformId, c, jobs);

        auto plan = m_planner.planSalesforceWrite(record);
        NewJob job;
        job.kind = jobs::SalesforceLeadUpsert;
        job.target = JobTarget::Salesforce;
        job.recordKey = QStringLiteral("lead:") + record.platformId;
        job.idempotencyKey
            = jobs::idempotencyKey(job.kind, job.recordKey, QString::fromLatin1(hash));
        job.payload = QJsonDocument(QJsonObject {{QStringLiteral("platform_id"), record.platformId},
                                                 {QStringLiteral("version"), c.version}})
                          .toJson(QJsonDocument::Compact);
        job.supersedesPending = true;
        if (!plan) {
            ++stats.invalid;
            record.syncState = QStringLiteral("error");
            record.lastError = plan.error().toString();
            // The inbox item shows the record as the platform sent it, beside the ids the
            // delivery reads (an admin's retry re-reads the platform record by its id).
            QJsonObject parkedPayload = QJsonDocument::fromJson(job.payload).object();
            parkedPayload.insert(QStringLiteral("record"), c.lead);
            job.payload = QJsonDocument(parkedPayload).toJson(QJsonDocument::Compact);
            if (auto parked = m_store.outbox().park(job, ErrorClass::Validation, plan.error().code,
                                                    plan.error().message, m_actor);
                !parked)
                return parked.error();
        } else if (plan->has_value()) {
            record.syncState = QStringLiteral("pending");
            record.lastError.clear();
            jobs.append(job);
        } else {
            record.syncState
                = platformPending ? QStringLiteral("pending") : QStringLiteral("synced");
            if (SalesforceState::isConverted(record.salesforceState))
                notSent.append({record.platformId,
                                QStringLiteral("not_sent_converted"),
                                {{QStringLiteral("salesforce_id"), record.salesforceId},
                                 {QStringLiteral("note"),
                                  QStringLiteral("converted in Salesforce: read-only")}}});
        }
        updates.append(record);
    }
    if (!notSent.isEmpty()) {
        // A platform change to a lead converted in Salesforce: recorded, never sent there.
        if (auto r = m_store.audit().appendMany(QStringLiteral("lead"), m_actor, notSent); !r)
            return r.error();
    }
    for (const MirrorRecord &record : std::as_const(refused)) {
        if (auto r = refuseRestore(record); !r)
            return r.error();
    }
    if (auto r = m_store.leads().put(updates); !r)
        return r.error();
    if (!jobs.isEmpty()) {
        auto enqueued = m_store.outbox().enqueue(jobs, m_actor);
        if (!enqueued)
            return enqueued.error();
        stats.enqueued = enqueued->inserted;
    }
    for (const auto &[id, why] : rejected) {
        if (auto r = m_store.events().markRejected(id, why); !r)
            return r.error();
    }
    stats.rejected = int(rejected.size());
    for (const auto &entry : rejected)
        processed.removeOne(entry.first);
    if (auto r = m_store.events().markProcessed(processed); !r)
        return r.error();
    if (auto c = tx.commit(); !c)
        return c.error();
    qCDebug(lcSync) << "inbound:" << stats.events << "events," << stats.enqueued << "jobs,"
                    << stats.echoes << "echoes," << stats.stale << "stale," << stats.invalid
                    << "invalid," << stats.deleted << "deleted," << stats.restored << "restored,"
                    << stats.tombstoned << "tombstoned," << stats.erased << "erased";
    return stats;
}

} // namespace lb
