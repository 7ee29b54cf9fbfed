#include "DestinationsView.h"

#include "config/DestinationConfig.h"
#include "sync/SyncController.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lb::ui {
namespace {

enum Column { Name, Url, Events, Rule, State, Pending, Delivered, Inbox, ColumnCount };

QString stateText(const SyncStatus::Destination &d)
{
    if (!d.enabled)
        return QObject::tr("disabled");
    if (d.breaker == QLatin1String("closed"))
        return QObject::tr("healthy");
    if (d.breaker == QLatin1String("open"))
        return QObject::tr("failing (breaker open)");
    return d.breaker;
}

} // namespace

DestinationsView::DestinationsView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setAccessibleName(tr("Destinations"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Every destination gets the lead events it asks for, signed, "
                                "in order per lead, through its own queue: a slow or failing one "
                                "delays only itself."),
                             this);
    intro->setWordWrap(true);
    intro->setAccessibleName(tr("About destinations"));
    layout->addWidget(intro);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("destinationsTable"));
    m_table->setAccessibleName(tr("Destinations"));
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("URL"), tr("Events"), tr("When"),
                                        tr("State"), tr("Pending"), tr("Delivered"),
                                        tr("In inbox")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    auto *actions = new QHBoxLayout;
    m_test = new QPushButton(tr("Send a test event"), this);
    m_test->setObjectName(QStringLiteral("testDestination"));
    m_test->setAccessibleName(tr("Send a test event to the selected destination"));
    m_toggle = new QPushButton(tr("Disable"), this);
    m_toggle->setObjectName(QStringLiteral("toggleDestination"));
    m_toggle->setAccessibleName(tr("Disable or enable the selected destination"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("destinationMessage"));
    m_message->setAccessibleName(tr("Destination result"));
    m_message->setWordWrap(true);
    actions->addWidget(m_test);
    actions->addWidget(m_toggle);
    actions->addWidget(m_message, 1);
    layout->addLayout(actions);
    layout->addWidget(buildForm());

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &DestinationsView::updateButtons);
    connect(m_test, &QPushButton::clicked, this, &DestinationsView::testSelected);
    connect(m_toggle, &QPushButton::clicked, this, &DestinationsView::toggleSelected);
    if (SyncController *c = m_context.controller) {
        connect(c, &SyncController::statusChanged, this, &DestinationsView::showStatus);
        connect(c, &SyncController::destinationTested, this,
                [this](const QString &name, bool ok, const QString &message) {
                    say(ok ? tr("Test event to %1: %2").arg(name, message)
                           : tr("Test event to %1 failed: %2").arg(name, message),
                        ok);
                });
        connect(c, &SyncController::commandFailed, this,
                [this](const QString &command, const QString &message) {
                    if (command.contains(QLatin1String("Destination")))
                        say(message, false);
                });
        showStatus(c->lastStatus());
    }
    updateButtons();
}

QWidget *DestinationsView::buildForm()
{
    auto *box = new QGroupBox(tr("Add a destination"), this);
    auto *form = new QFormLayout(box);
    m_name = new QLineEdit(box);
    m_name->setObjectName(QStringLiteral("destinationName"));
    m_name->setAccessibleName(tr("Destination name"));
    m_name->setPlaceholderText(QStringLiteral("analytics"));
    m_url = new QLineEdit(box);
    m_url->setObjectName(QStringLiteral("destinationUrl"));
    m_url->setAccessibleName(tr("Destination URL"));
    m_url->setPlaceholderText(QStringLiteral("https://hooks.example.com/leads"));
    m_rule = new QLineEdit(box);
    m_rule->setObjectName(QStringLiteral("destinationRule"));
    m_rule->setAccessibleName(tr("Which events (rule)"));
    m_rule->setPlaceholderText(QStringLiteral("status in [won, working] and score >= 80"));
    m_ruleState = new QLabel(tr("every event"), box);
    m_ruleState->setObjectName(QStringLiteral("ruleState"));
    m_ruleState->setAccessibleName(tr("Rule check"));
    auto *events = new QWidget(box);
    auto *grid = new QGridLayout(events);
    grid->setContentsMargins(0, 0, 0, 0);
    for (const QString &event : LeadEvent::all()) {
        auto *check = new QCheckBox(event, events);
        check->setObjectName(QStringLiteral("event_") + event);
        check->setAccessibleName(tr("Event %1").arg(event));
        check->setChecked(event == LeadEvent::Created || event == LeadEvent::StatusChanged);
        grid->addWidget(check, int(m_events.size()) / 4, int(m_events.size()) % 4);
        m_events.append(check);
    }
    m_add = new QPushButton(tr("Add destination"), box);
    m_add->setObjectName(QStringLiteral("addDestination"));
    m_add->setAccessibleName(tr("Add the destination"));
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("URL"), m_url);
    form->addRow(tr("Events"), events);
    form->addRow(tr("When"), m_rule);
    form->addRow(QString(), m_ruleState);
    form->addRow(QString(), m_add);
    auto *secretNote = new QLabel(tr("Its signing secret goes into the keychain under "
                                     "destination:<name>/signing_secret (Credentials, or "
                                     "LEADBRIDGE_DEST_<NAME>_SECRET on a server)."),
                                  box);
    secretNote->setWordWrap(true);
    secretNote->setAccessibleName(tr("Where the signing secret lives"));
    form->addRow(QString(), secretNote);
    connect(m_rule, &QLineEdit::textChanged, this, &DestinationsView::checkRule);
    connect(m_add, &QPushButton::clicked, this, &DestinationsView::add);
    return box;
}

