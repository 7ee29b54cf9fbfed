#include "LeadsTableModel.h"

#include "DisplayFormat.h"
#include "store/Store.h"

#include <QLocale>

#include <algorithm>
#include <atomic>

namespace lb {
namespace {

// Select list, read by position (Field).
const char *Columns = "id, platform_id, salesforce_id, first_name, last_name, company, email, "
                      "phone, status, source, score, estimated_value, agent_id, eligible, "
                      "sync_state, last_synced_at, last_error, updated_at, deleted_on, "
                      "merged_into, converted";
enum Field {
    FId,
    FPlatformId,
    FSalesforceId,
    FFirstName,
    FLastName,
    FCompany,
    FEmail,
    FPhone,
    FStatus,
    FSource,
    FScore,
    FValue,
    FAgent,
    FEligible,
    FSyncState,
    FLastSynced,
    FLastError,
    FUpdated,
    FDeletedOn,
    FMergedInto,
    FConverted,
    FieldCount
};

// The indexed column a view column sorts by (migrations 1, 4), or nullptr.
const char *sortField(int column)
{
    switch (column) {
    case LeadsTableModel::PlatformId:
        return "platform_id";
    case LeadsTableModel::Name:
        return "last_name";
    case LeadsTableModel::Company:
        return "company";
    case LeadsTableModel::Status:
        return "status";
    case LeadsTableModel::Score:
        return "score";
    case LeadsTableModel::Agent:
        return "agent_id";
    case LeadsTableModel::SyncState:
        return "sync_state";
    case LeadsTableModel::LastSynced:
        return "last_synced_at";
    case LeadsTableModel::SalesforceId:
        return "salesforce_id";
    case LeadsTableModel::Updated:
        return "updated_at";
    default:
        return nullptr;
    }
}

} // namespace

LeadsTableModel::LeadsTableModel(Store &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{ }

bool LeadsTableModel::isSortable(int column)
{
    return sortField(column) != nullptr;
}

void LeadsTableModel::setCountLimits(int initialCap, int ftsSelectiveLimit)
{
    m_initialCap = std::max(1, initialCap);
    m_ftsLimit = std::max(1, ftsSelectiveLimit);
}

int LeadsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_count;
}

int LeadsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LeadsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PlatformId:
        return tr("Platform ID");
    case Name:
        return tr("Name");
    case Company:
        return tr("Company");
    case Email:
        return tr("Email");
    case Phone:
        return tr("Phone");
    case Status:
        return tr("Status");
    case Source:
        return tr("Source");
    case Score:
        return tr("Score");
    case Value:
        return tr("Value");
    case Agent:
        return tr("Agent");
    case Eligible:
        return tr("Eligible");
    case SyncState:
        return tr("Sync state");
    case LastSynced:
        return tr("Last synced");
    case LastError:
        return tr("Last error");
    case SalesforceId:
        return tr("Salesforce ID");
    case Updated:
        return tr("Updated");
    case Lifecycle:
        return tr("Lifecycle");
    default:
        return {};
    }
}

