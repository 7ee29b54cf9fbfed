#include "Migrations.h"

#include "MirrorRehash.h"
#include "log/Logging.h"
#include "models/LeadSearchText.h"

#include <QDateTime>
#include <QSqlQuery>

namespace lb {
namespace {

struct Migration
{
    int version;
    const char *description;
    const char *const *statements; // nullptr-terminated, dialect-neutral with {TOKENS}
    // Work SQL cannot express (a hash computed in C++), run after the statements inside the
    // same transaction, so it is recorded as done exactly when it committed.
    Result<void> (*step)(Database &) = nullptr;
};

// {ID}: auto-increment primary key; {BIG}: 64-bit integer; {REAL}: double.
constexpr const char *V1[] = {
    R"(CREATE TABLE leads (
        id {ID},
        platform_id TEXT NOT NULL UNIQUE,
        salesforce_id TEXT UNIQUE,
        first_name TEXT, last_name TEXT, company TEXT, email TEXT, phone TEXT,
        status TEXT, source TEXT, score INTEGER, estimated_value {REAL}, agent_id TEXT,
        eligible INTEGER NOT NULL DEFAULT 0,
        platform_updated_at {BIG}, platform_version {BIG}, sf_modstamp {BIG},
        platform_hash TEXT, salesforce_hash TEXT,
        last_source TEXT,
        sync_state TEXT NOT NULL DEFAULT 'pending',
        last_synced_at {BIG}, last_error TEXT,
        updated_at {BIG} NOT NULL))",
    "CREATE INDEX leads_sync_state ON leads (sync_state)",
    "CREATE INDEX leads_updated_at ON leads (updated_at)",
    R"(CREATE TABLE agents (
        id {ID},
        platform_id TEXT UNIQUE,
        salesforce_id TEXT UNIQUE,
        name TEXT, email TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        eligible INTEGER NOT NULL DEFAULT 0,
        states TEXT, capacity INTEGER,
        sf_modstamp {BIG}, platform_hash TEXT, salesforce_hash TEXT,
        sync_state TEXT NOT NULL DEFAULT 'pending',
        last_synced_at {BIG},
        updated_at {BIG} NOT NULL))",
    R"(CREATE TABLE inbound_events (
        id {ID},
        event_id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        type TEXT NOT NULL,
        occurred_at {BIG},
        received_at {BIG} NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'new',
        processed_at {BIG},
        error TEXT))",
    "CREATE INDEX inbound_events_new ON inbound_events (id) WHERE state = 'new'",
    R"(CREATE TABLE outbox (
        id {ID},
        idempotency_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        record_key TEXT,
        payload TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at {BIG} NOT NULL,
        claimed_by TEXT,
        lease_until {BIG},
        last_error_code TEXT,
        last_error TEXT,
        created_at {BIG} NOT NULL,
        updated_at {BIG} NOT NULL,
        completed_at {BIG}))",
    "CREATE INDEX outbox_due ON outbox (priority DESC, next_attempt_at, id) WHERE state = "
    "'pending'",
    "CREATE INDEX outbox_leased ON outbox (lease_until) WHERE state = 'claimed'",
    "CREATE INDEX outbox_record ON outbox (record_key, kind)",
    R"(CREATE TABLE inbox (
        id {ID},
        outbox_id {BIG} NOT NULL UNIQUE REFERENCES outbox (id),
        idempotency_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        record_key TEXT,
        payload TEXT NOT NULL,
        error_class TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 1,
        first_failed_at {BIG} NOT NULL,
        last_failed_at {BIG} NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        resolution TEXT,
        resolved_by TEXT,
        resolved_at {BIG}))",
    "CREATE INDEX inbox_state ON inbox (state, last_failed_at)",
    R"(CREATE TABLE audit_log (
        id {ID},
        at {BIG} NOT NULL,
        actor TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT,
        action TEXT NOT NULL,
        detail TEXT))",
    "CREATE INDEX audit_entity ON audit_log (entity, entity_id)",
    "CREATE INDEX audit_at ON audit_log (at)",
    R"(CREATE TABLE watermarks (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at {BIG} NOT NULL))",
    R"(CREATE TABLE api_usage (
        id {ID},
        at {BIG} NOT NULL,
        system TEXT NOT NULL,
        metric TEXT NOT NULL,
        used {BIG},
        max_value {BIG}))",
    "CREATE INDEX api_usage_metric ON api_usage (system, metric, at)",
    nullptr,
};

