#pragma once

#include "LeadFilter.h"
#include "store/Database.h"

#include <QVariantList>

namespace lb {

// Builds the WHERE clause of the leads view: only the conditions that are set, and a statement
// key per shape so each prepared statement is reused.
//
// The text condition has two forms. `Match` (SQLite, three characters or more, a selective
// term): the ids found in the trigram index, collected once per filter into a temporary table
// (`matchTable`), because a term with common trigrams costs tens of milliseconds per lookup.
// `Scan`: LIKE/ILIKE on each row's search text; on SQLite it serves short and very common terms
// (a common term fills the first page after a few rows), on PostgreSQL it is the only form and
// uses the pg_trgm index when there is one.
//
// SQLite has no statistics to tell a rare condition from a common one, so the caller says
// which index should drive (`Drive`); the other columns are written `+column`, which keeps
// SQLite from using their index. PostgreSQL plans by its own statistics.
class LeadsQuery
{
public:
    enum class TextMode { None, Match, Scan };
    enum class Drive {
        Filter, // the most selective condition's index (counts, small results)
        Sort, // the sort column's index: rows come in order, the first page fills at once
    };

    LeadsQuery(const LeadFilter &filter, SqlDialect dialect, TextMode mode,
               const QString &matchTable = {});

    static TextMode defaultMode(const LeadFilter &filter, SqlDialect dialect);
    // An FTS5 query matching `text` as one phrase (a substring, with the trigram tokenizer).
    static QString ftsPhrase(const QString &text);
    // A LIKE pattern matching `text` literally anywhere (escape character '\').
    static QString containsPattern(const QString &text);

    struct Sql
    {
        QString where; // "" or " WHERE ..."
        QVariantList values;
        QString key; // distinguishes statement shapes
    };
    Sql build(Drive drive) const;

    TextMode mode() const { return m_mode; }
    bool hasEqualityFilter() const;

private:
    const LeadFilter &m_filter;
    SqlDialect m_dialect;
    TextMode m_mode;
    QString m_matchTable;
};

} // namespace lb
