#include "InboxView.h"

#include "common/Format.h"
#include "common/MessageBox.h"
#include "common/TextPrompt.h"
#include "store/Store.h"
#include "store/models/DisplayFormat.h"
#include "store/models/InboxTableModel.h"
#include "sync/SyncController.h"

#include <QAction>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace lb::ui {

InboxView::InboxView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setAccessibleName(tr("Error inbox"));
    auto *layout = new QVBoxLayout(this);
    if (!m_context.store) {
        auto *notice = new QLabel(tr("No store is open. %1").arg(m_context.problem), this);
        notice->setWordWrap(true);
        notice->setAccessibleName(tr("Error inbox unavailable"));
        layout->addWidget(notice);
        layout->addStretch(1);
        return;
    }

    auto *bar = new QHBoxLayout;
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("inboxState"));
    m_state->setAccessibleName(tr("Show items that are"));
    m_state->addItem(tr("Open"), InboxState::Open);
    m_state->addItem(tr("Retried"), InboxState::Retried);
    m_state->addItem(tr("Discarded"), InboxState::Discarded);
    m_state->addItem(tr("All"), QString());
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("inboxFilter"));
    m_text->setAccessibleName(tr("Filter the inbox"));
    m_text->setPlaceholderText(tr("Record, error code or message"));
    m_text->setClearButtonEnabled(true);
    m_retry = new QPushButton(tr("&Retry"), this);
    m_retry->setObjectName(QStringLiteral("retry"));
    m_retry->setAccessibleName(tr("Retry the selected items"));
    m_retryAll = new QPushButton(tr("Retry &all…"), this);
    m_retryAll->setObjectName(QStringLiteral("retryAll"));
    m_retryAll->setAccessibleName(tr("Retry every open item"));
    m_discard = new QPushButton(tr("&Discard…"), this);
    m_discard->setObjectName(QStringLiteral("discard"));
    m_discard->setAccessibleName(tr("Discard the selected items"));
    bar->addWidget(m_state);
    bar->addWidget(m_text, 1);
    bar->addWidget(m_retry);
    bar->addWidget(m_retryAll);
    bar->addWidget(m_discard);
    layout->addLayout(bar);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("inboxSplitter"));
    m_splitter->setAccessibleName(tr("Inbox items and the selected item's payload"));
    m_model = new InboxTableModel(*m_context.store, this);
    m_table = new QTableView(m_splitter);
    m_table->setObjectName(QStringLiteral("inboxTable"));
    m_table->setAccessibleName(tr("Inbox items"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_payload = new QPlainTextEdit(m_splitter);
    m_payload->setObjectName(QStringLiteral("payload"));
    m_payload->setAccessibleName(tr("Selected item's error and payload"));
    m_payload->setReadOnly(true);
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setPlaceholderText(tr("Select an item to see its error and payload."));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_payload);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);

    auto *footer = new QHBoxLayout;
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("inboxCount"));
    m_count->setAccessibleName(tr("Open items"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("inboxMessage"));
    m_message->setAccessibleName(tr("Inbox message"));
    m_message->setWordWrap(true);
    footer->addWidget(m_count);
    footer->addWidget(m_message, 1);
    layout->addLayout(footer);

    m_coalesce = new QTimer(this);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(100);
    connect(m_coalesce, &QTimer::timeout, this, &InboxView::refresh);
    connect(m_state, &QComboBox::activated, this, &InboxView::applyFilter);
    connect(m_text, &QLineEdit::returnPressed, this, &InboxView::applyFilter);
    connect(m_text, &QLineEdit::textChanged, this, [this](const QString &t) {
        if (t.isEmpty())
            applyFilter();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showSelected();
        updateButtons();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &InboxView::updateButtons);
    connect(m_model, &InboxTableModel::errorOccurred, m_message, &QLabel::setText);
    connect(m_retry, &QPushButton::clicked, this, &InboxView::retrySelected);
    connect(m_retryAll, &QPushButton::clicked, this, &InboxView::retryAll);
    connect(m_discard, &QPushButton::clicked, this, &InboxView::discardSelected);

    auto *retryKey = new QAction(tr("Retry"), this);
    retryKey->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    retryKey->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(retryKey, &QAction::triggered, this, &InboxView::retrySelected);
    auto *discardKey = new QAction(tr("Discard"), this);
    discardKey->setShortcut(QKeySequence::Delete);
    discardKey->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(discardKey, &QAction::triggered, this, &InboxView::discardSelected);
    auto *find = new QAction(tr("Find"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_text, [this] {
        m_text->setFocus();
        m_text->selectAll();
    });
    addActions({retryKey, discardKey, find});

    if (SyncController *c = m_context.controller) {
        connect(c, &SyncController::inboxChanged, m_coalesce, qOverload<>(&QTimer::start));
        connect(c, &SyncController::commandFailed, this,
                [this](const QString &command, const QString &message) {
                    if (command == QLatin1String("retry") || command == QLatin1String("discard"))
                        m_message->setText(tr("Could not %1: %2").arg(command, message));
                });
    }

    QSettings settings;
    settings.beginGroup(QStringLiteral("inbox"));
    m_state->setCurrentIndex(std::max(
        0,
        m_state->findData(settings.value(QStringLiteral("state"), InboxState::Open).toString())));
    m_text->setText(settings.value(QStringLiteral("text")).toString());
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    const bool headerRestored = m_table->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("header")).toByteArray());
    settings.endGroup();
    applyFilter();
    if (!headerRestored) {
        m_table->resizeColumnsToContents();
        m_table->setColumnWidth(InboxTableModel::Message, 380);
    }
}