// The mirror keeps, per record and per side, the last content LeadBridge saw or wrote there
// (JSON) and its hash: a change whose hash equals the stored one is an echo of our own write.
constexpr const char *V2[] = {
    "ALTER TABLE leads ADD COLUMN platform_state TEXT",
    "ALTER TABLE leads ADD COLUMN salesforce_state TEXT",
    "ALTER TABLE agents ADD COLUMN platform_state TEXT",
    "ALTER TABLE agents ADD COLUMN salesforce_state TEXT",
    "ALTER TABLE agents ADD COLUMN platform_version {BIG}",
    "ALTER TABLE agents ADD COLUMN last_error TEXT",
    nullptr,
};

// Reconciler runs: counts and a sample of the differences found.
constexpr const char *V3[] = {
    R"(CREATE TABLE reconcile_reports (
        id {ID},
        started_at {BIG} NOT NULL,
        finished_at {BIG},
        trigger_kind TEXT NOT NULL,
        leads_compared INTEGER NOT NULL DEFAULT 0,
        agents_compared INTEGER NOT NULL DEFAULT 0,
        missing_in_salesforce INTEGER NOT NULL DEFAULT 0,
        missing_on_platform INTEGER NOT NULL DEFAULT 0,
        differing INTEGER NOT NULL DEFAULT 0,
        enqueued INTEGER NOT NULL DEFAULT 0,
        samples TEXT,
        error TEXT))",
    "CREATE INDEX reconcile_reports_started ON reconcile_reports (started_at)",
    nullptr,
};

// The console's leads view over a million rows: an index per sortable column (each also
// orders ties by id: SQLite indexes end in the rowid, PostgreSQL adds an incremental sort),
// and an index for the text filter. SQLite: a contentless FTS5 trigram table over the search
// text, kept by triggers. PostgreSQL: a pg_trgm index on the same expression when the
// extension can be created (it is "trusted" since PostgreSQL 13); without it the filter still
// works, by scanning. A statement starting "sqlite:" or "postgres:" runs on that backend only.
#define LB_FTS_INSERT(p)                                                                           \
    "INSERT INTO leads_fts (rowid, text) VALUES (" p "id, " LB_LEADS_SEARCH_TEXT(p) ");"
#define LB_FTS_DELETE(p)                                                                           \
    "INSERT INTO leads_fts (leads_fts, rowid, text) VALUES ('delete', " p                          \
    "id, " LB_LEADS_SEARCH_TEXT(p) ");"
constexpr const char *V4[] = {
    "CREATE INDEX leads_last_name ON leads (last_name)",
    "CREATE INDEX leads_company ON leads (company)",
    "CREATE INDEX leads_status ON leads (status)",
    "CREATE INDEX leads_score ON leads (score)",
    "CREATE INDEX leads_agent ON leads (agent_id)",
    "CREATE INDEX leads_last_synced ON leads (last_synced_at)",
    "sqlite:CREATE VIRTUAL TABLE leads_fts USING fts5(text, content='', columnsize=0, "
    "tokenize='trigram')",
    "sqlite:CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN " LB_FTS_INSERT(
        "new.") " END",
    "sqlite:CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN " LB_FTS_DELETE(
        "old.") " END",
    "sqlite:CREATE TRIGGER leads_fts_update AFTER UPDATE OF platform_id, salesforce_id, "
    "first_name, last_name, company, email, phone ON leads WHEN " LB_LEADS_SEARCH_TEXT(
        "old.") " IS NOT " LB_LEADS_SEARCH_TEXT("new.") " BEGIN " LB_FTS_DELETE("old.")
        LB_FTS_INSERT("new.") " END",
    "sqlite:INSERT INTO leads_fts (rowid, text) SELECT id, " LB_LEADS_SEARCH_TEXT("") " FROM leads",
    "postgres:DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; "
    "CREATE INDEX leads_search_trgm ON leads USING gin ((" LB_LEADS_SEARCH_TEXT(
        "") ") gin_trgm_ops); "
            "EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'leads text filter without pg_trgm: %', "
            "SQLERRM; "
            "END $$",
    nullptr,
};

