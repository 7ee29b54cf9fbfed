#include "MirrorStore.h"

#include "ErasureStore.h"
#include "models/LeadSearchText.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace lb {
namespace {

// Shared select list; readRecord() reads it by position. Agents have no display columns for
// "platform_updated_at"/"last_source", so the agent query selects constants in those slots.
const char *LeadColumns
    = "platform_id, salesforce_id, platform_state, salesforce_state, platform_hash, "
      "salesforce_hash, platform_updated_at, platform_version, sf_modstamp, last_source, "
      "sync_state, last_synced_at, last_error, deleted_at, deleted_on, merged_into";
const char *AgentColumns
    = "platform_id, salesforce_id, platform_state, salesforce_state, platform_hash, "
      "salesforce_hash, 0, platform_version, sf_modstamp, '', sync_state, last_synced_at, "
      "last_error, deleted_at, deleted_on, ''";

QString toText(const QJsonObject &o)
{
    return o.isEmpty() ? QString()
                       : QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject fromText(const QString &s)
{
    return s.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(s.toUtf8()).object();
}

QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

QVariant display(const QJsonObject &state, const char *field)
{
    const QJsonValue v = state.value(QLatin1String(field));
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return v.toDouble();
    if (v.isBool())
        return v.toBool() ? 1 : 0;
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &item : v.toArray())
            parts.append(item.toString());
        return parts.join(u';');
    }
    return QVariant(QMetaType::fromType<QString>());
}

// The upserts of put(), one row per record.
constexpr int LeadPutColumns = 29;
constexpr const char *LeadPutInsert
    = "INSERT INTO leads (platform_id, salesforce_id, first_name, last_name, company, email, "
      "phone, status, source, score, estimated_value, agent_id, eligible, platform_updated_at, "
      "platform_version, sf_modstamp, platform_hash, salesforce_hash, last_source, sync_state, "
      "last_synced_at, last_error, updated_at, platform_state, salesforce_state, deleted_at, "
      "deleted_on, merged_into, converted) VALUES ";
constexpr const char *LeadPutConflict
    = " ON CONFLICT (platform_id) DO UPDATE SET salesforce_id = excluded.salesforce_id, "
      "first_name = excluded.first_name, last_name = excluded.last_name, "
      "company = excluded.company, email = excluded.email, phone = excluded.phone, "
      "status = excluded.status, source = excluded.source, score = excluded.score, "
      "estimated_value = excluded.estimated_value, agent_id = excluded.agent_id, "
      "eligible = excluded.eligible, platform_updated_at = excluded.platform_updated_at, "
      "platform_version = excluded.platform_version, sf_modstamp = excluded.sf_modstamp, "
      "platform_hash = excluded.platform_hash, salesforce_hash = excluded.salesforce_hash, "
      "last_source = excluded.last_source, sync_state = excluded.sync_state, "
      "last_synced_at = excluded.last_synced_at, last_error = excluded.last_error, "
      "updated_at = excluded.updated_at, platform_state = excluded.platform_state, "
      "salesforce_state = excluded.salesforce_state, deleted_at = excluded.deleted_at, "
      "deleted_on = excluded.deleted_on, merged_into = excluded.merged_into, "
      "converted = excluded.converted";
constexpr int AgentPutColumns = 20;
constexpr const char *AgentPutInsert
    = "INSERT INTO agents (platform_id, salesforce_id, name, email, active, eligible, states, "
      "capacity, sf_modstamp, platform_hash, salesforce_hash, sync_state, last_synced_at, "
      "updated_at, platform_state, salesforce_state, platform_version, last_error, deleted_at, "
      "deleted_on) VALUES ";
constexpr const char *AgentPutConflict
    = " ON CONFLICT (salesforce_id) DO UPDATE SET platform_id = excluded.platform_id, "
      "name = excluded.name, email = excluded.email, active = excluded.active, "
      "eligible = excluded.eligible, states = excluded.states, capacity = excluded.capacity, "
      "sf_modstamp = excluded.sf_modstamp, platform_hash = excluded.platform_hash, "
      "salesforce_hash = excluded.salesforce_hash, sync_state = excluded.sync_state, "
      "last_synced_at = excluded.last_synced_at, updated_at = excluded.updated_at, "
      "platform_state = excluded.platform_state, salesforce_state = excluded.salesforce_state, "
      "platform_version = excluded.platform_version, last_error = excluded.last_error, "
      "deleted_at = excluded.deleted_at, deleted_on = excluded.deleted_on";

} // namespace

