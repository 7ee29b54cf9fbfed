#include "MirrorRefresh.h"

#include "ChangeTime.h"
#include "MirrorObservation.h"
#include "PlatformDeletion.h"
#include "SalesforceRecordChange.h"
#include "SalesforceState.h"
#include "log/Logging.h"
#include "salesforce/Soql.h"

namespace lb {

MirrorRefresh::MirrorRefresh(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
                             const SyncPlanner &leads, const SyncPlanner &agents,
                             QString platformDelete, const QString &actor, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_salesforce(salesforce)
    , m_platform(platform)
    , m_leads(leads)
    , m_changes(store, leads, agents, actor)
    , m_platformDelete(std::move(platformDelete))
    , m_actor(actor)
{
    m_changes.setPlatformDelete(m_platformDelete);
}

void MirrorRefresh::fromSalesforce(const QStringList &ids,
                                   std::function<void(const Unchecked &)> then)
{
    fromSalesforceFrom(ids, {}, std::move(then));
}

void MirrorRefresh::fromSalesforceFrom(const QStringList &ids, Unchecked unchecked,
                                       std::function<void(const Unchecked &)> then)
{
    if (ids.isEmpty()) {
        then(unchecked);
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
    fields.append(QStringLiteral("IsDeleted"));
    // soql: SOQL sent to Salesforce's REST API, not to the store; record values are quoted by
    // soqlString(), field and object names come from the loaded mapping
    const QString soql = QStringLiteral("SELECT %1 FROM %2 WHERE %3 IN (%4)")
                             .arg(fields.join(QStringLiteral(", ")), m.salesforceObject,
                                  m.salesforceKey, quoted.join(QStringLiteral(", ")));
    // With the Recycle Bin: a lead a user deleted since is not "not there" (that would send it
    // again, and an upsert by its key would create it anew), it is deleted.
    m_salesforce.queryAll(
        soql, this,
        [this, chunk, rest, unchecked = std::move(unchecked),
         then = std::move(then)](Result<RecordPage> page) mutable {
            const auto leftUnchecked = [&](const Error &error, bool callFailed, const char *what) {
                qCInfo(lcSync) << what << error.toString();
                unchecked.platformIds.append(chunk);
                if (!unchecked.error) {
                    unchecked.error = error;
                    unchecked.callFailed = callFailed;
                }
            };
            if (!page) {
                leftUnchecked(page.error(), true, "could not check Salesforce before a resend:");
            } else if (auto mirrors = m_store.leads().byKeys(chunk); !mirrors) {
                leftUnchecked(mirrors.error(), false, "could not read the mirror before a resend:");
            } else if (auto r = observe(chunk, page->records, *mirrors); !r) {
                leftUnchecked(r.error(), false,
                              "could not keep what Salesforce holds before a resend:");
            }
            fromSalesforceFrom(rest, std::move(unchecked), std::move(then));
        });
}

Result<void> MirrorRefresh::observe(const QStringList &chunk, const QList<QJsonObject> &records,
                                    const QHash<QString, MirrorRecord> &mirrors)
{
    const ObjectMapping &m = m_leads.mapping();
    // One record per lead: a live one over deleted ones (deleted, then created again).
    QHash<QString, QJsonObject> byKey;
    for (const QJsonObject &r : records) {
        const QString pid = r.value(m.salesforceKey).toString();
        if (chunk.contains(pid)
            && (!byKey.contains(pid) || !r.value(QStringLiteral("IsDeleted")).toBool()))
            byKey.insert(pid, r);
    }
    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    // What was read is a change like any the stream or the poll reads: a user's edit goes on to
    // the platform, a deletion becomes a tombstone whose deletion goes there too. Observed here
    // without that, the stream's event of it would later find it known and take it for an echo.
    if (auto r = m_changes.processLeads(
            SalesforceRecordChange::fromRecords(byKey.values(), QStringLiteral("poll")));
        !r)
        return r.error();
    // Deleted on the platform before the answer of the lead's first write told its Salesforce
    // id (the worker died meanwhile): the write did land, so the deletion goes now.
    QStringList landedOnTombstones;
    for (auto it = byKey.cbegin(); it != byKey.cend(); ++it) {
        const MirrorRecord before = mirrors.value(it.key());
        if (before.isDeleted() && before.salesforceId.isEmpty()
            && !it->value(QStringLiteral("IsDeleted")).toBool())
            landedOnTombstones.append(it.key());
    }
    QList<MirrorRecord> updates;
    QList<NewJob> jobs;
    if (!landedOnTombstones.isEmpty()) {
        auto now = m_store.leads().byKeys(landedOnTombstones);
        if (!now)
            return now.error();
        for (MirrorRecord record : std::as_const(*now)) {
            if (auto close = salesforceDeletionJob(record, m_platformDelete, m)) {
                jobs.append(*close);
                updates.append(record);
            }
        }
    }
    for (const QString &pid : chunk) {
        if (!byKey.contains(pid) && mirrors.contains(pid)) {
            MirrorRecord record = mirrors.value(pid);
            record.salesforceHash.clear(); // not there: it did not land
            updates.append(record);
        }
    }
    if (auto r = m_store.leads().put(updates); !r)
        return r.error();
    if (!jobs.isEmpty()) {
        if (auto r = m_store.outbox().enqueue(jobs, m_actor); !r)
            return r.error();
    }
    return tx.commit();
}

void MirrorRefresh::fromPlatform(const QStringList &ids, std::function<void()> then)
{
    fromPlatformAt(ids, 0, std::move(then));
}

void MirrorRefresh::fromPlatformAt(const QStringList &ids, int index, std::function<void()> then)
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
                                           << "could not keep the platform's record before a retry:"
                                           << put.error().toString();
                               }
                           }
                           fromPlatformAt(ids, index + 1, std::move(then));
                       });
}

} // namespace lb