// FTS5 flushes its pending terms to a new on-disk segment at every statement savepoint, and a
// statement that fires a trigger has one: with the index kept by per-row triggers, syncing
// 20,000 leads wrote 40,000 tiny segments and spent half its time merging them (perf). The
// triggers now only note which rows changed, with the text the index holds for them, in a
// plain table; MirrorStore::flushSearchIndex() applies the batch to the index in two
// statements before the transaction commits.
#define LB_PENDING(id, text)                                                                       \
    "INSERT OR IGNORE INTO leads_fts_pending (id, old_text) VALUES (" id ", " text ");"
constexpr const char *V5[] = {
    "sqlite:DROP TRIGGER leads_fts_insert",
    "sqlite:DROP TRIGGER leads_fts_delete",
    "sqlite:DROP TRIGGER leads_fts_update",
    "sqlite:CREATE TABLE leads_fts_pending (id INTEGER PRIMARY KEY, old_text TEXT)",
    "sqlite:CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN " LB_PENDING(
        "new.id", "NULL") " END",
    "sqlite:CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN " LB_PENDING(
        "old.id", LB_LEADS_SEARCH_TEXT("old.")) " END",
    "sqlite:CREATE TRIGGER leads_search_update AFTER UPDATE OF platform_id, salesforce_id, "
    "first_name, last_name, company, email, phone ON leads WHEN " LB_LEADS_SEARCH_TEXT(
        "old.") " IS NOT " LB_LEADS_SEARCH_TEXT("new.") " BEGIN " LB_PENDING("old.id",
                                                                             LB_LEADS_SEARCH_TEXT(
                                                                                 "old.")) " END",
    nullptr,
};
#undef LB_PENDING
#undef LB_FTS_INSERT
#undef LB_FTS_DELETE

// Tombstones: a lead deleted on one side keeps its row, marked with when and where it was
// deleted, so no replayed event, late poll page or reconcile brings it back (SALESFORCE_ORG.md,
// "Lead lifecycle, both ways"). Only a restore or undelete at the source clears the marker.
constexpr const char *V6[] = {
    "ALTER TABLE leads ADD COLUMN deleted_at {BIG}",
    "ALTER TABLE leads ADD COLUMN deleted_on TEXT",
    nullptr,
};

// Bulk API 2.0 ingest jobs the engine sent: stored once Salesforce created the job and before any
// row is uploaded, so a restart collects the results of the job it already sent instead of
// uploading the rows again. `items` holds the outbox jobs the job carries (JSON).
constexpr const char *V7[] = {
    R"(CREATE TABLE bulk_jobs (
        job_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        items TEXT NOT NULL,
        created_at {BIG} NOT NULL,
        updated_at {BIG} NOT NULL))",
    "CREATE INDEX bulk_jobs_open ON bulk_jobs (created_at) WHERE state = 'sent'",
    nullptr,
};

// The reconcile's report by kind: leads found deleted since last seen, records a side holds
// that it should not (a lead deleted in Salesforce still live on the platform, an active agent
// no People__c names), and the writes queued per job kind (JSON object).
constexpr const char *V8[] = {
    "ALTER TABLE reconcile_reports ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE reconcile_reports ADD COLUMN extra INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE reconcile_reports ADD COLUMN queued TEXT",
    nullptr,
};

// Leases on work only one process may do at a time for an org (the change stream's consumer):
// held by `holder` until `expires_at`, renewed while it works, taken over once expired.
constexpr const char *V9[] = {
    R"(CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at {BIG} NOT NULL))",
    nullptr,
};

// The lifecycle state the console shows without reading JSON: the lead a lead deleted in
// Salesforce was merged into (its MasterRecordId), and whether it was converted there.
constexpr const char *V10[] = {
    "ALTER TABLE leads ADD COLUMN merged_into TEXT",
    "ALTER TABLE leads ADD COLUMN converted INTEGER NOT NULL DEFAULT 0",
    nullptr,
};

