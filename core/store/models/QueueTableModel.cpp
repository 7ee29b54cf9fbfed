#include "QueueTableModel.h"

#include "DisplayFormat.h"
#include "store/Store.h"

namespace lb {

QueueTableModel::QueueTableModel(Store &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{ }

int QueueTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int QueueTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueueTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return tr("ID");
    case Kind:
        return tr("Job");
    case Target:
        return tr("Target");
    case Record:
        return tr("Record");
    case State:
        return tr("State");
    case Attempts:
        return tr("Attempts");
    case NextAttempt:
        return tr("Next attempt");
    case Priority:
        return tr("Priority");
    case LastError:
        return tr("Last error");
    case Created:
        return tr("Created");
    default:
        return {};
    }
}

QVariant QueueTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_jobs.size())
        return {};
    const OutboxJob &j = m_jobs.at(index.row());
    if (role == IdRole)
        return j.id;
    if (role == CancellableRole)
        return j.state == JobState::Pending;
    if (role == Qt::ToolTipRole && index.column() == LastError)
        return j.lastError;
    if (role == Qt::TextAlignmentRole
        && (index.column() == Id || index.column() == Attempts || index.column() == Priority))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id:
        return j.id;
    case Kind:
        return j.kind;
    case Target:
        return j.target;
    case Record:
        return j.recordKey;
    case State:
        return j.state == JobState::Claimed ? tr("in flight") : j.state;
    case Attempts:
        return j.attempts;
    case NextAttempt:
        return j.state == JobState::Claimed ? QString() : display::time(j.nextAttemptAt);
    case Priority:
        return j.priority;
    case LastError:
        return j.lastErrorCode.isEmpty()
            ? display::oneLine(j.lastError)
            : display::oneLine(j.lastErrorCode + QStringLiteral(": ") + j.lastError);
    case Created:
        return display::time(j.createdAt);
    default:
        return {};
    }
}

bool QueueTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more;
}

void QueueTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_more)
        return;
    auto more = m_store.outbox().active(BatchSize, int(m_jobs.size()));
    if (!more) {
        m_more = false;
        emit errorOccurred(more.error().message);
        return;
    }
    m_more = more->size() == BatchSize;
    if (more->isEmpty())
        return;
    beginInsertRows({}, int(m_jobs.size()), int(m_jobs.size() + more->size() - 1));
    m_jobs += *more;
    endInsertRows();
}

void QueueTableModel::reload()
{
    auto jobs = m_store.outbox().active(BatchSize, 0);
    beginResetModel();
    m_jobs = jobs ? *jobs : QList<OutboxJob>();
    m_more = jobs && jobs->size() == BatchSize;
    endResetModel();
    if (!jobs)
        emit errorOccurred(jobs.error().message);
}

void QueueTableModel::refresh()
{
    const int loaded = std::max<int>(BatchSize, int(m_jobs.size()));
    auto jobs = m_store.outbox().active(loaded, 0);
    if (!jobs) {
        emit errorOccurred(jobs.error().message);
        return;
    }
    bool sameRows = jobs->size() == m_jobs.size();
    for (qsizetype i = 0; sameRows && i < jobs->size(); ++i)
        sameRows = jobs->at(i).id == m_jobs.at(i).id;
    m_more = jobs->size() == loaded;
    if (sameRows) {
        m_jobs = *jobs;
        if (!m_jobs.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_jobs.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_jobs = *jobs;
    endResetModel();
}

const OutboxJob *QueueTableModel::jobAt(int row) const
{
    return row >= 0 && row < m_jobs.size() ? &m_jobs.at(row) : nullptr;
}

int QueueTableModel::rowOf(qint64 id) const
{
    for (qsizetype i = 0; i < m_jobs.size(); ++i) {
        if (m_jobs.at(i).id == id)
            return int(i);
    }
    return -1;
}

} // namespace lb
