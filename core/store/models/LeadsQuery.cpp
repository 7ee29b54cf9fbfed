#include "LeadsQuery.h"

#include "LeadSearchText.h"

namespace lb {

LeadsQuery::LeadsQuery(const LeadFilter &filter, SqlDialect dialect, TextMode mode)
    : m_mode(filter.text.isEmpty() ? TextMode::None : mode)
{
    if (m_mode == TextMode::Fts)
        add(QStringLiteral("id IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?)"),
            {ftsPhrase(filter.text)}, u'f');
    else if (m_mode == TextMode::Scan)
        add(QLatin1String(LB_LEADS_SEARCH_TEXT(""))
                + (dialect == SqlDialect::Postgres ? QLatin1String(" ILIKE ? ESCAPE '\\'")
                                                   : QLatin1String(" LIKE ? ESCAPE '\\'")),
            {containsPattern(filter.text)}, u'l');
    if (!filter.status.isEmpty())
        add(QStringLiteral("status = ?"), {filter.status}, u's');
    if (!filter.syncState.isEmpty())
        add(QStringLiteral("sync_state = ?"), {filter.syncState}, u'y');
    if (!filter.agentId.isEmpty())
        add(QStringLiteral("agent_id = ?"), {filter.agentId}, u'a');
    if (m_where.isEmpty())
        m_shape = QStringLiteral("all");
}

void LeadsQuery::add(const QString &condition, const QVariantList &values, QChar tag)
{
    m_where
        += (m_where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + condition;
    m_values += values;
    m_shape += tag;
}

bool LeadsQuery::ftsUsable(const QString &text, SqlDialect dialect)
{
    // Trigrams need three characters; shorter text would match nothing in the index.
    return dialect == SqlDialect::Sqlite && text.size() >= 3;
}

LeadsQuery::TextMode LeadsQuery::defaultMode(const LeadFilter &filter, SqlDialect dialect)
{
    if (filter.text.isEmpty())
        return TextMode::None;
    return ftsUsable(filter.text, dialect) ? TextMode::Fts : TextMode::Scan;
}

QString LeadsQuery::ftsPhrase(const QString &text)
{
    QString quoted = text;
    quoted.replace(u'"', QLatin1String("\"\""));
    return u'"' + quoted + u'"';
}

QString LeadsQuery::containsPattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', QLatin1String("\\\\"));
    escaped.replace(u'%', QLatin1String("\\%"));
    escaped.replace(u'_', QLatin1String("\\_"));
    return u'%' + escaped + u'%';
}

} // namespace lb