// Agent tombstones: a People__c deleted in Salesforce keeps its row, marked with when and where
// it was deleted, so a replayed event or a late poll page does not make the agent active again;
// only an undelete in Salesforce clears the marker (SALESFORCE_ORG.md, "Lead lifecycle").
constexpr const char *V11[] = {
    "ALTER TABLE agents ADD COLUMN deleted_at {BIG}",
    "ALTER TABLE agents ADD COLUMN deleted_on TEXT",
    nullptr,
};

// A fleet on one store (issue 17): each lease carries a token that grows whenever it changes
// hands (or is taken again after it ran out), so writes made under a duty can check that their
// writer still holds it; and every engine process reports itself in `processes` (heartbeat).
constexpr const char *V12[] = {
    "ALTER TABLE leases ADD COLUMN token {BIG} NOT NULL DEFAULT 0",
    R"(CREATE TABLE processes (
        worker_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid {BIG} NOT NULL,
        version TEXT NOT NULL,
        role TEXT NOT NULL,
        started_at {BIG} NOT NULL,
        heartbeat_at {BIG} NOT NULL,
        duties TEXT NOT NULL,
        deliveries_last_min {BIG} NOT NULL DEFAULT 0))",
    nullptr,
};

// An ingest job's progress as its polls report it (numberRecordsProcessed / numberRecordsFailed,
// Salesforce's state), its number of rows, and a cancel asked for while it runs (the import
// view's Cancel): the engine aborts it at Salesforce on its next poll.
constexpr const char *V13[] = {
    "ALTER TABLE bulk_jobs ADD COLUMN total {BIG} NOT NULL DEFAULT 0",
    "ALTER TABLE bulk_jobs ADD COLUMN processed {BIG} NOT NULL DEFAULT 0",
    "ALTER TABLE bulk_jobs ADD COLUMN failed {BIG} NOT NULL DEFAULT 0",
    "ALTER TABLE bulk_jobs ADD COLUMN sf_state TEXT",
    "ALTER TABLE bulk_jobs ADD COLUMN abort_requested INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX bulk_jobs_created ON bulk_jobs (created_at)",
    nullptr,
};

// Operators' commands to a running fleet (issue 17): issued by the console or the CLI, claimed
// by exactly one engine process (the claim is an UPDATE ... WHERE claimed_by IS NULL), carried
// out there and answered with an outcome. Pause and resume are not claimed: they set the
// fleet-wide flag every process reads (CommandStore.h).
constexpr const char *V14[] = {
    R"(CREATE TABLE commands (
        id {ID},
        kind TEXT NOT NULL,
        arguments TEXT NOT NULL,
        issued_at {BIG} NOT NULL,
        issued_by TEXT NOT NULL,
        claimed_by TEXT,
        claimed_at {BIG},
        done_at {BIG},
        ok INTEGER,
        outcome TEXT))",
    "CREATE INDEX commands_unclaimed ON commands (id) WHERE claimed_by IS NULL",
    nullptr,
};

// Erasure (issue 19): who was forgotten, by a hash of the normalised email and by the record ids
// they had, never by the email itself, so the intake can refuse a replayed event, a late poll
// page or a reconcile that names them again. Retention: the purge walks inbound events by when
// they arrived and finished jobs by when they finished.
constexpr const char *V15[] = {
    R"(CREATE TABLE erasures (
        id {ID},
        at {BIG} NOT NULL,
        email_hash TEXT NOT NULL,
        actor TEXT NOT NULL,
        counts TEXT))",
    "CREATE INDEX erasures_email ON erasures (email_hash)",
    R"(CREATE TABLE erased_records (
        record_id TEXT PRIMARY KEY,
        erasure_id {BIG} NOT NULL REFERENCES erasures (id)))",
    "CREATE INDEX inbound_events_received ON inbound_events (received_at)",
    "CREATE INDEX outbox_finished ON outbox (updated_at) WHERE state IN ('done', 'superseded', "
    "'cancelled', 'failed')",
    nullptr,
};