QVariant LeadsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_count)
        return {};
    const Row *row = rowAt(index.row());
    if (!row)
        return {};
    const Row &r = *row;
    if (role == PlatformIdRole)
        return r.at(FPlatformId);
    if (role == SyncStateRole)
        return r.at(FSyncState);
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == Score || index.column() == Value)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == RawRole) {
        switch (index.column()) {
        case Score:
            return r.at(FScore);
        case Value:
            return r.at(FValue);
        case LastSynced:
            return r.at(FLastSynced);
        case Updated:
            return r.at(FUpdated);
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role == Qt::ToolTipRole && index.column() == LastError)
        return r.at(FLastError).toString();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case PlatformId:
        return r.at(FPlatformId);
    case Name:
        return QString(r.at(FFirstName).toString() + u' ' + r.at(FLastName).toString()).trimmed();
    case Company:
        return r.at(FCompany);
    case Email:
        return r.at(FEmail);
    case Phone:
        return r.at(FPhone);
    case Status:
        return r.at(FStatus);
    case Source:
        return r.at(FSource);
    case Score:
        return r.at(FScore).isNull() ? QVariant() : QVariant(r.at(FScore).toInt());
    case Value:
        return r.at(FValue).isNull() ? QString()
                                     : QLocale().toString(r.at(FValue).toDouble(), 'f', 2);
    case Agent:
        return r.at(FAgent);
    case Eligible:
        return r.at(FEligible).toInt() != 0 ? tr("Yes") : tr("No");
    case SyncState:
        return r.at(FSyncState);
    case LastSynced:
        return display::time(r.at(FLastSynced).toLongLong());
    case LastError:
        return display::oneLine(r.at(FLastError).toString());
    case SalesforceId:
        return r.at(FSalesforceId);
    case Updated:
        return display::time(r.at(FUpdated).toLongLong());
    case Lifecycle:
        return display::lifecycle(r.at(FDeletedOn).toString(), r.at(FMergedInto).toString(),
                                  r.at(FConverted).toInt() != 0);
    default:
        return {};
    }
}

QString LeadsTableModel::platformIdAt(int row) const
{
    const Row *r = row >= 0 && row < m_count ? rowAt(row) : nullptr;
    return r ? r->at(FPlatformId).toString() : QString();
}

void LeadsTableModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column) || (column == m_sortColumn && order == m_sortOrder))
        return;
    beginResetModel();
    m_sortColumn = column;
    m_sortOrder = order;
    clearPages();
    endResetModel();
}

void LeadsTableModel::setFilter(const LeadFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    m_cap = m_initialCap;
    clearPages();
    const Count c = countRows(m_cap, true);
    m_mode = c.mode;
    m_count = c.ok ? c.rows : 0;
    m_exact = c.ok ? c.exact : true;
    endResetModel();
    emit countChanged(m_count, m_exact);
}

void LeadsTableModel::refresh()
{
    const Count c = countRows(m_cap, true);
    if (!c.ok)
        return;
    clearPages();
    m_mode = c.mode;
    m_exact = c.exact;
    if (c.rows > m_count) {
        beginInsertRows({}, m_count, c.rows - 1);
        m_count = c.rows;
        endInsertRows();
    } else if (c.rows < m_count) {
        beginRemoveRows({}, c.rows, m_count - 1);
        m_count = c.rows;
        endRemoveRows();
    }
    if (m_count > 0)
        emit dataChanged(index(0, 0), index(m_count - 1, ColumnCount - 1));
    emit countChanged(m_count, m_exact);
}

bool LeadsTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exact;
}

void LeadsTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_exact)
        return;
    m_cap = m_cap > INT_MAX / 4 ? INT_MAX - 1 : m_cap * 4;
    const Count c = countRows(m_cap, false);
    if (!c.ok)
        return;
    m_exact = c.exact;
    if (c.rows > m_count) {
        beginInsertRows({}, m_count, c.rows - 1);
        m_count = c.rows;
        endInsertRows();
    }
    emit countChanged(m_count, m_exact);
}

bool LeadsTableModel::collectMatches(int limit, bool *common)
{
    Database &db = m_store.database();
    if (m_matchTable.isEmpty()) {
        static std::atomic<int> counter {0};
        const QString name = QStringLiteral("lb_leads_match_%1").arg(++counter);
        // sql-constant: the table name is lb_leads_match_<counter>, made here from a number
        if (auto r = db.execute(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS %1 "
                                               "(id INTEGER PRIMARY KEY)")
                                    .arg(name));
            !r) {
            fail(r.error().message);
            return false;
        }
        m_matchTable = name;
    }
    // sql-constant: m_matchTable is the generated lb_leads_match_<n> name; the text to match is
    // bound
    if (auto r = db.run(QStringLiteral("leads.match.clear.") + m_matchTable,
                        QStringLiteral("DELETE FROM temp.") + m_matchTable);
        !r) {
        fail(r.error().message);
        return false;
    }
    // sql-constant: m_matchTable is the generated lb_leads_match_<n> name; the text to match is
    // bound
    auto fill = db.run(QStringLiteral("leads.match.fill.") + m_matchTable,
                       QStringLiteral("INSERT INTO temp.") + m_matchTable
                           + QStringLiteral(" (id) SELECT rowid FROM leads_fts WHERE leads_fts "
                                            "MATCH ? LIMIT ?"),
                       {LeadsQuery::ftsPhrase(m_filter.text), limit});
    if (!fill) {
        fail(fill.error().message);
        return false;
    }
    m_matches = (*fill)->numRowsAffected();
    (*fill)->finish();
    *common = m_matches >= limit;
    return true;
}

