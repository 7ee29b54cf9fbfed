#include "Reconciler.h"

#include "ChangeTime.h"
#include "JobKinds.h"
#include "MirrorObservation.h"
#include "PlatformJob.h"
#include "Pollers.h"
#include "SalesforceState.h"
#include "log/Logging.h"
#include "store/ErasureStore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lb {

struct Reconciler::Snapshot
{
    ReconcileReport report;
    std::function<void(Result<ReconcileReport>)> done;
    QHash<QString, QJsonObject> platformLeads; // by platform id
    QHash<QString, QJsonObject> platformAgents; // by platform id
    QHash<QString, QJsonObject> salesforceLeads; // by Platform_Lead_Id__c
    QHash<QString, QJsonObject> salesforcePeople; // by Id
};

Reconciler::Reconciler(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
                       const SyncPlanner &leads, const SyncPlanner &agents, const Clock &clock,
                       QString actor, int bulkThreshold, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_salesforce(salesforce)
    , m_platform(platform)
    , m_leads(leads)
    , m_agents(agents)
    , m_clock(clock)
    , m_actor(std::move(actor))
    , m_bulkThreshold(bulkThreshold)
    , m_events(leads, agents)
{ }

void Reconciler::run(const QString &trigger, std::function<void(Result<ReconcileReport>)> done)
{
    if (m_running) {
        done(makeError(QStringLiteral("busy"),
                       QStringLiteral("A reconciliation is already running.")));
        return;
    }
    m_running = true;
    auto s = std::make_shared<Snapshot>();
    s->report.startedAt = m_clock.nowMs();
    s->report.trigger = trigger;
    s->done = std::move(done);
    readPlatformLeads(s, QString());
}

void Reconciler::fail(std::shared_ptr<Snapshot> s, const Error &error)
{
    m_running = false;
    s->report.finishedAt = m_clock.nowMs();
    s->report.error = error.toString();
    qCWarning(lcSync) << "reconcile failed:" << error.toString();
    if (auto saved = m_store.reconciles().save(s->report); !saved)
        qCWarning(lcSync) << "could not store the failed reconcile's report:"
                          << saved.error().toString();
    s->done(error);
}

void Reconciler::readPlatformLeads(std::shared_ptr<Snapshot> s, const QString &cursor)
{
    m_platform.listLeads(0, cursor, 500, this, [this, s](Result<RecordPage> page) {
        if (!page)
            return fail(s, page.error());
        for (const QJsonObject &lead : page->records)
            s->platformLeads.insert(lead.value(QStringLiteral("id")).toString(), lead);
        if (!page->next.isEmpty())
            return readPlatformLeads(s, page->next);
        readPlatformAgents(s, QString());
    });
}

void Reconciler::readPlatformAgents(std::shared_ptr<Snapshot> s, const QString &cursor)
{
    m_platform.listAgents(cursor, 500, this, [this, s](Result<RecordPage> page) {
        if (!page)
            return fail(s, page.error());
        for (const QJsonObject &agent : page->records)
            s->platformAgents.insert(agent.value(QStringLiteral("id")).toString(), agent);
        if (!page->next.isEmpty())
            return readPlatformAgents(s, page->next);
        m_salesforce.query(SalesforcePoller::soqlFor(m_agents.mapping(), false, 0), this,
                           [this, s](Result<RecordPage> p) { readSalesforce(s, false, p); });
    });
}

void Reconciler::readSalesforce(std::shared_ptr<Snapshot> s, bool leads,
                                const Result<RecordPage> &page)
{
    if (!page)
        return fail(s, page.error());
    for (const QJsonObject &r : page->records) {
        if (leads)
            takeSalesforceLead(*s, r);
        else
            s->salesforcePeople.insert(r.value(QStringLiteral("Id")).toString(), r);
    }
    if (!page->next.isEmpty()) {
        m_salesforce.queryMore(page->next, this, [this, s, leads](Result<RecordPage> p) {
            readSalesforce(s, leads, p);
        });
        return;
    }
    if (!leads)
        return readSalesforceLeads(s);
    compare(s);
}

void Reconciler::readSalesforceLeads(std::shared_ptr<Snapshot> s)
{
    auto known = m_store.leads().count();
    if (!known)
        return fail(s, known.error());
    const ObjectMapping &mapping = m_leads.mapping();
    if (*known <= m_bulkThreshold) {
        m_salesforce.query(SalesforcePoller::soqlFor(mapping, true, 0), this,
                           [this, s](Result<RecordPage> p) { readSalesforce(s, true, p); });
        return;
    }
    // With the Recycle Bin: a deleted lead is read as deleted, not just missed.
    m_salesforce.bulkQuery(
        mapping.salesforceObject, SalesforcePoller::soqlFor(mapping, true, 0), true, this,
        [this, s](const QList<QJsonObject> &page) -> Result<void> {
            for (const QJsonObject &r : page)
                takeSalesforceLead(*s, r);
            return {};
        },
        [this, s](Result<qint64> read) {
            if (!read)
                return fail(s, read.error());
            qCInfo(lcSync) << "reconcile: read" << *read << "Salesforce leads through Bulk API 2.0";
            compare(s);
        });
}

// A lead in the Recycle Bin is not in Salesforce: the comparison treats it as gone there (a
// live lead with the same key, created again, wins).
void Reconciler::takeSalesforceLead(Snapshot &s, const QJsonObject &record)
{
    if (record.value(QStringLiteral("IsDeleted")).toBool())
        return;
    s.salesforceLeads.insert(record.value(m_leads.mapping().salesforceKey).toString(), record);
}

// The comparison and its repairs are one unit on the store. On PostgreSQL that unit can lose a
// deadlock or a serialization race to a process delivering the same records (40P01, 40001,
// "store_busy"): it is rolled back whole and run again from the same snapshot of the sides.
void Reconciler::compare(std::shared_ptr<Snapshot> s)
{
    constexpr int Attempts = 3;
    Result<void> repaired;
    for (int attempt = 1; attempt <= Attempts; ++attempt) {
        repaired = compareAndRepair(*s);
        if (repaired || repaired.error().code != QLatin1String("store_busy"))
            break;
        qCInfo(lcSync).noquote() << "reconcile: the store was busy (" << repaired.error().message
                                 << "), repairing again, attempt" << attempt + 1;
    }
    // Reported only now, with the unit's transaction rolled back: a failed report written
    // inside it would be refused with it.
    if (!repaired) {
        // The rolled-back unit queued nothing, whatever it had counted.
        s->report.id = 0;
        s->report.enqueued = 0;
        s->report.queued = {};
        return fail(s, repaired.error());
    }
    const ReconcileReport &report = s->report;
    m_running = false;
    qCInfo(lcSync) << "reconcile:" << report.leadsCompared << "leads," << report.agentsCompared
                   << "agents," << report.missingInSalesforce << "missing in Salesforce,"
                   << report.missingOnPlatform << "missing on the platform," << report.differing
                   << "differing," << report.deleted << "deleted," << report.extra << "extra,"
                   << report.enqueued << "writes queued";
    s->done(report);
}

Result<void> Reconciler::compareAndRepair(Snapshot &s)
{
    // A repeated attempt counts afresh.
    ReconcileReport &report = s.report;
    {
        ReconcileReport fresh;
        fresh.startedAt = report.startedAt;
        fresh.trigger = report.trigger;
        report = fresh;
    }
    auto sample = [&report](const QString &kind, const QString &key, const QString &detail) {
        if (report.samples.size() < 25)
            report.samples.append(QJsonObject {{QStringLiteral("kind"), kind},
                                               {QStringLiteral("key"), key},
                                               {QStringLiteral("detail"), detail}});
    };
    QList<NewJob> jobs;
    auto jobFor = [](const QString &kind, const QString &target, const QString &recordKey,
                     const QJsonObject &payload, const QByteArray &hash) {
        NewJob j;
        j.kind = kind;
        j.target = target;
        j.recordKey = recordKey;
        // Marked as the reconcile's, so a repair is queued even where an equal write was
        // decided (and done) before.
        j.idempotencyKey = jobs::idempotencyKey(
            kind, recordKey, QString::fromLatin1(hash) + QStringLiteral("@reconcile"));
        j.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
        j.supersedesPending = true;
        return j;
    };

    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started();
    // Leads: every key known on either side.
    QSet<QString> keys;
    for (auto it = s.platformLeads.cbegin(); it != s.platformLeads.cend(); ++it)
        keys.insert(it.key());
    for (auto it = s.salesforceLeads.cbegin(); it != s.salesforceLeads.cend(); ++it)
        keys.insert(it.key());
    keys.remove(QString());
    {
        // A person forgotten by an erasure is neither compared nor repaired on either side: the
        // copies LeadBridge held are gone, and the sides' own copies are not its to restore.
        QStringList ids, emails;
        for (const QString &key : std::as_const(keys)) {
            const QJsonObject sf = s.salesforceLeads.value(key);
            ids << key << sf.value(QStringLiteral("Id")).toString();
            emails << s.platformLeads.value(key).value(QStringLiteral("email")).toString()
                   << sf.value(QStringLiteral("Email")).toString();
        }
        auto erased = ErasureStore(m_store.database()).lookup(ids, emails);
        if (!erased)
            return erased.error();
        for (auto it = keys.begin(); !erased->isEmpty() && it != keys.end();) {
            const QJsonObject sf = s.salesforceLeads.value(*it);
            const bool gone = erased->names({*it, sf.value(QStringLiteral("Id")).toString()},
                                            sf.value(QStringLiteral("Email")).toString())
                || erased->names(
                    {}, s.platformLeads.value(*it).value(QStringLiteral("email")).toString());
            it = gone ? keys.erase(it) : std::next(it);
        }
    }
    // Locked (PostgreSQL), as the intake and the stream read them: neither overwrites the other.
    auto mirror = m_store.leads().byKeys(QStringList(keys.cbegin(), keys.cend()), true);
    if (!mirror)
        return mirror.error();
    QList<MirrorRecord> updates;
    for (const QString &key : keys) {
        ++report.leadsCompared;
        MirrorRecord record = mirror->value(key);
        record.platformId = key;
        const bool onPlatform = s.platformLeads.contains(key);
        const bool inSalesforce = s.salesforceLeads.contains(key);
        // A lead the mirror saw on a side that no longer lists it was deleted there (a
        // platform listing without its tombstones, a Salesforce query without the recycle
        // bin): it becomes a tombstone, never a lead to create again on that side.
        // Only what the mirror knew before the sides were read: a lead delivered while the
        // reconcile was reading may be missing from a listing read before it landed.
        const bool knownBefore = record.lastSyncedAt <= report.startedAt;
        if (!record.isDeleted() && mirror->contains(key) && knownBefore) {
            if (record.existsInSalesforce() && !record.salesforceId.isEmpty() && !inSalesforce)
                observeDeletion(record, QStringLiteral("salesforce"), m_clock.nowMs());
            else if (record.existsOnPlatform() && !onPlatform
                     && record.platformUpdatedAt <= report.startedAt)
                observeDeletion(record, QStringLiteral("platform"), m_clock.nowMs());
            if (record.isDeleted()) {
                ++report.deleted;
                sample(QStringLiteral("deleted"), key,
                       QStringLiteral("deleted in %1 since last seen").arg(record.deletedOn));
                // Salesforce decides whether a lead exists: the platform deletes it too.
                if (record.deletedOn == QLatin1String("salesforce") && onPlatform)
                    jobs.append(jobFor(jobs::PlatformLeadDelete, JobTarget::Platform,
                                       QStringLiteral("lead:") + key,
                                       {{QStringLiteral("platform_id"), key}},
                                       QByteArray::number(record.deletedAt)));
                if (record.deletedOn == QLatin1String("salesforce"))
                    m_events.leadDeleted(record, jobs);
                updates.append(record);
                continue;
            }
        }
        if (record.isDeleted()) {
            // Only a restore or undelete at the source brings a tombstone back, and that
            // arrives as a change, not through the reconcile. A lead deleted in Salesforce
            // that the platform still lists is extra there: it is deleted again.
            if (record.deletedOn == QLatin1String("salesforce") && onPlatform && knownBefore) {
                ++report.extra;
                sample(QStringLiteral("extra_on_platform"), key,
                       QStringLiteral("deleted in Salesforce, live on the platform"));
                jobs.append(jobFor(
                    jobs::PlatformLeadDelete, JobTarget::Platform, QStringLiteral("lead:") + key,
                    {{QStringLiteral("platform_id"), key}}, QByteArray::number(record.deletedAt)));
            }
            continue;
        }
        if (mirror->contains(key) && !knownBefore)
            continue; // written while this reconcile read: the next one compares it

        // What each side really holds now; a side that lacks the record forgets our hash of it.
        // A read older than what the mirror took in while the sides were read (an edit the
        // intake or the stream took in meanwhile) is not: taken, it undid that edit in the
        // mirror, and the edit's own job then sent the older values (the SIGSTOP run's
        // L-002491).
        if (onPlatform) {
            const QJsonObject lead = s.platformLeads.value(key);
            const qint64 version = lead.value(QStringLiteral("version")).toInteger();
            if (version <= 0 || version >= record.platformVersion)
                observePlatformLead(record, m_leads.platformView(lead), lead);
        } else {
            record.platformHash.clear();
            ++report.missingOnPlatform;
            sample(QStringLiteral("missing_on_platform"), key,
                   QStringLiteral("lead exists only in Salesforce"));
        }
        const QJsonObject salesforceBefore = record.salesforceState;
        if (inSalesforce) {
            const QJsonObject r = s.salesforceLeads.value(key);
            const qint64 modstamp
                = parseTimestampMs(r.value(QStringLiteral("SystemModstamp")).toString());
            record.salesforceId = r.value(QStringLiteral("Id")).toString();
            if (modstamp <= 0 || modstamp >= record.salesforceModstamp) {
                observeSalesforce(record, SalesforceState::fromRecord(r, m_leads.mapping()),
                                  modstamp);
                m_events.leadChanged(salesforceBefore, record, m_clock.nowMs(), jobs);
            }
        } else {
            record.salesforceHash.clear();
            record.salesforceState = {};
            ++report.missingInSalesforce;
            sample(QStringLiteral("missing_in_salesforce"), key,
                   QStringLiteral("lead exists only on the platform"));
        }
        auto toSalesforce = m_leads.planSalesforceWrite(record);
        auto toPlatform = m_leads.planPlatformWrite(record);
        const bool sfWrite = toSalesforce && toSalesforce->has_value();
        const bool pfWrite = toPlatform && toPlatform->has_value();
        if (onPlatform && inSalesforce && (sfWrite || pfWrite)) {
            ++report.differing;
            sample(QStringLiteral("differing"), key,
                   sfWrite ? QStringLiteral("Salesforce is behind the platform")
                           : QStringLiteral("the platform is behind Salesforce"));
        }
        if (sfWrite)
            jobs.append(jobFor(jobs::SalesforceLeadUpsert, JobTarget::Salesforce,
                               QStringLiteral("lead:") + key,
                               {{QStringLiteral("platform_id"), key}}, (*toSalesforce)->newHash));
        if (pfWrite)
            jobs.append(jobFor(jobs::PlatformLeadPut, JobTarget::Platform,
                               QStringLiteral("lead:") + key,
                               {{QStringLiteral("key"), key}, {QStringLiteral("platform_id"), key}},
                               (*toPlatform)->newHash));
        record.syncState
            = (sfWrite || pfWrite) ? QStringLiteral("pending") : QStringLiteral("synced");
        updates.append(record);
    }
    if (auto r = m_store.leads().put(updates); !r)
        return r.error();

    // Roster: Salesforce is the source of truth; compare what the platform has for each agent.
    QHash<QString, QJsonObject> agentsBySalesforceId;
    for (const QJsonObject &a : std::as_const(s.platformAgents))
        agentsBySalesforceId.insert(a.value(QStringLiteral("salesforce_id")).toString(), a);
    auto agentMirror = m_store.agents().byKeys(s.salesforcePeople.keys());
    if (!agentMirror)
        return agentMirror.error();
    QList<MirrorRecord> agentUpdates;
    for (auto it = s.salesforcePeople.cbegin(); it != s.salesforcePeople.cend(); ++it) {
        ++report.agentsCompared;
        MirrorRecord record = agentMirror->value(it.key());
        record.salesforceId = it.key();
        const QString platformId = it->value(m_agents.mapping().salesforceKey).toString();
        if (platformId.isEmpty())
            continue; // the poller assigns and writes back platform ids
        record.platformId = platformId;
        // The roster query reads no SystemModstamp: the one observed before stays.
        const QByteArray rosterBefore = record.salesforceHash;
        observeSalesforce(record, SalesforceState::fromRecord(it.value(), m_agents.mapping()), 0);
        if (!rosterBefore.isEmpty() && record.salesforceHash != rosterBefore)
            m_events.agentChanged(record, m_clock.nowMs(), jobs);
        const QJsonObject onPlatform
            = agentsBySalesforceId.value(it.key(), s.platformAgents.value(platformId));
        if (onPlatform.isEmpty()) {
            record.platformHash.clear();
            ++report.missingOnPlatform;
            sample(QStringLiteral("agent_missing_on_platform"), platformId,
                   it->value(QStringLiteral("Name")).toString());
        } else {
            QJsonObject view;
            for (const FieldRule &rule : m_agents.mapping().fields) {
                if (onPlatform.contains(rule.platform))
                    view.insert(rule.platform, onPlatform.value(rule.platform));
            }
            view.insert(m_agents.mapping().platformKey, platformId);
            record.platformState = view;
            record.platformHash = SyncPlanner::hashOf(view);
        }
        auto plan = m_agents.planPlatformWrite(record);
        if (plan && plan->has_value()) {
            if (!onPlatform.isEmpty()) {
                ++report.differing;
                sample(QStringLiteral("agent_differing"), platformId,
                       QStringLiteral("the platform is behind Salesforce"));
            }
            jobs.append(jobFor(
                agentWriteKind(record, (*plan)->record), JobTarget::Platform,
                QStringLiteral("agent:") + it.key(),
                {{QStringLiteral("key"), it.key()}, {QStringLiteral("platform_id"), platformId}},
                (*plan)->newHash));
        }
        agentUpdates.append(record);
    }
    // Active agents no People__c names: extra on the platform, deactivated there (the roster
    // decides). One whose People__c was deleted is keyed on it, as its deactivation was.
    QSet<QString> rosterIds;
    for (auto it = s.salesforcePeople.cbegin(); it != s.salesforcePeople.cend(); ++it) {
        rosterIds.insert(it.key());
        rosterIds.insert(it->value(m_agents.mapping().salesforceKey).toString());
    }
    for (auto it = s.platformAgents.cbegin(); it != s.platformAgents.cend(); ++it) {
        const QString salesforceId = it->value(QStringLiteral("salesforce_id")).toString();
        if (!it->value(QStringLiteral("active")).toBool(true) || rosterIds.contains(it.key())
            || rosterIds.contains(salesforceId))
            continue;
        ++report.extra;
        sample(QStringLiteral("agent_extra_on_platform"), it.key(),
               QStringLiteral("active on the platform, in no People__c record"));
        jobs.append(platformJob(
            jobs::PlatformAgentDeactivate,
            QStringLiteral("agent:") + (salesforceId.isEmpty() ? it.key() : salesforceId), it.key(),
            QByteArray::number(it->value(QStringLiteral("version")).toInteger())));
    }
    if (auto r = m_store.agents().put(agentUpdates); !r)
        return r.error();
    if (!jobs.isEmpty()) {
        auto enqueued = m_store.outbox().enqueue(jobs, m_actor);
        if (!enqueued)
            return enqueued.error();
        report.enqueued = enqueued->inserted;
        for (const NewJob &j : jobs)
            report.queued.insert(j.kind, report.queued.value(j.kind).toInt() + 1);
    }
    report.finishedAt = m_clock.nowMs();
    auto id = m_store.reconciles().save(report);
    if (!id)
        return id.error();
    report.id = *id;
    return tx.commit();
}

} // namespace lb