MirrorStore::MirrorStore(Database &db, const Clock &clock, Kind kind)
    : m_db(db)
    , m_clock(clock)
    , m_kind(kind)
{ }

MirrorRecord MirrorStore::readRecord(const QSqlQuery &q)
{
    MirrorRecord r;
    r.platformId = q.value(0).toString();
    r.salesforceId = q.value(1).toString();
    r.platformState = fromText(q.value(2).toString());
    r.salesforceState = fromText(q.value(3).toString());
    r.platformHash = q.value(4).toString().toLatin1();
    r.salesforceHash = q.value(5).toString().toLatin1();
    r.platformUpdatedAt = q.value(6).toLongLong();
    r.platformVersion = q.value(7).toLongLong();
    r.salesforceModstamp = q.value(8).toLongLong();
    r.lastSource = q.value(9).toString();
    r.syncState = q.value(10).toString();
    r.lastSyncedAt = q.value(11).toLongLong();
    r.lastError = q.value(12).toString();
    r.deletedAt = q.value(13).toLongLong();
    r.deletedOn = q.value(14).toString();
    r.mergedInto = q.value(15).toString();
    return r;
}

Result<QList<MirrorRecord>> MirrorStore::read(const QString &key, const QString &sql,
                                              const QVariantList &values)
{
    // sql-constant: read() forwards the SQL its callers in this file write; each is checked where
    // it is written
    auto q = m_db.run(key, sql, values);
    if (!q)
        return q.error();
    return Database::rows(**q, readRecord);
}

Result<std::optional<MirrorRecord>> MirrorStore::byPlatformId(const QString &platformId)
{
    const bool leads = m_kind == Kind::Leads;
    // sql-constant: column lists and table names are the compile-time constants of this file,
    // chosen by the store's kind; values are bound
    auto r = read(leads ? QStringLiteral("mirror.leads.byPlatform")
                        : QStringLiteral("mirror.agents.byPlatform"),
                  QStringLiteral("SELECT %1 FROM %2 WHERE platform_id = ?")
                      .arg(QLatin1String(leads ? LeadColumns : AgentColumns),
                           leads ? QLatin1String("leads") : QLatin1String("agents")),
                  {platformId});
    if (!r)
        return r.error();
    return r->isEmpty() ? std::nullopt : std::optional(r->first());
}

Result<std::optional<MirrorRecord>> MirrorStore::bySalesforceId(const QString &salesforceId)
{
    const bool leads = m_kind == Kind::Leads;
    // sql-constant: column lists and table names are the compile-time constants of this file,
    // chosen by the store's kind; values are bound
    auto r
        = read(leads ? QStringLiteral("mirror.leads.bySf") : QStringLiteral("mirror.agents.bySf"),
               QStringLiteral("SELECT %1 FROM %2 WHERE salesforce_id = ?")
                   .arg(QLatin1String(leads ? LeadColumns : AgentColumns),
                        leads ? QLatin1String("leads") : QLatin1String("agents")),
               {salesforceId});
    if (!r)
        return r.error();
    return r->isEmpty() ? std::nullopt : std::optional(r->first());
}

Result<QHash<QString, MirrorRecord>> MirrorStore::byKeys(const QStringList &unsortedKeys, bool lock)
{
    const bool forUpdate = lock && !m_db.isSqlite();
    const bool leads = m_kind == Kind::Leads;
    QHash<QString, MirrorRecord> out;
    // Locked in the keys' order, so two transactions locking overlapping rows never wait on
    // each other in a circle.
    QStringList keys = unsortedKeys;
    if (forUpdate)
        keys.sort();
    for (qsizetype start = 0; start < keys.size(); start += Database::MaxRowsPerStatement) {
        const int count
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, keys.size() - start));
        QVariantList values;
        for (int i = 0; i < count; ++i)
            values << keys.at(start + i);
        // sql-constant: column lists and table names are the compile-time constants of this file,
        // chosen by the store's kind, and the locking clause a constant; values are bound
        auto r = read(
            QStringLiteral("mirror.%1.byKeys%2.%3")
                .arg(leads ? QLatin1String("leads") : QLatin1String("agents"),
                     forUpdate ? QLatin1String(".locked") : QLatin1String(""))
                .arg(count),
            QStringLiteral("SELECT %1 FROM %2 WHERE %3 IN (%4)%5")
                .arg(QLatin1String(leads ? LeadColumns : AgentColumns),
                     leads ? QLatin1String("leads") : QLatin1String("agents"),
                     leads ? QLatin1String("platform_id") : QLatin1String("salesforce_id"),
                     Database::listPlaceholders(count),
                     forUpdate ? (leads ? QLatin1String(" ORDER BY platform_id FOR UPDATE")
                                        : QLatin1String(" ORDER BY salesforce_id FOR UPDATE"))
                               : QLatin1String("")),
            values);
        if (!r)
            return r.error();
        for (const MirrorRecord &m : *r)
            out.insert(leads ? m.platformId : m.salesforceId, m);
    }
    return out;
}

