#pragma once

#include "model/OutboxJob.h"
#include "util/Result.h"

#include <QAbstractTableModel>
#include <QList>

namespace lb {

class Store;

// Pending and in-flight outbox jobs for the console, next due first, read in batches as the
// view scrolls. refresh() re-reads what is loaded, for live updates.
class QueueTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Id,
        Kind,
        Target,
        Record,
        State,
        Attempts,
        NextAttempt,
        Priority,
        LastError,
        Created,
        ColumnCount
    };
    enum Role { IdRole = Qt::UserRole + 1, CancellableRole };
    static constexpr int BatchSize = 500;

    explicit QueueTableModel(Store &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void reload();
    void refresh();
    const OutboxJob *jobAt(int row) const;
    int rowOf(qint64 id) const;

signals:
    void errorOccurred(const QString &message);

private:
    Store &m_store;
    QList<OutboxJob> m_jobs;
    bool m_more = false;
};

} // namespace lb