InboxView::~InboxView()
{
    if (!m_model)
        return;
    QSettings settings;
    settings.beginGroup(QStringLiteral("inbox"));
    settings.setValue(QStringLiteral("state"), m_model->stateFilter());
    settings.setValue(QStringLiteral("text"), m_model->textFilter());
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("header"), m_table->horizontalHeader()->saveState());
    settings.endGroup();
}

void InboxView::applyFilter()
{
    m_model->setFilter(m_state->currentData().toString(), m_text->text().trimmed());
    m_payload->clear();
    updateCount();
    updateButtons();
}

void InboxView::refresh()
{
    if (!m_model)
        return;
    const QList<qint64> selected = selectedIds();
    m_model->refresh();
    selectIds(selected);
    showSelected();
    updateCount();
    updateButtons();
}

void InboxView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void InboxView::selectIds(const QList<qint64> &ids)
{
    QItemSelection selection;
    for (qint64 id : ids) {
        const int row = m_model->rowOf(id);
        if (row >= 0)
            selection.select(m_model->index(row, 0),
                             m_model->index(row, m_model->columnCount() - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

QList<qint64> InboxView::selectedIds() const
{
    if (!m_model)
        return {};
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    return m_model->idsAt(rows);
}

void InboxView::showSelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1) {
        m_payload->setPlainText(ids.isEmpty() ? QString()
                                              : tr("%n items selected.", nullptr, int(ids.size())));
        return;
    }
    const InboxItem *i = m_model->itemAt(m_model->rowOf(ids.first()));
    if (!i)
        return;
    // One arg() call per line: text from the record must never be read as a placeholder.
    QStringList lines;
    lines << tr("Item %1 (outbox job %2): %3 for %4 to %5")
                 .arg(QString::number(i->id), QString::number(i->outboxId), i->kind, i->recordKey,
                      i->target);
    lines << tr("Error (%1): %2").arg(i->errorClass, i->errorCode) << i->errorMessage;
    lines << tr("Failed %1 time(s) in %2 attempt(s); first %3, last %4")
                 .arg(QString::number(i->failures), QString::number(i->attempts),
                      display::time(i->firstFailedAt), display::time(i->lastFailedAt));
    if (!i->resolution.isEmpty())
        lines << tr("Resolved: %1 by %2 at %3")
                     .arg(i->resolution, i->resolvedBy, display::time(i->resolvedAt));
    lines << QString() << tr("Payload:") << display::prettyJson(i->payload);
    const QString text = lines.join(u'\n');
    m_payload->setPlainText(text);
}

void InboxView::updateCount()
{
    auto open = m_context.store->inbox().countOpen();
    if (!open) {
        m_count->setText(open.error().message);
        return;
    }
    m_count->setText(tr("%1 open item(s)").arg(format::number(*open)));
    if (*open != m_open) {
        m_open = *open;
        emit openCountChanged(m_open);
    }
}

void InboxView::updateButtons()
{
    const bool engine = m_context.controller != nullptr;
    bool anyOpen = false;
    for (qint64 id : selectedIds()) {
        const InboxItem *i = m_model->itemAt(m_model->rowOf(id));
        anyOpen = anyOpen || (i && i->state == InboxState::Open);
    }
    m_retry->setEnabled(engine && anyOpen);
    m_discard->setEnabled(engine && anyOpen);
    m_retryAll->setEnabled(engine && m_open > 0);
    const QString why = engine ? QString() : tr("The sync engine is not connected.");
    for (QPushButton *b : {m_retry, m_discard, m_retryAll})
        b->setToolTip(why);
}

void InboxView::retrySelected()
{
    const QList<qint64> ids = selectedIds();
    if (!m_context.controller || ids.isEmpty())
        return;
    m_message->setText(tr("Retrying %n item(s)…", nullptr, int(ids.size())));
    m_context.controller->retryInbox(ids);
}

void InboxView::retryAll()
{
    if (!m_context.controller || m_open == 0)
        return;
    MessageBox::confirm(this, tr("Retry all"),
                        tr("Send all %1 open items again? Each goes back into the sync queue "
                           "with fresh attempts.")
                            .arg(format::number(m_open)),
                        tr("Retry all"), [this] {
                            m_message->setText(tr("Retrying every open item…"));
                            m_context.controller->retryInbox({});
                        });
}

void InboxView::discardSelected()
{
    QList<qint64> ids;
    for (qint64 id : selectedIds()) {
        const InboxItem *i = m_model->itemAt(m_model->rowOf(id));
        if (i && i->state == InboxState::Open)
            ids.append(id);
    }
    if (!m_context.controller || ids.isEmpty())
        return;
    TextPrompt::ask(
        this, tr("Discard"),
        tr("Why are these %n item(s) discarded? (kept in the audit log)", nullptr, int(ids.size())),
        [this, ids](const QString &reason) {
            MessageBox::confirm(
                this, tr("Discard"),
                tr("Discard %n item(s)? They will not be delivered.", nullptr, int(ids.size())),
                tr("Discard"), [this, ids, reason] {
                    m_message->setText(tr("Discarding…"));
                    m_context.controller->discardInbox(ids, reason);
                });
        });
}

} // namespace lb::ui