Result<void> MirrorStore::put(const QList<MirrorRecord> &records)
{
    if (records.isEmpty())
        return {};
    const bool leads = m_kind == Kind::Leads;
    // The last write of a key wins, as if each had been applied in turn; a multi-row upsert may
    // not touch a row twice (PostgreSQL refuses).
    QHash<QString, qsizetype> lastOfKey;
    for (qsizetype i = 0; i < records.size(); ++i) {
        const MirrorRecord &r = records.at(i);
        const QString &key = leads ? r.platformId : r.salesforceId;
        if (key.isEmpty())
            return makeError(QStringLiteral("mirror_key"),
                             leads ? QStringLiteral("A lead needs its platform id.")
                                   : QStringLiteral("An agent needs its Salesforce id."));
        lastOfKey.insert(key, i);
    }
    std::optional<Transaction> tx;
    if (!m_db.inTransaction()) {
        tx.emplace(m_db);
        if (!tx->started())
            return tx->started().error();
    }
    if (leads) {
        // The last guard of an erasure: whichever path reaches the mirror, a lead of a person
        // forgotten is not written back (the intake already drops them; see ErasureStore).
        QStringList ids, emails;
        for (const MirrorRecord &r : records) {
            ids << r.platformId << r.salesforceId;
            emails << r.platformState.value(QStringLiteral("email")).toString()
                   << r.salesforceState.value(QStringLiteral("Email")).toString();
        }
        auto erased = ErasureStore(m_db).lookup(ids, emails);
        if (!erased)
            return erased.error();
        for (qsizetype i = 0; !erased->isEmpty() && i < records.size(); ++i) {
            const MirrorRecord &r = records.at(i);
            if (erased->names({r.platformId, r.salesforceId},
                              r.platformState.value(QStringLiteral("email")).toString())
                || erased->names({}, r.salesforceState.value(QStringLiteral("Email")).toString()))
                lastOfKey.remove(r.platformId);
        }
    }
    const qint64 now = m_clock.nowMs();
    const int columns = leads ? LeadPutColumns : AgentPutColumns;
    QVariantList values;
    int rows = 0;
    // Multi-row upserts: a statement per 100 records instead of one per record.
    const auto flushRows = [&]() -> Result<void> {
        if (rows == 0)
            return {};
        // sql-constant: LeadPutInsert/AgentPutInsert are compile-time constants, the rest "?"
        // placeholders counted by rowPlaceholders(); values are bound
        auto q = m_db.run(QStringLiteral("mirror.%1.put.%2")
                              .arg(leads ? QLatin1String("leads") : QLatin1String("agents"))
                              .arg(rows),
                          QLatin1String(leads ? LeadPutInsert : AgentPutInsert)
                              + Database::rowPlaceholders(rows, columns)
                              + QLatin1String(leads ? LeadPutConflict : AgentPutConflict),
                          values);
        if (!q)
            return q.error();
        (*q)->finish();
        values.clear();
        rows = 0;
        return {};
    };
    // Rows in key order: two processes writing overlapping leads (a reconcile beside a delivery
    // on PostgreSQL) then lock them in the same order instead of deadlocking each other.
    QList<qsizetype> order;
    order.reserve(lastOfKey.size());
    for (auto it = lastOfKey.cbegin(); it != lastOfKey.cend(); ++it)
        order.append(it.value());
    std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
        const MirrorRecord &x = records.at(a), &y = records.at(b);
        return leads ? x.platformId < y.platformId : x.salesforceId < y.salesforceId;
    });
    for (const qsizetype i : std::as_const(order)) {
        const MirrorRecord &r = records.at(i);
        const QJsonObject &s = r.platformState;
        if (leads) {
            values << r.platformId << nullable(r.salesforceId) << display(s, "first_name")
                   << display(s, "last_name") << display(s, "company") << display(s, "email")
                   << display(s, "phone") << display(s, "status") << display(s, "source")
                   << display(s, "score") << display(s, "value") << display(s, "agent_id")
                   << (s.value(QStringLiteral("eligible")).toBool() ? 1 : 0) << r.platformUpdatedAt
                   << r.platformVersion << r.salesforceModstamp
                   << nullable(QString::fromLatin1(r.platformHash))
                   << nullable(QString::fromLatin1(r.salesforceHash)) << nullable(r.lastSource)
                   << r.syncState << r.lastSyncedAt << nullable(r.lastError) << now
                   << nullable(toText(r.platformState)) << nullable(toText(r.salesforceState))
                   << (r.deletedAt != 0 ? QVariant(r.deletedAt)
                                        : QVariant(QMetaType::fromType<qlonglong>()))
                   << nullable(r.deletedOn) << nullable(r.mergedInto) << (r.isConverted() ? 1 : 0);
        } else {
            values << nullable(r.platformId) << r.salesforceId << display(s, "name")
                   << display(s, "email")
                   << (s.value(QStringLiteral("active")).toBool(true) ? 1 : 0)
                   << (s.value(QStringLiteral("eligible")).toBool() ? 1 : 0) << display(s, "states")
                   << display(s, "capacity") << r.salesforceModstamp
                   << nullable(QString::fromLatin1(r.platformHash))
                   << nullable(QString::fromLatin1(r.salesforceHash)) << r.syncState
                   << r.lastSyncedAt << now << nullable(toText(r.platformState))
                   << nullable(toText(r.salesforceState)) << r.platformVersion
                   << nullable(r.lastError)
                   << (r.deletedAt != 0 ? QVariant(r.deletedAt)
                                        : QVariant(QMetaType::fromType<qlonglong>()))
                   << nullable(r.deletedOn);
        }
        if (++rows == Database::MaxRowsPerStatement) {
            if (auto f = flushRows(); !f)
                return f;
        }
    }
    if (auto f = flushRows(); !f)
        return f;
    if (leads) {
        if (auto f = flushSearchIndex(m_db); !f)
            return f;
    }
    if (tx) {
        if (auto c = tx->commit(); !c)
            return c.error();
    }
    return {};
}