// Hub and spoke (issue 18): destinations added or disabled in the console (the profile's own are
// read from the profile; a row here with the same name overrides them), and an index for the
// in-order claim of a destination's lane (a record's older pending job holds the newer back).
constexpr const char *V16[] = {
    R"(CREATE TABLE destinations (
        name TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        updated_at {BIG} NOT NULL,
        updated_by TEXT NOT NULL))",
    "CREATE INDEX outbox_lane_record ON outbox (target, record_key, id) WHERE state IN "
    "('pending', 'claimed')",
    nullptr,
};

// Alerts and destinations (issue 18): the open incidents, so a restart neither loses an
// incident's resolve nor triggers it again (one row per condition; the processes of a fleet share
// it, so only one of them triggers); and each lane's counts by state for the dashboard, read
// from an index instead of a scan of the whole outbox.
constexpr const char *V17[] = {
    R"(CREATE TABLE alert_incidents (
        condition_id TEXT PRIMARY KEY,
        dedup_key TEXT NOT NULL,
        summary TEXT NOT NULL,
        severity TEXT NOT NULL,
        opened_at {BIG} NOT NULL))",
    "CREATE INDEX outbox_target_state ON outbox (target, state)",
    nullptr,
};

// The lean record path (issue 20): content hashes over the typed fields' canonical bytes instead
// of a rebuilt JSON document. No schema change; the step re-hashes the mirror's stored states
// once, so an upgraded store does not see every record as changed (MirrorRehash.h).
constexpr const char *V18[] = {
    nullptr,
};

// The console's leads view on PostgreSQL (issue 20): a window deep in a million rows is read
// through the sort column's index alone. Each sort index also holds `id` (the order's tiebreak),
// so the ids of a window come from an index-only scan and only the window's own rows are read
// from the table (LeadsTableModel::loadPage). SQLite's indexes already end with the rowid.
constexpr const char *V19[] = {
    "postgres:DROP INDEX IF EXISTS leads_updated_at",
    "postgres:CREATE INDEX leads_updated_at ON leads (updated_at, id)",
    "postgres:DROP INDEX IF EXISTS leads_sync_state",
    "postgres:CREATE INDEX leads_sync_state ON leads (sync_state, id)",
    "postgres:DROP INDEX IF EXISTS leads_last_name",
    "postgres:CREATE INDEX leads_last_name ON leads (last_name, id)",
    "postgres:DROP INDEX IF EXISTS leads_company",
    "postgres:CREATE INDEX leads_company ON leads (company, id)",
    "postgres:DROP INDEX IF EXISTS leads_status",
    "postgres:CREATE INDEX leads_status ON leads (status, id)",
    "postgres:DROP INDEX IF EXISTS leads_score",
    "postgres:CREATE INDEX leads_score ON leads (score, id)",
    "postgres:DROP INDEX IF EXISTS leads_agent",
    "postgres:CREATE INDEX leads_agent ON leads (agent_id, id)",
    "postgres:DROP INDEX IF EXISTS leads_last_synced",
    "postgres:CREATE INDEX leads_last_synced ON leads (last_synced_at, id)",
    "postgres:CREATE INDEX IF NOT EXISTS leads_platform_id_order ON leads (platform_id, id)",
    "postgres:CREATE INDEX IF NOT EXISTS leads_salesforce_id_order ON leads (salesforce_id, id)",
    nullptr,
};

constexpr Migration AllMigrations[] = {
    {1, "initial schema", V1},
    {2, "mirror state per side", V2},
    {3, "reconcile reports", V3},
    {4, "leads view indexes and text search", V4},
    {5, "text search index kept per batch", V5},
    {6, "lead tombstones", V6},
    {7, "bulk ingest jobs", V7},
    {8, "reconcile report by kind", V8},
    {9, "leases", V9},
    {10, "lead merged into, converted", V10},
    {11, "agent tombstones", V11},
    {12, "lease tokens, fleet processes", V12},
    {13, "bulk job progress and cancel", V13},
    {14, "fleet commands", V14},
    {15, "erasure tombstones, retention indexes", V15},
    {16, "destinations", V16},
    {17, "alert incidents, lane counts by state", V17},
    {18, "mirror hashes over canonical bytes", V18, rehashMirrorStates},
    {19, "leads view sort indexes hold the id (PostgreSQL)", V19},
};

