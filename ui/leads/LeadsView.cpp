#include "LeadsView.h"

#include "LeadDetailDialog.h"
#include "common/Format.h"
#include "store/Store.h"
#include "store/models/LeadsTableModel.h"
#include "sync/SyncController.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace lb::ui {
namespace {

// Text shorter than this is searched by scanning every lead, so it waits for Enter.
constexpr int InstantSearchLength = 3;

void fillChoices(QComboBox *box, const QString &any, const QStringList &values)
{
    box->addItem(any, QString());
    for (const QString &v : values)
        box->addItem(v, v);
}

} // namespace

LeadsView::LeadsView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setAccessibleName(tr("Leads"));
    auto *layout = new QVBoxLayout(this);
    if (!m_context.store) {
        auto *notice = new QLabel(
            tr("No store is open, so there are no leads to show. %1").arg(m_context.problem), this);
        notice->setWordWrap(true);
        notice->setAccessibleName(tr("Leads unavailable"));
        layout->addWidget(notice);
        layout->addStretch(1);
        return;
    }

    auto *filters = new QHBoxLayout;
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("filterText"));
    m_text->setAccessibleName(tr("Search leads"));
    m_text->setPlaceholderText(tr("Search name, company, email, phone or id"));
    m_text->setToolTip(tr("Searches as you type from three characters; press Enter to search "
                          "for shorter text."));
    m_text->setClearButtonEnabled(true);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("filterStatus"));
    m_status->setAccessibleName(tr("Status filter"));
    fillChoices(m_status, tr("Any status"),
                {QStringLiteral("new"), QStringLiteral("working"), QStringLiteral("won"),
                 QStringLiteral("lost")});
    m_syncState = new QComboBox(this);
    m_syncState->setObjectName(QStringLiteral("filterSyncState"));
    m_syncState->setAccessibleName(tr("Sync state filter"));
    fillChoices(m_syncState, tr("Any sync state"),
                {QStringLiteral("synced"), QStringLiteral("pending"), QStringLiteral("error")});
    m_agent = new QLineEdit(this);
    m_agent->setObjectName(QStringLiteral("filterAgent"));
    m_agent->setAccessibleName(tr("Agent filter"));
    m_agent->setPlaceholderText(tr("Agent id"));
    m_agent->setClearButtonEnabled(true);
    m_agent->setMaximumWidth(140);
    auto *open = new QPushButton(tr("&Details…"), this);
    open->setObjectName(QStringLiteral("openLead"));
    open->setAccessibleName(tr("Show the selected lead's details"));
    filters->addWidget(m_text, 3);
    filters->addWidget(m_status);
    filters->addWidget(m_syncState);
    filters->addWidget(m_agent, 1);
    filters->addWidget(open);
    layout->addLayout(filters);

    m_model = new LeadsTableModel(*m_context.store, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("leadsTable"));
    m_table->setAccessibleName(tr("Leads"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    // Fixed row heights: the view never measures rows, so a million of them cost nothing.
    QHeaderView *rows = m_table->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    rows->hide();
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setHighlightSections(false);
    header->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    header->setSortIndicatorShown(true);
    header->setSectionsClickable(true);
    header->setSectionsMovable(true);
    header->setDefaultSectionSize(110);
    for (const auto &[column, width] :
         {std::pair {LeadsTableModel::Name, 170}, std::pair {LeadsTableModel::Company, 160},
          std::pair {LeadsTableModel::Email, 240}, std::pair {LeadsTableModel::Phone, 130},
          std::pair {LeadsTableModel::Score, 60}, std::pair {LeadsTableModel::Value, 90},
          std::pair {LeadsTableModel::Eligible, 70}, std::pair {LeadsTableModel::LastSynced, 150},
          std::pair {LeadsTableModel::LastError, 260},
          std::pair {LeadsTableModel::SalesforceId, 160}, std::pair {LeadsTableModel::Updated, 150},
          std::pair {LeadsTableModel::Lifecycle, 190}})
        header->resizeSection(column, width);
    // Deleted, merged or converted: read beside the status, not at the far right.
    header->moveSection(header->visualIndex(LeadsTableModel::Lifecycle),
                        header->visualIndex(LeadsTableModel::Status) + 1);
    connect(header, &QHeaderView::sortIndicatorChanged, this,
            [this, header](int column, Qt::SortOrder order) {
                if (!LeadsTableModel::isSortable(column)) {
                    // Only indexed columns sort; put the indicator back where it was.
                    const QSignalBlocker block(header);
                    header->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
                    return;
                }
                m_model->sort(column, order);
            });
    layout->addWidget(m_table, 1);

    auto *footer = new QHBoxLayout;
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("leadsCount"));
    m_count->setAccessibleName(tr("Number of leads shown"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("leadsError"));
    m_error->setAccessibleName(tr("Problem reading leads"));
    m_error->setWordWrap(true);
    m_error->hide();
    footer->addWidget(m_count);
    footer->addWidget(m_error, 1);
    layout->addLayout(footer);

    m_debounce = new QTimer(this);
    m_debounce->setObjectName(QStringLiteral("searchDelay"));
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        if (m_text->text().isEmpty() || m_text->text().size() >= InstantSearchLength)
            applyFilter();
    });
    connect(m_text, &QLineEdit::textEdited, this, &LeadsView::textEdited);
    connect(m_text, &QLineEdit::returnPressed, this, &LeadsView::applyFilter);
    connect(m_text, &QLineEdit::textChanged, this, [this](const QString &t) {
        if (t.isEmpty()) // the clear button
            applyFilter();
    });
    connect(m_agent, &QLineEdit::returnPressed, this, &LeadsView::applyFilter);
    connect(m_agent, &QLineEdit::editingFinished, this, &LeadsView::applyFilter);
    connect(m_status, &QComboBox::activated, this, &LeadsView::applyFilter);
    connect(m_syncState, &QComboBox::activated, this, &LeadsView::applyFilter);
    connect(m_model, &LeadsTableModel::countChanged, this, &LeadsView::updateCount);
    connect(m_model, &LeadsTableModel::errorOccurred, this, [this](const QString &message) {
        m_error->setText(tr("Could not read the leads: %1").arg(message));
        m_error->show();
    });
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &index) { openDetail(m_model->platformIdAt(index.row())); });
    connect(open, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            openDetail(m_model->platformIdAt(current.row()));
    });

    auto *find = new QAction(tr("Find"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_text, [this] {
        m_text->setFocus();
        m_text->selectAll();
    });
    addAction(find);

    // Live: the engine says when the queue moved; re-read at most every few seconds, and only
    // while someone looks.
    m_live = new QTimer(this);
    m_live->setInterval(3000);
    connect(m_live, &QTimer::timeout, this, [this] {
        if (m_dirty && isVisible())
            refresh();
    });
    if (m_context.controller) {
        connect(m_context.controller, &SyncController::queueChanged, this,
                [this] { m_dirty = true; });
        m_live->start();
    }

    QSettings settings;
    settings.beginGroup(QStringLiteral("leads"));
    m_text->setText(settings.value(QStringLiteral("text")).toString());
    m_status->setCurrentIndex(
        std::max(0, m_status->findData(settings.value(QStringLiteral("status")).toString())));
    m_syncState->setCurrentIndex(
        std::max(0, m_syncState->findData(settings.value(QStringLiteral("syncState")).toString())));
    m_agent->setText(settings.value(QStringLiteral("agent")).toString());
    header->restoreState(settings.value(QStringLiteral("header")).toByteArray());
    settings.endGroup();
    m_model->sort(header->sortIndicatorSection(), header->sortIndicatorOrder());
    m_model->setFilter(filterFromControls());
}

