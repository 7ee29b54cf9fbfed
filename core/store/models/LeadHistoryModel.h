#pragma once

#include "util/Result.h"

#include <QAbstractTableModel>
#include <QList>

namespace lb {

class Store;

// A lead's sync history: the audit entries of every outbox job and inbox item that wrote it
// (record key "lead:<platform id>"), newest first.
class LeadHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Event, Job, Target, Actor, Detail, ColumnCount };
    static constexpr int MaxEntries = 500;

    struct Entry
    {
        qint64 at = 0;
        QString action;
        QString source; // "outbox" | "inbox"
        qint64 sourceId = 0;
        QString kind;
        QString target;
        QString actor;
        QString detail;
    };

    explicit LeadHistoryModel(Store &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    Result<void> load(const QString &platformLeadId);
    const QList<Entry> &entries() const { return m_entries; }

private:
    Store &m_store;
    QList<Entry> m_entries;
};

} // namespace lb
