#include "Pollers.h"

#include "ChangeTime.h"
#include "JobKinds.h"
#include "PlatformLeadChange.h"
#include "log/Logging.h"
#include "salesforce/Soql.h"
#include "store/Duties.h"
#include "store/ErasureStore.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace lb {

PlatformPoller::PlatformPoller(Store &store, PlatformPort &port, const Clock &clock,
                               qint64 overlapMs, QString actor, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_port(port)
    , m_clock(clock)
    , m_overlapMs(overlapMs)
    , m_actor(std::move(actor))
{ }

void PlatformPoller::poll(std::function<void(Result<PollStats>)> done)
{
    auto mark = m_store.watermarks().get(watermarkName());
    if (!mark) {
        done(mark.error());
        return;
    }
    const qint64 last = mark->has_value() ? (*mark)->toLongLong() : 0;
    const qint64 since = last > 0 ? std::max<qint64>(1, last - m_overlapMs) : 0;
    fetch(QString(), since, std::make_shared<PollStats>(), std::make_shared<qint64>(last),
          std::move(done));
}

void PlatformPoller::fetch(const QString &cursor, qint64 since, std::shared_ptr<PollStats> stats,
                           std::shared_ptr<qint64> newest,
                           std::function<void(Result<PollStats>)> done)
{
    m_port.listLeads(
        since, cursor, 500, this,
        [this, since, stats, newest, done = std::move(done)](Result<RecordPage> page) mutable {
            if (!page) {
                done(page.error());
                return;
            }
            if (auto stored = store(*page, *stats, *newest); !stored) {
                done(stored.error());
                return;
            }
            if (!page->next.isEmpty()) {
                fetch(page->next, since, stats, newest, std::move(done));
                return;
            }
            // Only a complete pass moves the watermark.
            if (auto w = m_store.watermarks().set(watermarkName(), QString::number(*newest)); !w) {
                done(w.error());
                return;
            }
            done(*stats);
        });
}

Result<void> PlatformPoller::store(const RecordPage &page, PollStats &stats, qint64 &newest)
{
    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    // A person forgotten by an erasure is not stored again: the page's copy of them is read
    // past (the watermark still moves over it).
    const QList<QJsonObject> leads = page.records + page.tombstones;
    QStringList ids, emails;
    QList<QJsonObject> rejectedLeads; // as far as they can be read
    for (const RejectedRecord &r : page.rejected)
        rejectedLeads.append(QJsonDocument::fromJson("[" + r.raw + "]").array().at(0).toObject());
    for (const QJsonObject &lead : leads + rejectedLeads) {
        ids << lead.value(QStringLiteral("id")).toString()
            << lead.value(QStringLiteral("salesforce_id")).toString();
        emails << lead.value(QStringLiteral("email")).toString();
    }
    auto erased = ErasureStore(m_store.database()).lookup(ids, emails);
    if (!erased)
        return erased.error();
    // Tombstones go the way of the leads, as deletions (InboundProcessor reads "deleted").
    for (const QJsonObject &lead : leads) {
        // Received "now" (the store's clock): the event's time is the platform's updated_at.
        const InboundEvent e = PlatformLeadChange::storedForm(
            lead, QStringLiteral("poll"), PlatformLeadChange::pollEventId(lead), 0);
        if (erased->names({lead.value(QStringLiteral("id")).toString(),
                           lead.value(QStringLiteral("salesforce_id")).toString()},
                          lead.value(QStringLiteral("email")).toString())) {
            newest = std::max(newest, e.occurredAt);
            continue;
        }
        auto stored = m_store.events().insert(e);
        if (!stored)
            return stored.error();
        stats.newEvents += *stored ? 1 : 0;
        newest = std::max(newest, e.occurredAt);
    }
    int rejected = 0;
    for (qsizetype i = 0; i < page.rejected.size(); ++i) {
        const RejectedRecord &r = page.rejected.at(i);
        const QJsonObject &lead = rejectedLeads.at(i);
        if (erased->names({lead.value(QStringLiteral("id")).toString()},
                          lead.value(QStringLiteral("email")).toString()))
            continue; // an erased person's record is not parked with its raw payload either
        auto parked = park(r);
        if (!parked)
            return parked.error();
        rejected += *parked ? 1 : 0;
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    // Counted once committed, so a page stored again after a failure is not counted twice.
    ++stats.pages;
    stats.records += int(page.records.size() + page.tombstones.size() + page.rejected.size());
    stats.rejected += rejected;
    return {};
}

// An unreadable record is parked like a job that failed validation: the inbox is where an
// admin already looks for records that need a human, and park() is idempotent on the key, so
// the same bad record listed again (the overlap window, the next poll) is one item, not many.
Result<bool> PlatformPoller::park(const RejectedRecord &rejected)
{
    const QJsonValue item = QJsonDocument::fromJson("[" + rejected.raw + "]").array().at(0);
    const QJsonValue id = item.toObject().value(QStringLiteral("id"));
    NewJob job;
    job.kind = jobs::PlatformLeadRejected;
    job.target = JobTarget::Platform;
    job.recordKey = id.isString() ? QStringLiteral("lead:") + id.toString() : QString();
    job.idempotencyKey = jobs::idempotencyKey(
        job.kind, job.recordKey,
        QString::fromLatin1(
            QCryptographicHash::hash(rejected.raw, QCryptographicHash::Sha256).toHex()));
    job.payload = rejected.raw;
    return m_store.outbox().park(job, ErrorClass::Validation, rejected.error.code,
                                 rejected.error.message, m_actor);
}

SalesforcePoller::SalesforcePoller(Store &store, SalesforcePort &port,
                                   SalesforceChangeProcessor &processor, const ObjectMapping &leads,
                                   const ObjectMapping &agents, qint64 overlapMs, int bulkThreshold,
                                   QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_port(port)
    , m_processor(processor)
    , m_leads(leads)
    , m_agents(agents)
    , m_overlapMs(overlapMs)
    , m_bulkThreshold(bulkThreshold)
{ }

namespace {

QStringList polledFields(const ObjectMapping &mapping, bool leads)
{
    QStringList fields = mapping.salesforceFields();
    QStringList extras {QStringLiteral("SystemModstamp"),
                        QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("IsDeleted")};
    if (leads)
        extras << QStringLiteral("MasterRecordId") << QStringLiteral("IsConverted");
    for (const QString &extra : extras) {
        if (!fields.contains(extra))
            fields.append(extra);
    }
    return fields;
}

// The poll's position: the (SystemModstamp, Id) of the last record it processed, stored as
// "<epoch ms>|<Id>" (a bare number, from before the keyset, is a position without an Id).
struct PollKey
{
    qint64 modstamp = 0;
    QString id;

    static PollKey parse(const QString &stored)
    {
        return {stored.section(u'|', 0, 0).toLongLong(), stored.section(u'|', 1)};
    }
    QString toString() const { return QString::number(modstamp) + u'|' + id; }
    bool operator<(const PollKey &o) const
    {
        return modstamp != o.modstamp ? modstamp < o.modstamp : id < o.id;
    }
};

} // namespace

QString SalesforcePoller::soqlForIds(const ObjectMapping &mapping, bool leads,
                                     const QStringList &ids)
{
    QStringList literals;
    for (const QString &id : ids)
        literals.append(salesforce::soqlString(id));
    // soql: SOQL sent to Salesforce's REST API, not to the store; record values are quoted by
    // soqlString(), field and object names come from the loaded mapping
    return QStringLiteral("SELECT %1 FROM %2 WHERE Id IN (%3) ORDER BY SystemModstamp ASC, Id ASC")
        .arg(polledFields(mapping, leads).join(QStringLiteral(", ")), mapping.salesforceObject,
             literals.join(u','));
}

QString SalesforcePoller::soqlFor(const ObjectMapping &mapping, bool leads, qint64 sinceMs,
                                  const QString &afterId)
{
    QString where;
    if (sinceMs > 0 && afterId.isEmpty()) {
        // soql: SOQL for Salesforce, not the store; the time is formatted by formatSoqlTime() from
        // a number
        where = QStringLiteral(" WHERE SystemModstamp >= ") + formatSoqlTime(sinceMs);
    } else if (sinceMs > 0) {
        // SOQL times are whole seconds: a record later in the same second is read again (an
        // echo), never skipped.
        const QString t = formatSoqlTime(sinceMs);
        // soql: SOQL for Salesforce, not the store; the id is quoted by soqlString(), the time
        // formatted from a number
        where = QStringLiteral(" WHERE (SystemModstamp > %1 OR (SystemModstamp = %1 AND Id > %2))")
                    .arg(t, salesforce::soqlString(afterId));
    }
    // soql: SOQL sent to Salesforce's REST API, not to the store; record values are quoted by
    // soqlString(), field and object names come from the loaded mapping
    return QStringLiteral("SELECT %1 FROM %2%3 ORDER BY SystemModstamp ASC, Id ASC")
        .arg(polledFields(mapping, leads).join(QStringLiteral(", ")), mapping.salesforceObject,
             where);
}

void SalesforcePoller::poll(std::function<void(Result<PollStats>)> done)
{
    auto stats = std::make_shared<PollStats>();
    pollObject(false, stats, [this, stats, done = std::move(done)](Result<void> roster) mutable {
        if (!roster) {
            done(roster.error());
            return;
        }
        // Roster first, so leads assigned to a new agent find it on the platform.
        pollObject(true, stats, [stats, done = std::move(done)](Result<void> leads) {
            if (!leads)
                done(leads.error());
            else
                done(*stats);
        });
    });
}

void SalesforcePoller::pollObject(bool leads, std::shared_ptr<PollStats> stats,
                                  std::function<void(Result<void>)> done)
{
    const ObjectMapping &mapping = leads ? m_leads : m_agents;
    auto mark = m_store.watermarks().get(watermarkName(mapping.salesforceObject));
    if (!mark) {
        done(mark.error());
        return;
    }
    const PollKey last = mark->has_value() ? PollKey::parse(**mark) : PollKey();
    // With an overlap window the pass starts that much earlier (late commits); without, right
    // after the last record processed.
    const QString soql = last.modstamp <= 0 ? soqlFor(mapping, leads, 0)
        : m_overlapMs > 0
        ? soqlFor(mapping, leads, std::max<qint64>(1000, last.modstamp - m_overlapMs))
        : soqlFor(mapping, leads, last.modstamp, last.id);
    const bool initialLoad = leads && last.modstamp <= 0;
    // With the Recycle Bin, so deletions (IsDeleted) are seen too.
    m_port.queryAll(soql, this,
                    [this, leads, stats, initialLoad,
                     done = std::move(done)](Result<RecordPage> result) mutable {
                        page(leads, result, stats, initialLoad, std::move(done));
                    });
}

void SalesforcePoller::page(bool leads, const Result<RecordPage> &result,
                            std::shared_ptr<PollStats> stats, bool initialLoad,
                            std::function<void(Result<void>)> done)
{
    if (!result) {
        done(result.error());
        return;
    }
    if (auto taken = take(leads, result->records, QStringLiteral("poll"), *stats); !taken) {
        done(taken.error());
        return;
    }
    if (result->next.isEmpty()) {
        done({});
        return;
    }
    if (initialLoad && result->total > m_bulkThreshold && !result->records.isEmpty()) {
        readRemainderInBulk(result->records.constLast(), stats, std::move(done));
        return;
    }
    m_port.queryMore(result->next, this,
                     [this, leads, stats, done = std::move(done)](Result<RecordPage> next) mutable {
                         page(leads, next, stats, false, std::move(done));
                     });
}

void SalesforcePoller::readRemainderInBulk(const QJsonObject &after,
                                           std::shared_ptr<PollStats> stats,
                                           std::function<void(Result<void>)> done)
{
    const QString soql = soqlFor(
        m_leads, true, parseTimestampMs(after.value(QStringLiteral("SystemModstamp")).toString()),
        after.value(QStringLiteral("Id")).toString());
    m_port.bulkQuery(
        m_leads.salesforceObject, soql, true, this,
        [this, stats](const QList<QJsonObject> &records) {
            return take(true, records, QStringLiteral("bulk"), *stats);
        },
        [done = std::move(done)](Result<qint64> read) {
            if (!read) {
                done(read.error());
                return;
            }
            qCInfo(lcSync) << "initial load: read" << *read
                           << "Salesforce leads through Bulk API 2.0";
            done({});
        });
}

Result<void> SalesforcePoller::take(bool leads, const QList<QJsonObject> &records,
                                    const QString &origin, PollStats &stats)
{
    const ObjectMapping &mapping = leads ? m_leads : m_agents;
    const QString name = watermarkName(mapping.salesforceObject);
    // The page and the poll's position commit together, under the poll's duty: a process that
    // froze or stalled with a page in hand (read before, or a query cursor answering after)
    // and lost the duty meanwhile takes nothing of it in; its values may be older than what
    // the duty's new holder already took in.
    Transaction tx(m_store.database());
    if (!tx.started())
        return tx.started().error();
    if (auto fenced = m_store.leases().guard(duty::ofWatermark(name)); !fenced)
        return fenced.error();
    const QList<SalesforceRecordChange> changes
        = SalesforceRecordChange::fromRecords(records, origin);
    auto processed = leads ? m_processor.processLeads(changes) : m_processor.processAgents(changes);
    if (!processed)
        return processed.error();
    // Records come in (SystemModstamp, Id) order: the page's last one is where a pass that
    // stops now (a crash, an error on a later page) resumes.
    if (!changes.isEmpty()) {
        const PollKey key {changes.constLast().modstamp, changes.constLast().id};
        auto mark = m_store.watermarks().get(name);
        if (!mark)
            return mark.error();
        if (!mark->has_value() || PollKey::parse(**mark) < key) {
            if (auto w = m_store.watermarks().set(name, key.toString()); !w)
                return w.error();
        }
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    // Counted once committed, so a page taken again after a failure is not counted twice.
    ++stats.pages;
    stats.records += int(records.size());
    stats.changes += *processed;
    return {};
}

} // namespace lb
