#include "LeadsQuery.h"

#include "LeadSearchText.h"

namespace lb {

LeadsQuery::LeadsQuery(const LeadFilter &filter, SqlDialect dialect, TextMode mode,
                       const QString &matchTable)
    : m_filter(filter)
    , m_dialect(dialect)
    , m_mode(filter.text.isEmpty() ? TextMode::None : mode)
    , m_matchTable(matchTable)
{ }

LeadsQuery::TextMode LeadsQuery::defaultMode(const LeadFilter &filter, SqlDialect dialect)
{
    if (filter.text.isEmpty())
        return TextMode::None;
    // Trigrams need three characters; shorter text would match nothing in the index.
    return dialect == SqlDialect::Sqlite && filter.text.size() >= 3 ? TextMode::Match
                                                                    : TextMode::Scan;
}

bool LeadsQuery::hasEqualityFilter() const
{
    return !m_filter.status.isEmpty() || !m_filter.syncState.isEmpty()
        || !m_filter.agentId.isEmpty();
}

LeadsQuery::Sql LeadsQuery::build(Drive drive) const
{
    struct Condition
    {
        const char *column;
        QString value;
        QChar tag;
    };
    QList<Condition> equalities;
    if (!m_filter.agentId.isEmpty())
        equalities.append({"agent_id", m_filter.agentId, u'a'});
    if (!m_filter.syncState.isEmpty())
        equalities.append({"sync_state", m_filter.syncState, u'y'});
    if (!m_filter.status.isEmpty())
        equalities.append({"status", m_filter.status, u's'});
    // Which equality drives when the filter does: an agent's leads are few, failing or pending
    // ones are few in a healthy system, a status is shared by many. A text match drives
    // instead when there is one.
    int driver = -1;
    if (drive == Drive::Filter && m_mode != TextMode::Match && !equalities.isEmpty()) {
        const Condition &first = equalities.first();
        driver
            = first.tag == u'y' && first.value == QLatin1String("synced") && equalities.size() > 1
            ? 1
            : 0;
    }
    const bool sqlite = m_dialect == SqlDialect::Sqlite;
    Sql sql;
    sql.key = drive == Drive::Filter ? QStringLiteral("f") : QStringLiteral("s");
    auto add = [&sql](const QString &condition) {
        // sql-constant: the condition text is one of the literals below; m_matchTable is the
        // generated lb_leads_match_<n> name; values are bound
        sql.where += (sql.where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND "))
            + condition;
    };
    if (m_mode == TextMode::Match) {
        // sql-constant: m_matchTable is the generated lb_leads_match_<n> name
        // (LeadsTableModel::collectMatches)
        add(QStringLiteral("id IN (SELECT id FROM temp.") + m_matchTable + u')');
        sql.key += u'm' + m_matchTable;
    } else if (m_mode == TextMode::Scan) {
        add(QLatin1String(LB_LEADS_SEARCH_TEXT(""))
            + (sqlite ? QLatin1String(" LIKE ? ESCAPE '\\'") : QLatin1String(" ILIKE ?")));
        sql.values << containsPattern(m_filter.text);
        sql.key += u'l';
    }
    for (int i = 0; i < equalities.size(); ++i) {
        const bool indexed = !sqlite || i == driver;
        add((indexed ? QString() : QStringLiteral("+")) + QLatin1String(equalities.at(i).column)
            + QStringLiteral(" = ?"));
        sql.values << equalities.at(i).value;
        sql.key += equalities.at(i).tag;
        if (!indexed)
            sql.key += u'+';
    }
    return sql;
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
