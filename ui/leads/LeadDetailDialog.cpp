#include "LeadDetailDialog.h"

#include "DifferenceDelegate.h"
#include "ForgetPersonAction.h"
#include "store/Store.h"
#include "store/models/DisplayFormat.h"
#include "store/models/LeadHistoryModel.h"
#include "store/models/RecordComparisonModel.h"
#include "sync/SyncController.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace lb::ui {

LeadDetailDialog::LeadDetailDialog(const ConsoleContext &context, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("leadDetail"));
    setAccessibleName(tr("Lead details"));
    setWindowTitle(tr("Lead"));
    resize(900, 560);
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("leadTitle"));
    m_title->setAccessibleName(tr("Lead"));
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_title->setFont(f);
    layout->addWidget(m_title);

    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("leadTabs"));
    tabs->setAccessibleName(tr("Lead detail sections"));

    auto *compare = new QWidget(tabs);
    auto *compareLayout = new QVBoxLayout(compare);
    auto *fetchRow = new QHBoxLayout;
    m_fetch = new QPushButton(tr("&Fetch live values"), compare);
    m_fetch->setObjectName(QStringLiteral("fetchLive"));
    m_fetch->setAccessibleName(tr("Fetch live values from Salesforce and the platform"));
    m_liveState = new QLabel(compare);
    m_liveState->setObjectName(QStringLiteral("liveState"));
    m_liveState->setAccessibleName(tr("Live values"));
    m_liveState->setWordWrap(true);
    fetchRow->addWidget(m_fetch);
    fetchRow->addWidget(m_liveState, 1);
    compareLayout->addLayout(fetchRow);
    m_comparison = new RecordComparisonModel(m_context.mapping.lead, this);
    m_compareView = new QTableView(compare);
    m_compareView->setObjectName(QStringLiteral("comparison"));
    m_compareView->setAccessibleName(tr("Mirror, Salesforce and platform values"));
    m_compareView->setModel(m_comparison);
    m_compareView->setItemDelegate(
        new DifferenceDelegate(RecordComparisonModel::DiffersRole, m_compareView));
    m_compareView->verticalHeader()->hide();
    m_compareView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_compareView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_compareView->setWordWrap(false);
    compareLayout->addWidget(m_compareView);
    tabs->addTab(compare, tr("&Compare"));

    m_historyView = new QTableView(tabs);
    m_historyView->setObjectName(QStringLiteral("history"));
    m_historyView->setAccessibleName(tr("Sync history"));
    if (m_context.store) {
        m_history = new LeadHistoryModel(*m_context.store, this);
        m_historyView->setModel(m_history);
    }
    m_historyView->verticalHeader()->hide();
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setWordWrap(false);
    tabs->addTab(m_historyView, tr("&History"));

    m_raw = new QPlainTextEdit(tabs);
    m_raw->setObjectName(QStringLiteral("mirrorState"));
    m_raw->setAccessibleName(tr("Mirror state as stored"));
    m_raw->setReadOnly(true);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    tabs->addTab(m_raw, tr("&Stored state"));
    layout->addWidget(tabs, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_forget = buttons->addButton(tr("Forget this person…"), QDialogButtonBox::ActionRole);
    m_forget->setObjectName(QStringLiteral("forgetPerson"));
    m_forget->setAccessibleName(tr("Forget this person: erase everything held about them"));
    connect(m_forget, &QPushButton::clicked, this, [this] {
        ForgetPersonAction::ask(this, m_context.controller, m_email, m_title->text());
    });
    layout->addWidget(buttons);

    if (m_context.controller) {
        connect(m_fetch, &QPushButton::clicked, this, &LeadDetailDialog::fetchLive);
        connect(m_context.controller, &SyncController::liveFetched, this,
                &LeadDetailDialog::onLiveFetched);
        // After an erasure the lead shown may be gone: show what the mirror holds now.
        connect(m_context.controller, &SyncController::forgotten, this, [this](bool ok) {
            if (ok && !m_platformId.isEmpty())
                showLead(m_platformId);
        });
        connect(m_context.controller, &SyncController::commandFailed, this,
                [this](const QString &command, const QString &message) {
                    if (m_fetching && command == QLatin1String("fetch")) {
                        m_fetching = false;
                        m_fetch->setEnabled(true);
                        m_liveState->setText(message);
                    }
                });
    } else {
        m_fetch->setEnabled(false);
        m_fetch->setToolTip(tr("The sync engine is not connected."));
    }
}

