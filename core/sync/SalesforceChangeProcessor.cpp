#include "SalesforceChangeProcessor.h"

#include "ChangeTime.h"
#include "JobKinds.h"
#include "MirrorObservation.h"
#include "SalesforceState.h"
#include "log/Logging.h"

#include <QJsonDocument>

namespace lb {
namespace {

NewJob platformJob(const QString &kind, const QString &recordKey, const QString &platformId,
                   const QByteArray &hash)
{
    NewJob job;
    job.kind = kind;
    job.target = JobTarget::Platform;
    job.recordKey = recordKey;
    job.idempotencyKey = jobs::idempotencyKey(kind, recordKey, QString::fromLatin1(hash));
    job.payload = QJsonDocument(QJsonObject {{QStringLiteral("key"), recordKey.section(u':', 1)},
                                             {QStringLiteral("platform_id"), platformId}})
                      .toJson(QJsonDocument::Compact);
    job.supersedesPending = true;
    return job;
}

} // namespace

SalesforceChangeProcessor::SalesforceChangeProcessor(Store &store, const SyncPlanner &leads,
                                                     const SyncPlanner &agents, QString actor)
    : m_store(store)
    , m_leads(leads)
    , m_agents(agents)
    , m_actor(std::move(actor))
{ }

Result<SalesforceChangeProcessor::Stats>
SalesforceChangeProcessor::processLeads(const QList<QJsonObject> &records)
{
    Stats stats;
    stats.records = int(records.size());
    const ObjectMapping &m = m_leads.mapping();
    QHash<QString, QJsonObject> byPlatformId;
    for (const QJsonObject &r : records) {
        const QString id = r.value(m.salesforceKey).toString();
        if (id.isEmpty()) {
            ++stats.unlinked;
            continue;
        }
        byPlatformId.insert(id, r); // records come ordered by SystemModstamp: last one wins
    }
    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    auto mirror = m_store.leads().byKeys(byPlatformId.keys());
    if (!mirror)
        return mirror.error();
    QList<MirrorRecord> updates;
    QList<NewJob> jobs;
    for (auto it = byPlatformId.begin(); it != byPlatformId.end(); ++it) {
        const QJsonObject &r = it.value();
        MirrorRecord record = mirror->value(it.key());
        record.platformId = it.key();
        record.salesforceId = r.value(QStringLiteral("Id")).toString();
        const QByteArray before = record.salesforceHash;
        observeSalesforce(record, SalesforceState::fromRecord(r, m),
                          parseTimestampMs(r.value(QStringLiteral("SystemModstamp")).toString()));
        const QByteArray hash = record.salesforceHash;
        if (hash == before) {
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
SalesforceChangeProcessor::processAgents(const QList<QJsonObject> &records)
{
    Stats stats;
    stats.records = int(records.size());
    const ObjectMapping &m = m_agents.mapping();
    QHash<QString, QJsonObject> bySalesforceId;
    for (const QJsonObject &r : records)
        bySalesforceId.insert(r.value(QStringLiteral("Id")).toString(), r);
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
        const QJsonObject &r = it.value();
        MirrorRecord record = mirror->value(it.key());
        record.salesforceId = it.key();
        const qint64 modstamp
            = parseTimestampMs(r.value(QStringLiteral("SystemModstamp")).toString());
        QJsonObject state = SalesforceState::fromRecord(r, m);
        QString platformId = r.value(m.salesforceKey).toString();
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
        if (hash == before) {
            ++stats.echoes;
            updates.append(record);
            continue;
        }
        auto plan = m_agents.planPlatformWrite(record);
        if (!plan) {
            record.syncState = QStringLiteral("error");
            record.lastError = plan.error().toString();
        } else if (plan->has_value()) {
            record.syncState = QStringLiteral("pending");
            jobs.append(platformJob(jobs::PlatformAgentPut,
                                    QStringLiteral("agent:") + record.salesforceId, platformId,
                                    hash));
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