LeadsTableModel::Count LeadsTableModel::countRows(int cap, bool collect)
{
    Database &db = m_store.database();
    Count c;
    c.mode = LeadsQuery::defaultMode(m_filter, db.dialect());
    if (c.mode == LeadsQuery::TextMode::Match) {
        bool common = false;
        if (collect && !collectMatches(m_ftsLimit, &common)) {
            c.ok = false;
            return c;
        }
        if (collect ? common : m_mode == LeadsQuery::TextMode::Scan)
            c.mode = LeadsQuery::TextMode::Scan; // scanning in order finds a page sooner
    }
    const LeadsQuery query(m_filter, db.dialect(), c.mode, m_matchTable);
    if (c.mode == LeadsQuery::TextMode::Match && !query.hasEqualityFilter()) {
        c.rows = m_matches;
        return c;
    }
    // A common term alone: the index already found at least `cap` rows, which is all the first
    // count would report. Counting them again by scanning cost half a second for a surname
    // shared by 66,000 of a million leads (leadbridge-bench); scrolling on still counts further.
    if (collect && c.mode == LeadsQuery::TextMode::Scan && !query.hasEqualityFilter()
        && m_matches >= cap) {
        c.rows = cap;
        c.exact = false;
        return c;
    }
    const LeadsQuery::Sql sql = query.build(LeadsQuery::Drive::Filter);
    // Counting every match of a scan costs a pass over the table: count up to the cap.
    const bool capped = c.mode == LeadsQuery::TextMode::Scan;
    QVariantList values = sql.values;
    if (capped)
        values << cap + 1;
    // sql-constant: sql.where is written by LeadsQuery::build from literals only; the filter values
    // are bound
    auto q = capped ? db.run(QStringLiteral("leads.count.capped.") + sql.key,
                             QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM leads") + sql.where
                                 + QStringLiteral(" LIMIT ?) capped"),
                             values)
                    : db.run(QStringLiteral("leads.count.") + sql.key,
                             QStringLiteral("SELECT COUNT(*) FROM leads") + sql.where, values);
    if (!q) {
        fail(q.error().message);
        c.ok = false;
        return c;
    }
    const qint64 n = (*q)->next() ? (*q)->value(0).toLongLong() : 0;
    (*q)->finish();
    c.exact = !capped || n <= cap;
    c.rows = int(std::min<qint64>(n, capped ? cap : INT_MAX - 1));
    return c;
}

QString LeadsTableModel::orderBy(bool reversed) const
{
    const bool ascending = (m_sortOrder == Qt::AscendingOrder) != reversed;
    const QLatin1String direction = ascending ? QLatin1String(" ASC") : QLatin1String(" DESC");
    // id last: a total order, so windows neither overlap nor skip rows.
    // sql-constant: sortField() picks a column name from a closed switch; the direction is one of
    // two literals
    return QStringLiteral(" ORDER BY ") + QLatin1String(sortField(m_sortColumn)) + direction
        + QStringLiteral(", id") + direction;
}

const LeadsTableModel::Row *LeadsTableModel::rowAt(int row) const
{
    const int page = row / PageSize;
    auto it = m_pages.constFind(page);
    if (it == m_pages.constEnd()) {
        if (!loadPage(page))
            return nullptr;
        it = m_pages.constFind(page);
    } else if (!m_recent.isEmpty() && m_recent.constLast() != page) {
        m_recent.removeOne(page);
        m_recent.append(page);
    }
    const int offset = row % PageSize;
    return offset < it->size() ? &it->at(offset) : nullptr;
}

