#pragma once

#include "LeadFilter.h"
#include "LeadsQuery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace lb {

class Store;

// The local mirror of leads for the console, read page by page so a million rows open and
// scroll at once: rows are fetched in windows of PageSize (LIMIT/OFFSET on the index of the
// sort column; beyond the middle the window is read from the other end; on PostgreSQL the
// window's ids come from that index alone; the next window comes along when not cached), a few
// dozen windows are cached, and the row count is one COUNT per filter.
//
// A text filter that matches very many rows is counted only up to a cap (countIsExact() is
// then false); the view grows it through canFetchMore()/fetchMore() as the user scrolls.
//
// Runs on the GUI thread over the GUI thread's own Store. Read-only.
class LeadsTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        PlatformId,
        Name,
        Company,
        Email,
        Phone,
        Status,
        Source,
        Score,
        Value,
        Agent,
        Eligible,
        SyncState,
        LastSynced,
        LastError,
        SalesforceId,
        Updated,
        Lifecycle, // deleted (on which side), merged into which lead, converted
        ColumnCount
    };
    enum Role { PlatformIdRole = Qt::UserRole + 1, SyncStateRole, RawRole };

    static constexpr int PageSize = 200;
    static constexpr int CachedPages = 40;
    static constexpr int DefaultCountCap = 20'000;
    // An FTS term with at least this many matches is "common": scanning in sort order finds
    // a page faster than sorting every match.
    static constexpr int DefaultFtsSelectiveLimit = 20'000;
    // Up to this many rows, a window is read through the filter's index and sorted; above,
    // through the sort column's index (SQLite).
    static constexpr int SortInMemoryLimit = 20'000;

    explicit LeadsTableModel(Store &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Columns backed by an index; sort() ignores the others.
    static bool isSortable(int column);
    // Tests make the limits small to exercise both paths on little data.
    void setCountLimits(int initialCap, int ftsSelectiveLimit);

    void setFilter(const LeadFilter &filter);
    const LeadFilter &filter() const { return m_filter; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // Re-reads the count and drops cached rows, keeping the view where it is (rows appear or
    // disappear at the end); for live updates while the engine writes.
    void refresh();

    bool countIsExact() const { return m_exact; }
    QString platformIdAt(int row) const;
    QString lastError() const { return m_lastError; }
    int pagesFetched() const { return m_pagesFetched; } // for tests and measurements

signals:
    void countChanged(int count, bool exact);
    void errorOccurred(const QString &message);

private:
    struct Count
    {
        int rows = 0;
        bool exact = true;
        LeadsQuery::TextMode mode = LeadsQuery::TextMode::None;
        bool ok = true;
    };
    using Row = QVariantList;

    Count countRows(int cap, bool collectMatches);
    bool collectMatches(int limit, bool *common);
    const Row *rowAt(int row) const;
    bool loadPage(int page) const;
    void remember(int page, QList<Row> rows) const; // into the cache, most recent
    void clearPages();
    void fail(const QString &message) const;
    QString orderBy(bool reversed) const;

    Store &m_store;
    LeadFilter m_filter;
    LeadsQuery::TextMode m_mode = LeadsQuery::TextMode::None;
    QString m_matchTable; // temporary table of this model's text matches (SQLite)
    int m_matches = 0;
    int m_sortColumn = Updated;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    int m_count = 0;
    bool m_exact = true;
    int m_initialCap = DefaultCountCap;
    int m_ftsLimit = DefaultFtsSelectiveLimit;
    int m_cap = DefaultCountCap;
    mutable QHash<int, QList<Row>> m_pages;
    mutable QList<int> m_recent; // page numbers, most recently used last
    mutable QString m_lastError;
    mutable int m_pagesFetched = 0;
};

} // namespace lb
