#include "InboxTableModel.h"

#include "DisplayFormat.h"
#include "store/Store.h"

namespace lb {

InboxTableModel::InboxTableModel(Store &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{ }

int InboxTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int InboxTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InboxTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return tr("ID");
    case Record:
        return tr("Record");
    case Kind:
        return tr("Job");
    case Target:
        return tr("Target");
    case ErrorClass:
        return tr("Class");
    case Code:
        return tr("Code");
    case Message:
        return tr("Message");
    case Attempts:
        return tr("Attempts");
    case Failures:
        return tr("Failures");
    case FirstFailed:
        return tr("First failure");
    case LastFailed:
        return tr("Last failure");
    case State:
        return tr("State");
    default:
        return {};
    }
}

QVariant InboxTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const InboxItem &i = m_items.at(index.row());
    if (role == IdRole)
        return i.id;
    if (role == Qt::ToolTipRole && index.column() == Message)
        return i.errorMessage;
    if (role == Qt::TextAlignmentRole
        && (index.column() == Id || index.column() == Attempts || index.column() == Failures))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id:
        return i.id;
    case Record:
        return i.recordKey;
    case Kind:
        return i.kind;
    case Target:
        return i.target;
    case ErrorClass:
        return i.errorClass;
    case Code:
        return i.errorCode;
    case Message:
        return display::oneLine(i.errorMessage);
    case Attempts:
        return i.attempts;
    case Failures:
        return i.failures;
    case FirstFailed:
        return display::time(i.firstFailedAt);
    case LastFailed:
        return display::time(i.lastFailedAt);
    case State:
        return i.state;
    default:
        return {};
    }
}

Result<QList<InboxItem>> InboxTableModel::read(int offset, int limit)
{
    InboxFilter f = m_filter;
    f.offset = offset;
    f.limit = limit;
    return m_store.inbox().list(f);
}

bool InboxTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more;
}

void InboxTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_more)
        return;
    auto more = read(int(m_items.size()), BatchSize);
    if (!more) {
        m_more = false;
        emit errorOccurred(more.error().message);
        return;
    }
    m_more = more->size() == BatchSize;
    if (more->isEmpty())
        return;
    beginInsertRows({}, int(m_items.size()), int(m_items.size() + more->size() - 1));
    m_items += *more;
    endInsertRows();
}

void InboxTableModel::setFilter(const QString &state, const QString &text)
{
    m_filter.state = state;
    m_filter.text = text;
    auto items = read(0, BatchSize);
    beginResetModel();
    m_items = items ? *items : QList<InboxItem>();
    m_more = items && items->size() == BatchSize;
    endResetModel();
    if (!items)
        emit errorOccurred(items.error().message);
}

void InboxTableModel::refresh()
{
    const int loaded = std::max<int>(BatchSize, int(m_items.size()));
    auto items = read(0, loaded);
    if (!items) {
        emit errorOccurred(items.error().message);
        return;
    }
    bool sameRows = items->size() == m_items.size();
    for (qsizetype i = 0; sameRows && i < items->size(); ++i)
        sameRows = items->at(i).id == m_items.at(i).id;
    m_more = items->size() == loaded;
    if (sameRows) {
        m_items = *items;
        if (!m_items.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_items.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_items = *items;
    endResetModel();
}

const InboxItem *InboxTableModel::itemAt(int row) const
{
    return row >= 0 && row < m_items.size() ? &m_items.at(row) : nullptr;
}

QList<qint64> InboxTableModel::idsAt(const QList<int> &rows) const
{
    QList<qint64> ids;
    for (int row : rows) {
        if (const InboxItem *i = itemAt(row))
            ids.append(i->id);
    }
    return ids;
}

int InboxTableModel::rowOf(qint64 id) const
{
    for (qsizetype i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).id == id)
            return int(i);
    }
    return -1;
}

} // namespace lb