void DestinationsView::checkRule()
{
    auto rule = DestinationRule::parse(m_rule->text());
    if (!rule) {
        m_ruleState->setText(rule.error().message);
        return;
    }
    m_ruleState->setText(rule->isEmpty() ? tr("every event") : tr("OK: %1").arg(rule->toText()));
}

void DestinationsView::add()
{
    DestinationConfig d;
    d.name = m_name->text().trimmed();
    d.url = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    for (QCheckBox *check : std::as_const(m_events)) {
        if (check->isChecked())
            d.events.append(check->text());
    }
    if (auto n = DestinationConfig::checkName(d.name); !n)
        return say(n.error().message, false);
    if (auto u = DestinationConfig::checkUrl(d.url); !u)
        return say(tr("URL: %1").arg(u.error().message), false);
    if (d.events.isEmpty())
        return say(tr("Choose at least one event."), false);
    auto rule = DestinationRule::parse(m_rule->text());
    if (!rule)
        return say(tr("When: %1").arg(rule.error().message), false);
    d.when = *rule;
    if (!m_context.controller)
        return say(tr("The engine is not running."), false);
    m_context.controller->saveDestination(d.toJson());
    say(tr("%1 added.").arg(d.name), true);
    m_name->clear();
    m_url->clear();
    m_rule->clear();
}

QString DestinationsView::selectedName() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const QTableWidgetItem *item = m_table->item(rows.first().row(), Name);
    return item ? item->text() : QString();
}

void DestinationsView::testSelected()
{
    const QString name = selectedName();
    if (name.isEmpty() || !m_context.controller)
        return;
    say(tr("Sending a test event to %1...").arg(name), true);
    m_context.controller->testDestination(name);
}

void DestinationsView::toggleSelected()
{
    const QString name = selectedName();
    if (name.isEmpty() || !m_context.controller)
        return;
    const auto it = std::find_if(m_destinations.cbegin(), m_destinations.cend(),
                                 [&](const SyncStatus::Destination &d) { return d.name == name; });
    if (it == m_destinations.cend())
        return;
    m_context.controller->setDestinationEnabled(name, !it->enabled);
}

void DestinationsView::showStatus(const SyncStatus &status)
{
    const QString selected = selectedName();
    m_destinations = status.destinations;
    m_table->setRowCount(int(m_destinations.size()));
    for (int row = 0; row < m_destinations.size(); ++row) {
        const SyncStatus::Destination &d = m_destinations.at(row);
        const QStringList cells {d.name,
                                 d.url,
                                 d.events.join(QStringLiteral(", ")),
                                 d.rule.isEmpty() ? tr("every event") : d.rule,
                                 stateText(d),
                                 QString::number(d.pending),
                                 QString::number(d.delivered),
                                 QString::number(d.failed)};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (column >= Pending)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, column, item);
        }
        if (d.name == selected)
            m_table->selectRow(row);
    }
    m_table->resizeColumnsToContents();
    updateButtons();
}

void DestinationsView::updateButtons()
{
    const QString name = selectedName();
    m_test->setEnabled(!name.isEmpty());
    m_toggle->setEnabled(!name.isEmpty());
    const auto it = std::find_if(m_destinations.cbegin(), m_destinations.cend(),
                                 [&](const SyncStatus::Destination &d) { return d.name == name; });
    m_toggle->setText(it != m_destinations.cend() && !it->enabled ? tr("Enable") : tr("Disable"));
}

void DestinationsView::say(const QString &message, bool ok)
{
    m_message->setText(message);
    m_message->setProperty("ok", ok);
}

} // namespace lb::ui
