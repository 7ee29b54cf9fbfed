#include "QueueView.h"

#include "common/Format.h"
#include "common/MessageBox.h"
#include "store/Store.h"
#include "store/models/QueueTableModel.h"
#include "sync/SyncController.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace lb::ui {

QueueView::QueueView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setAccessibleName(tr("Sync queue"));
    auto *layout = new QVBoxLayout(this);
    if (!m_context.store) {
        auto *notice = new QLabel(tr("No store is open. %1").arg(m_context.problem), this);
        notice->setWordWrap(true);
        notice->setAccessibleName(tr("Sync queue unavailable"));
        layout->addWidget(notice);
        layout->addStretch(1);
        return;
    }
    auto *bar = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("queueSummary"));
    m_summary->setAccessibleName(tr("Queue summary"));
    m_pause = new QPushButton(tr("&Pause deliveries"), this);
    m_pause->setObjectName(QStringLiteral("pauseQueue"));
    m_pause->setAccessibleName(tr("Pause deliveries"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Stop sending; changes keep arriving and wait in the queue."));
    m_cancel = new QPushButton(tr("&Cancel job…"), this);
    m_cancel->setObjectName(QStringLiteral("cancelJob"));
    m_cancel->setAccessibleName(tr("Cancel the selected job"));
    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("refreshQueue"));
    refreshButton->setAccessibleName(tr("Refresh the queue"));
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_pause);
    bar->addWidget(m_cancel);
    bar->addWidget(refreshButton);
    layout->addLayout(bar);

    m_model = new QueueTableModel(*m_context.store, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("queueTable"));
    m_table->setAccessibleName(tr("Pending and in-flight jobs"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("queueMessage"));
    m_message->setAccessibleName(tr("Queue message"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    m_coalesce = new QTimer(this);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(300);
    connect(m_coalesce, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
    connect(refreshButton, &QPushButton::clicked, this, &QueueView::refresh);
    connect(m_cancel, &QPushButton::clicked, this, &QueueView::cancelSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &QueueView::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &QueueView::updateButtons);
    connect(m_model, &QueueTableModel::errorOccurred, m_message, &QLabel::setText);
    auto *cancelKey = new QAction(tr("Cancel job"), this);
    cancelKey->setShortcut(QKeySequence::Delete);
    cancelKey->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(cancelKey, &QAction::triggered, this, &QueueView::cancelSelected);
    addAction(cancelKey);

    if (SyncController *c = m_context.controller) {
        connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
            m_context.controller->setQueuePaused(paused);
            m_pause->setText(paused ? tr("Res&ume deliveries") : tr("&Pause deliveries"));
            m_message->setText(paused ? tr("Deliveries are paused; changes still arrive.")
                                      : QString());
        });
        connect(c, &SyncController::queueChanged, m_coalesce, qOverload<>(&QTimer::start));
        connect(c, &SyncController::statusChanged, this, &QueueView::updateSummary);
        connect(c, &SyncController::commandFailed, this,
                [this](const QString &command, const QString &message) {
                    if (command == QLatin1String("cancel"))
                        m_message->setText(tr("Could not cancel: %1").arg(message));
                });
    } else {
        m_pause->setEnabled(false);
        m_pause->setToolTip(tr("The sync engine is not connected."));
    }
    m_model->reload();
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(QueueTableModel::LastError, 320);
    updateSummary();
    updateButtons();
}

void QueueView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_model)
        refresh();
}

void QueueView::refresh()
{
    const QModelIndex current = m_table->currentIndex();
    const qint64 selected = current.isValid() && m_model->jobAt(current.row())
        ? m_model->jobAt(current.row())->id
        : 0;
    m_model->refresh();
    const int row = selected ? m_model->rowOf(selected) : -1;
    if (row >= 0)
        m_table->selectRow(row);
    updateSummary();
    updateButtons();
}

void QueueView::updateSummary()
{
    if (!m_summary)
        return;
    auto stats = m_context.store->outbox().stats();
    if (!stats) {
        m_summary->setText(stats.error().message);
        return;
    }
    const qint64 now = m_context.clockOrSystem().nowMs();
    m_summary->setText(tr("%1 pending (%2 due now), %3 in flight; oldest waiting %4")
                           .arg(format::number(stats->pending), format::number(stats->due),
                                format::number(stats->inFlight),
                                stats->oldestPendingAt > 0
                                    ? format::duration(now - stats->oldestPendingAt)
                                    : tr("–")));
}

void QueueView::updateButtons()
{
    if (!m_cancel)
        return;
    const QModelIndex current = m_table->selectionModel()->hasSelection()
        ? m_table->selectionModel()->selectedRows().value(0)
        : QModelIndex();
    const bool cancellable
        = current.isValid() && m_model->data(current, QueueTableModel::CancellableRole).toBool();
    m_cancel->setEnabled(m_context.controller && cancellable);
    m_cancel->setToolTip(current.isValid() && !cancellable
                             ? tr("A job in flight cannot be cancelled; it finishes first.")
                             : tr("Cancel the selected pending job; it will not be sent."));
}

void QueueView::cancelSelected()
{
    if (!m_context.controller || !m_table->selectionModel()->hasSelection())
        return;
    const OutboxJob *job = m_model->jobAt(m_table->selectionModel()->selectedRows().value(0).row());
    if (!job || job->state != JobState::Pending)
        return;
    const qint64 id = job->id;
    MessageBox::confirm(this, tr("Cancel job"),
                        tr("Cancel job %1 (%2 for %3)? It will not be sent; the record is synced "
                           "again by its next change or the next reconcile.")
                            .arg(id)
                            .arg(job->kind, job->recordKey),
                        tr("Cancel job"), [this, id] {
                            m_message->setText(tr("Cancelling job %1…").arg(id));
                            m_context.controller->cancelJob(id);
                        });
}

} // namespace lb::ui
