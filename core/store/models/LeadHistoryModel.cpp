#include "LeadHistoryModel.h"

#include "DisplayFormat.h"
#include "store/Store.h"

namespace lb {

LeadHistoryModel::LeadHistoryModel(Store &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{ }

int LeadHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LeadHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LeadHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Event:
        return tr("Event");
    case Job:
        return tr("Job");
    case Target:
        return tr("Target");
    case Actor:
        return tr("By");
    case Detail:
        return tr("Detail");
    default:
        return {};
    }
}

QVariant LeadHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry &e = m_entries.at(index.row());
    if (role == Qt::ToolTipRole && index.column() == Detail)
        return display::prettyJson(e.detail.toUtf8());
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return display::time(e.at);
    case Event:
        return e.action;
    case Job:
        if (e.source == QLatin1String("lead"))
            return {}; // the lead's own lifecycle, no job
        return QStringLiteral("%1 #%2 %3").arg(e.source).arg(e.sourceId).arg(e.kind);
    case Target:
        return e.target;
    case Actor:
        return e.actor;
    case Detail:
        return display::oneLine(e.detail);
    default:
        return {};
    }
}

Result<void> LeadHistoryModel::load(const QString &platformLeadId)
{
    const QString recordKey = QStringLiteral("lead:") + platformLeadId;
    // Every part of the UNION uses the (record_key) or (entity, entity_id) index. The lead's
    // own entries are its lifecycle: deleted or merged in Salesforce (with the lead it was
    // merged into), undeleted, a change to a converted lead that was not sent.
    auto q = m_store.database().run(
        QStringLiteral("models.leadHistory"),
        QStringLiteral(
            "SELECT a.id, a.at, a.action, 'outbox', o.id, o.kind, o.target, a.actor, a.detail "
            "FROM outbox o JOIN audit_log a ON a.entity = 'outbox' "
            "AND a.entity_id = CAST(o.id AS TEXT) WHERE o.record_key = ? "
            "UNION ALL "
            "SELECT a.id, a.at, a.action, 'inbox', i.id, i.kind, i.target, a.actor, a.detail "
            "FROM inbox i JOIN audit_log a ON a.entity = 'inbox' "
            "AND a.entity_id = CAST(i.id AS TEXT) WHERE i.record_key = ? "
            "UNION ALL "
            "SELECT a.id, a.at, a.action, 'lead', 0, '', '', a.actor, a.detail "
            "FROM audit_log a WHERE a.entity = 'lead' AND a.entity_id = ? "
            "ORDER BY 1 DESC LIMIT ?"),
        {recordKey, recordKey, platformLeadId, MaxEntries});
    QList<Entry> entries;
    if (q) {
        while ((*q)->next()) {
            Entry e;
            e.at = (*q)->value(1).toLongLong();
            e.action = (*q)->value(2).toString();
            e.source = (*q)->value(3).toString();
            e.sourceId = (*q)->value(4).toLongLong();
            e.kind = (*q)->value(5).toString();
            e.target = (*q)->value(6).toString();
            e.actor = (*q)->value(7).toString();
            e.detail = (*q)->value(8).toString();
            entries.append(std::move(e));
        }
        (*q)->finish();
    }
    beginResetModel();
    m_entries = entries;
    endResetModel();
    if (!q)
        return q.error();
    return {};
}

} // namespace lb