LeadsView::~LeadsView()
{
    if (m_model)
        saveSettings();
}

void LeadsView::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("leads"));
    const LeadFilter f = m_model->filter();
    settings.setValue(QStringLiteral("text"), f.text);
    settings.setValue(QStringLiteral("status"), f.status);
    settings.setValue(QStringLiteral("syncState"), f.syncState);
    settings.setValue(QStringLiteral("agent"), f.agentId);
    settings.setValue(QStringLiteral("header"), m_table->horizontalHeader()->saveState());
    settings.endGroup();
}

LeadFilter LeadsView::filterFromControls() const
{
    return {m_text->text().trimmed(), m_status->currentData().toString(),
            m_syncState->currentData().toString(), m_agent->text().trimmed()};
}

void LeadsView::textEdited()
{
    m_debounce->start();
}

void LeadsView::applyFilter()
{
    if (!m_model)
        return;
    m_debounce->stop();
    const LeadFilter f = filterFromControls();
    if (f == m_model->filter() && m_model->rowCount() > 0)
        return;
    m_error->hide();
    m_model->setFilter(f);
    m_dirty = false;
    saveSettings();
}

void LeadsView::refresh()
{
    if (!m_model)
        return;
    m_dirty = false;
    m_model->refresh();
}

void LeadsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        refresh();
}

void LeadsView::updateCount()
{
    const int n = m_model->rowCount();
    if (m_model->countIsExact())
        m_count->setText(tr("%1 lead(s)").arg(format::number(n)));
    else
        m_count->setText(tr("%1+ leads (scroll down for more)").arg(format::number(n)));
}

void LeadsView::openDetail(const QString &platformId)
{
    if (platformId.isEmpty())
        return;
    if (!m_detail) {
        m_detail = new LeadDetailDialog(m_context, this);
        m_detail->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_detail->showLead(platformId);
    m_detail->show();
    m_detail->raise();
}

} // namespace lb::ui
