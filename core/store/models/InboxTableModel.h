#pragma once

#include "model/InboxItem.h"
#include "util/Result.h"

#include <QAbstractTableModel>
#include <QList>

namespace lb {

class Store;

// The error inbox for the console, newest failure first, read in batches as the view scrolls
// (canFetchMore/fetchMore). refresh() re-reads what is loaded, for live updates.
class InboxTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Id,
        Record,
        Kind,
        Target,
        ErrorClass,
        Code,
        Message,
        Attempts,
        Failures,
        FirstFailed,
        LastFailed,
        State,
        ColumnCount
    };
    enum Role { IdRole = Qt::UserRole + 1 };
    static constexpr int BatchSize = 500;

    explicit InboxTableModel(Store &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // state: open, retried, discarded or empty for all; text: record, code or message.
    void setFilter(const QString &state, const QString &text);
    QString stateFilter() const { return m_filter.state; }
    QString textFilter() const { return m_filter.text; }
    void refresh();

    const InboxItem *itemAt(int row) const;
    QList<qint64> idsAt(const QList<int> &rows) const;
    int rowOf(qint64 id) const;

signals:
    void errorOccurred(const QString &message);

private:
    Result<QList<InboxItem>> read(int offset, int limit);

    Store &m_store;
    InboxFilter m_filter;
    QList<InboxItem> m_items;
    bool m_more = false;
};

} // namespace lb