bool LeadsTableModel::loadPage(int page) const
{
    Database &db = m_store.database();
    const int first = page * PageSize;
    if (first >= m_count)
        return false;
    // The rows on screen mostly span two windows: the next one, if not cached yet, comes in the
    // same statement (deep in a million rows, each statement walks half of them).
    const bool withNext = first + PageSize < m_count && !m_pages.contains(page + 1);
    const int limit = std::min(withNext ? 2 * PageSize : PageSize, m_count - first);
    // Deep windows are cheaper from the other end: OFFSET walks the index from its start.
    const bool reversed = m_exact && first > m_count / 2;
    const int offset = reversed ? std::max(0, m_count - first - limit) : first;
    const LeadsQuery query(m_filter, db.dialect(), m_mode, m_matchTable);
    const LeadsQuery::Sql sql = query.build(m_count <= SortInMemoryLimit ? LeadsQuery::Drive::Filter
                                                                         : LeadsQuery::Drive::Sort);
    QVariantList values = sql.values;
    values << limit << offset;
    // On PostgreSQL OFFSET reads every row it skips from the table: the window's ids come from
    // the sort column's index alone (it holds id too, migration 19), then only its rows are read.
    const bool idsFirst = db.dialect() == SqlDialect::Postgres;
    const QString key = QStringLiteral("leads.page.%1.%2.%3")
                            .arg(sql.key)
                            .arg(m_sortColumn)
                            .arg(int(m_sortOrder) * 2 + int(reversed));
    // sql-constant: Columns is a compile-time constant, sql.where comes from LeadsQuery::build's
    // literals, orderBy() from a closed switch; values are bound
    auto q = db.run(key,
                    idsFirst
                        ? QString(QStringLiteral("SELECT ") + QLatin1String(Columns)
                                  + QStringLiteral(" FROM leads WHERE id IN (SELECT id FROM leads")
                                  + sql.where + orderBy(reversed)
                                  + QStringLiteral(" LIMIT ? OFFSET ?)") + orderBy(reversed))
                        : QString(QStringLiteral("SELECT ") + QLatin1String(Columns)
                                  + QStringLiteral(" FROM leads") + sql.where + orderBy(reversed)
                                  + QStringLiteral(" LIMIT ? OFFSET ?")),
                    values);
    QList<Row> rows;
    if (!q) {
        fail(q.error().message);
    } else {
        rows.reserve(limit);
        while ((*q)->next()) {
            Row r;
            r.reserve(FieldCount);
            for (int i = 0; i < FieldCount; ++i)
                r.append((*q)->value(i));
            rows.append(std::move(r));
        }
        (*q)->finish();
        if (reversed)
            std::reverse(rows.begin(), rows.end());
    }
    ++m_pagesFetched;
    // A failed window is remembered empty so painting does not retry it on every frame.
    if (withNext)
        remember(page + 1, rows.size() > PageSize ? rows.mid(PageSize) : QList<Row> {});
    remember(page, rows.mid(0, PageSize));
    return true;
}

void LeadsTableModel::remember(int page, QList<Row> rows) const
{
    m_pages.insert(page, std::move(rows));
    m_recent.removeOne(page);
    m_recent.append(page);
    while (m_recent.size() > CachedPages)
        m_pages.remove(m_recent.takeFirst());
}

void LeadsTableModel::clearPages()
{
    m_pages.clear();
    m_recent.clear();
}

void LeadsTableModel::fail(const QString &message) const
{
    m_lastError = message;
    auto *self = const_cast<LeadsTableModel *>(this);
    // Reported later, not from inside data(): a view must not react while it paints.
    QMetaObject::invokeMethod(
        self, [self, message] { emit self->errorOccurred(message); }, Qt::QueuedConnection);
}

} // namespace lb