// The statement for this backend, or a null string when it is for the other one.
QString forDialect(const char *statement, SqlDialect dialect)
{
    QString sql = QString::fromUtf8(statement);
    const bool sqlite = dialect == SqlDialect::Sqlite;
    const QLatin1String sqliteOnly("sqlite:"), postgresOnly("postgres:");
    if (sql.startsWith(sqliteOnly) || sql.startsWith(postgresOnly)) {
        if (sql.startsWith(sqliteOnly) != sqlite)
            return {};
        sql.remove(0, sqlite ? sqliteOnly.size() : postgresOnly.size());
    }
    sql.replace(QLatin1String("{ID}"),
                sqlite ? QLatin1String("INTEGER PRIMARY KEY")
                       : QLatin1String("BIGINT GENERATED BY DEFAULT AS "
                                       "IDENTITY PRIMARY KEY"));
    sql.replace(QLatin1String("{BIG}"),
                sqlite ? QLatin1String("INTEGER") : QLatin1String("BIGINT"));
    sql.replace(QLatin1String("{REAL}"),
                sqlite ? QLatin1String("REAL") : QLatin1String("DOUBLE PRECISION"));
    return sql;
}

Result<int> readVersion(Database &db)
{
    auto q = db.run(QStringLiteral("schema.version"),
                    QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    if (!q)
        return q.error();
    const int version = (*q)->next() ? (*q)->value(0).toInt() : 0;
    (*q)->finish();
    return version;
}

} // namespace

int Migrations::latestVersion()
{
    return std::end(AllMigrations)[-1].version;
}

Result<int> Migrations::currentVersion(Database &db)
{
    return readVersion(db);
}

Result<void> Migrations::migrate(Database &db)
{
    return migrate(db, latestVersion());
}

Result<void> Migrations::migrate(Database &db, int upTo)
{
    const QString createMeta
        = QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                         "description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    for (const Migration &migration : AllMigrations) {
        if (migration.version > upTo)
            break; // in order: nothing later is wanted
        Transaction tx(db);
        if (!tx.started())
            return tx.started().error();
        // PostgreSQL: serialise concurrent starters (CREATE TABLE IF NOT EXISTS races there).
        // SQLite: BEGIN IMMEDIATE already holds the write lock.
        if (db.dialect() == SqlDialect::Postgres) {
            if (auto r = db.execute(QStringLiteral("SELECT pg_advisory_xact_lock(7414501)")); !r)
                return r;
        }
        if (auto r = db.execute(createMeta); !r)
            return r;
        const auto current = readVersion(db);
        if (!current)
            return current.error();
        if (*current >= migration.version)
            continue;
        for (const char *const *s = migration.statements; *s; ++s) {
            const QString sql = forDialect(*s, db.dialect());
            if (sql.isNull())
                continue;
            // sql-constant: the migration's statements are string literals compiled in
            // (Migrations.cpp), only picked per dialect
            if (auto r = db.execute(sql); !r)
                return makeError(
                    QStringLiteral("store_migration"),
                    QStringLiteral("Migration %1 (%2) failed and was rolled back: %3")
                        .arg(migration.version)
                        .arg(QString::fromUtf8(migration.description), r.error().message));
        }
        if (migration.step) {
            if (auto r = migration.step(db); !r)
                return makeError(
                    QStringLiteral("store_migration"),
                    QStringLiteral("Migration %1 (%2) failed and was rolled back: %3")
                        .arg(migration.version)
                        .arg(QString::fromUtf8(migration.description), r.error().message));
        }
        auto recorded = db.run(QStringLiteral("schema.record"),
                               QStringLiteral("INSERT INTO schema_version (version, description, "
                                              "applied_at) VALUES (?, ?, ?)"),
                               {migration.version, QString::fromUtf8(migration.description),
                                QDateTime::currentMSecsSinceEpoch()});
        if (!recorded)
            return recorded.error();
        if (auto r = tx.commit(); !r)
            return r;
        qCDebug(lcStore) << "store migrated to version" << migration.version;
    }
    return {};
}

} // namespace lb
