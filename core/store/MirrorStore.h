#pragma once

#include "Database.h"
#include "model/MirrorRecord.h"
#include "util/Clock.h"

#include <QHash>
#include <QList>

#include <optional>

namespace lb {

// The local mirror of leads (table `leads`, keyed by the platform id) or of the roster (table
// `agents`, keyed by the Salesforce id, because a new People__c has no platform id yet).
// Display columns (name, company, status, ...) are kept in step with the platform state so
// the console can filter and sort a million rows with plain indexes.
class MirrorStore
{
public:
    enum class Kind { Leads, Agents };

    MirrorStore(Database &db, const Clock &clock, Kind kind);

    Result<std::optional<MirrorRecord>> byPlatformId(const QString &platformId);
    Result<std::optional<MirrorRecord>> bySalesforceId(const QString &salesforceId);
    // Looks up many at once (by platform id for leads, by Salesforce id for agents). With
    // `lock`, inside the caller's transaction: the rows stay locked (PostgreSQL; SQLite's write
    // transaction locks the store) until it ends, so another process's change of them commits
    // either before this read or after the caller's writes, never in between.
    Result<QHash<QString, MirrorRecord>> byKeys(const QStringList &keys, bool lock = false);

    // Inserts or replaces records (one statement per record, in the caller's transaction or
    // its own), then brings the leads' text search index up to date.
    Result<void> put(const QList<MirrorRecord> &records);

    // SQLite: applies the rows noted in leads_fts_pending to the leads' text search index (see
    // migration 5). put() does it; code that writes the leads table itself calls it before
    // committing. PostgreSQL's trigram index needs nothing.
    static Result<void> flushSearchIndex(Database &db);

    Result<qint64> count();
    // Keyset paging over all records in key order, for the reconciler.
    Result<QList<MirrorRecord>> page(const QString &afterKey, int limit);

    Kind kind() const { return m_kind; }

private:
    Result<QList<MirrorRecord>> read(const QString &key, const QString &sql,
                                     const QVariantList &values);
    static MirrorRecord readRecord(const QSqlQuery &q);

    Database &m_db;
    const Clock &m_clock;
    Kind m_kind;
};

} // namespace lb