Result<void> MirrorStore::flushSearchIndex(Database &db)
{
    if (!db.isSqlite())
        return {};
    // Old text out first (a contentless index deletes by the exact text it holds), then the
    // current text of every noted row that still exists.
    const std::pair<const char *, const char *> steps[] = {
        {"mirror.leads.fts.delete",
         "INSERT INTO leads_fts (leads_fts, rowid, text) SELECT 'delete', id, old_text "
         "FROM leads_fts_pending WHERE old_text IS NOT NULL"},
        {"mirror.leads.fts.insert",
         "INSERT INTO leads_fts (rowid, text) SELECT l.id, " LB_LEADS_SEARCH_TEXT(
             "l.") " FROM leads_fts_pending p JOIN leads l ON l.id = p.id"},
        {"mirror.leads.fts.done", "DELETE FROM leads_fts_pending"},
    };
    for (const auto &[key, sql] : steps) {
        // sql-constant: `steps` above is an array of string literals
        auto q = db.run(QString::fromLatin1(key), QString::fromLatin1(sql));
        if (!q)
            return q.error();
        (*q)->finish();
    }
    return {};
}

Result<qint64> MirrorStore::count()
{
    const bool leads = m_kind == Kind::Leads;
    return m_db.scalar(leads ? QStringLiteral("mirror.leads.count")
                             : QStringLiteral("mirror.agents.count"),
                       leads ? QStringLiteral("SELECT COUNT(*) FROM leads")
                             : QStringLiteral("SELECT COUNT(*) FROM agents"));
}

Result<QList<MirrorRecord>> MirrorStore::page(const QString &afterKey, int limit)
{
    const bool leads = m_kind == Kind::Leads;
    // sql-constant: the column lists are compile-time constants of this file; values are bound
    return read(leads ? QStringLiteral("mirror.leads.page") : QStringLiteral("mirror.agents.page"),
                leads
                    ? QStringLiteral(
                          "SELECT %1 FROM leads WHERE platform_id > ? ORDER BY platform_id LIMIT ?")
                          .arg(QLatin1String(LeadColumns))
                    : QStringLiteral("SELECT %1 FROM agents WHERE salesforce_id > ? "
                                     "ORDER BY salesforce_id LIMIT ?")
                          .arg(QLatin1String(AgentColumns)),
                {Database::filterText(afterKey), limit});
}

} // namespace lb
