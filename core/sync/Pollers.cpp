#include "Pollers.h"

#include "ChangeTime.h"
#include "InboundProcessor.h"
#include "JobKinds.h"
#include "log/Logging.h"
#include "salesforce/Soql.h"

#include <QCryptographicHash>
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
    // Tombstones go the way of the leads, as deletions (InboundProcessor reads "deleted").
    for (const QJsonObject &lead : page.records + page.tombstones) {
        InboundEvent e;
        e.eventId = InboundProcessor::pollEventId(lead);
        e.source = QStringLiteral("poll");
        e.type = lead.value(QStringLiteral("deleted")).toBool() ? QStringLiteral("lead.deleted")
                                                                : QStringLiteral("lead.updated");
        e.occurredAt = parseTimestampMs(lead.value(QStringLiteral("updated_at")).toString());
        e.payload = InboundProcessor::pollEvent(lead);
        auto stored = m_store.events().insert(e);
        if (!stored)
            return stored.error();
        stats.newEvents += *stored ? 1 : 0;
        newest = std::max(newest, e.occurredAt);
    }
    int rejected = 0;
    for (const RejectedRecord &r : page.rejected) {
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
                                   const ObjectMapping &agents, qint64 overlapMs, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_port(port)
    , m_processor(processor)
    , m_leads(leads)
    , m_agents(agents)
    , m_overlapMs(overlapMs)
{ }

namespace {

QStringList polledFields(const ObjectMapping &mapping)
{
    QStringList fields = mapping.salesforceFields();
    for (const char *extra : {"SystemModstamp", "Last_Updated_By_System__c"}) {
        if (!fields.contains(QLatin1String(extra)))
            fields.append(QLatin1String(extra));
    }
    return fields;
}

} // namespace

QString SalesforcePoller::soqlForIds(const ObjectMapping &mapping, bool leads,
                                     const QStringList &ids)
{
    QStringList literals;
    for (const QString &id : ids)
        literals.append(salesforce::soqlString(id));
    QString where = QStringLiteral("Id IN (") + literals.join(u',') + u')';
    if (leads)
        where += QStringLiteral(" AND ") + mapping.salesforceKey + QStringLiteral(" != null");
    return QStringLiteral("SELECT %1 FROM %2 WHERE %3 ORDER BY SystemModstamp ASC, Id ASC")
        .arg(polledFields(mapping).join(QStringLiteral(", ")), mapping.salesforceObject, where);
}

QString SalesforcePoller::soqlFor(const ObjectMapping &mapping, bool leads, qint64 sinceMs)
{
    const QStringList fields = polledFields(mapping);
    QStringList where;
    if (sinceMs > 0)
        where.append(QStringLiteral("SystemModstamp >= ") + formatSoqlTime(sinceMs));
    if (leads)
        where.append(mapping.salesforceKey + QStringLiteral(" != null"));
    return QStringLiteral("SELECT %1 FROM %2%3 ORDER BY SystemModstamp ASC, Id ASC")
        .arg(fields.join(QStringLiteral(", ")), mapping.salesforceObject,
             where.isEmpty() ? QString()
                             : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")));
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
    const qint64 last = mark->has_value() ? (*mark)->toLongLong() : 0;
    const qint64 since = last > 0 ? std::max<qint64>(1000, last - m_overlapMs) : 0;
    auto newest = std::make_shared<qint64>(last);
    m_port.query(
        soqlFor(mapping, leads, since), this,
        [this, leads, stats, newest, done = std::move(done)](Result<RecordPage> result) mutable {
            page(leads, result, stats, newest, std::move(done));
        });
}

void SalesforcePoller::page(bool leads, const Result<RecordPage> &result,
                            std::shared_ptr<PollStats> stats, std::shared_ptr<qint64> newest,
                            std::function<void(Result<void>)> done)
{
    if (!result) {
        done(result.error());
        return;
    }
    ++stats->pages;
    stats->records += int(result->records.size());
    for (const QJsonObject &r : result->records)
        *newest = std::max(*newest,
                           parseTimestampMs(r.value(QStringLiteral("SystemModstamp")).toString()));
    auto processed = leads ? m_processor.processLeads(result->records)
                           : m_processor.processAgents(result->records);
    if (!processed) {
        done(processed.error());
        return;
    }
    stats->changes.records += processed->records;
    stats->changes.enqueued += processed->enqueued;
    stats->changes.echoes += processed->echoes;
    stats->changes.unlinked += processed->unlinked;
    stats->changes.idsAssigned += processed->idsAssigned;
    if (!result->next.isEmpty()) {
        m_port.queryMore(
            result->next, this,
            [this, leads, stats, newest, done = std::move(done)](Result<RecordPage> next) mutable {
                page(leads, next, stats, newest, std::move(done));
            });
        return;
    }
    const ObjectMapping &mapping = leads ? m_leads : m_agents;
    if (auto w = m_store.watermarks().set(watermarkName(mapping.salesforceObject),
                                          QString::number(*newest));
        !w) {
        done(w.error());
        return;
    }
    done({});
}

} // namespace lb
