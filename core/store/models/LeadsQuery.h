#pragma once

#include "LeadFilter.h"
#include "store/Database.h"

#include <QVariantList>

namespace lb {

// Builds the SQL of the leads view: only the conditions that are set, so each one can use its
// index, and a statement key per shape so the prepared statement is reused.
//
// The text condition has two forms. `Fts` (SQLite, three characters or more, a selective term)
// takes the matching ids from the trigram index. `Scan` tests the search text of each row with
// LIKE/ILIKE: on SQLite it serves short and very common terms (for a common term the first page
// fills after a few rows), on PostgreSQL it is the only form and uses the pg_trgm index when
// there is one.
class LeadsQuery
{
public:
    enum class TextMode { None, Fts, Scan };

    LeadsQuery(const LeadFilter &filter, SqlDialect dialect, TextMode mode);

    static TextMode defaultMode(const LeadFilter &filter, SqlDialect dialect);
    static bool ftsUsable(const QString &text, SqlDialect dialect);
    // An FTS5 query matching `text` as one phrase (a substring, with the trigram tokenizer).
    static QString ftsPhrase(const QString &text);
    // A LIKE pattern matching `text` literally anywhere (escape character '\').
    static QString containsPattern(const QString &text);

    QString where() const { return m_where; }
    const QVariantList &values() const { return m_values; }
    QString shapeKey() const { return m_shape; }
    TextMode mode() const { return m_mode; }

private:
    void add(const QString &condition, const QVariantList &values, QChar tag);

    TextMode m_mode;
    QString m_where;
    QVariantList m_values;
    QString m_shape;
};

} // namespace lb