void LeadDetailDialog::showLead(const QString &platformId)
{
    m_platformId = platformId;
    m_fetching = false;
    m_liveLoaded = false;
    m_fetch->setEnabled(m_context.controller != nullptr);
    m_comparison->clear();
    m_liveState->setText(m_context.controller
                             ? tr("Live values are read on request (one API call on each side).")
                             : tr("Live values need the sync engine."));
    QString name = platformId;
    m_email.clear();
    if (m_context.store) {
        auto record = m_context.store->leads().byPlatformId(platformId);
        if (!record) {
            m_raw->setPlainText(record.error().message);
        } else if (record->has_value()) {
            const MirrorRecord &r = **record;
            m_comparison->setMirror(r.platformState);
            m_email = r.platformState.value(QStringLiteral("email")).toString();
            if (m_email.isEmpty())
                m_email = r.salesforceState.value(QStringLiteral("Email")).toString();
            const QString full = QStringLiteral("%1 %2").arg(
                r.platformState.value(QStringLiteral("first_name")).toString(),
                r.platformState.value(QStringLiteral("last_name")).toString());
            if (!full.trimmed().isEmpty())
                name = tr("%1: %2").arg(platformId, full.trimmed());
            const QString lifecycle
                = display::lifecycle(r.deletedOn, r.mergedInto, r.isConverted());
            if (!lifecycle.isEmpty())
                name = tr("%1 (%2)").arg(name, lifecycle);
            m_raw->setPlainText(
                tr("Sync state: %1\nLast synced: %2\nLast error: %3\nSalesforce ID: %4\n\n"
                   "Platform state:\n%5\nSalesforce state:\n%6")
                    .arg(r.syncState, display::time(r.lastSyncedAt), r.lastError, r.salesforceId,
                         QString::fromUtf8(QJsonDocument(r.platformState).toJson()),
                         QString::fromUtf8(QJsonDocument(r.salesforceState).toJson())));
        } else {
            m_raw->setPlainText(tr("This lead is not in the mirror (any more)."));
        }
        if (m_history) {
            if (auto loaded = m_history->load(platformId); !loaded)
                m_liveState->setText(loaded.error().message);
        }
    }
    m_title->setText(name);
    setWindowTitle(tr("Lead %1").arg(platformId));
    m_forget->setEnabled(m_context.controller && !m_email.isEmpty());
    m_forget->setToolTip(!m_context.controller ? tr("The sync engine is not connected.")
                             : m_email.isEmpty()
                             ? tr("This lead has no email address.")
                             : tr("Erase everything held about %1").arg(m_email));
    updateSummary();
}

void LeadDetailDialog::fetchLive()
{
    if (!m_context.controller || m_platformId.isEmpty())
        return;
    m_fetching = true;
    m_fetch->setEnabled(false);
    m_liveState->setText(tr("Fetching live values…"));
    m_context.controller->fetchLive(m_platformId);
}

void LeadDetailDialog::onLiveFetched(const QString &platformLeadId, const QJsonObject &salesforce,
                                     const QJsonObject &platform, const QString &error)
{
    if (platformLeadId != m_platformId)
        return;
    m_fetching = false;
    m_liveLoaded = true;
    m_fetch->setEnabled(true);
    m_comparison->setLive(salesforce.isEmpty() ? std::nullopt : std::optional(salesforce),
                          platform.isEmpty() ? std::nullopt : std::optional(platform));
    updateSummary();
    if (!error.isEmpty())
        m_liveState->setText(tr("Could not read everything: %1").arg(error));
}

void LeadDetailDialog::updateSummary()
{
    if (m_fetching || !m_liveLoaded)
        return;
    const int differing = m_comparison->differingRows();
    m_liveState->setText(differing > 0
                             ? tr("%n field(s) differ; they are highlighted.", nullptr, differing)
                             : tr("The mirror, Salesforce and the platform agree."));
}

} // namespace lb::ui
