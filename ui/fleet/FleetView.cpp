#include "FleetView.h"

#include "sync/SyncController.h"
#include "util/Clock.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace lb::ui {
namespace {

constexpr qint64 AliveWithinMs = 30'000; // as `leadbridge status` (engine/StoredStatus.h)

QString age(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 60'000)
        return QObject::tr("%1 s ago").arg(ms / 1000);
    if (ms < 3600'000)
        return QObject::tr("%1 min ago").arg(ms / 60'000);
    return QObject::tr("%1 h ago").arg(ms / 3600'000);
}

} // namespace

FleetView::FleetView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("fleet"));
    setAccessibleName(tr("Fleet"));
    auto *layout = new QVBoxLayout(this);
    m_mode = new QLabel(this);
    m_mode->setObjectName(QStringLiteral("fleetMode"));
    m_mode->setWordWrap(true);
    m_mode->setText(m_context.controller && m_context.controller->attached()
                        ? tr("Attached to the engines running on this profile's store: the "
                             "console runs none itself. Commands go to them through the store.")
                        : tr("This console runs its own engine; other processes on the same "
                             "store are listed too."));
    layout->addWidget(m_mode);

    m_table = new QTableWidget(0, 7, this);
    m_table->setObjectName(QStringLiteral("fleetTable"));
    m_table->setAccessibleName(tr("Engine processes"));
    m_table->setHorizontalHeaderLabels({tr("Host"), tr("PID"), tr("Version"), tr("Role"),
                                        tr("Duties held"), tr("Deliveries / min"),
                                        tr("Last heartbeat")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto *buttons = new QHBoxLayout;
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setObjectName(QStringLiteral("pauseFleet"));
    m_pause->setAccessibleName(tr("Pause the fleet"));
    m_resume = new QPushButton(tr("Resume"), this);
    m_resume->setObjectName(QStringLiteral("resumeFleet"));
    m_resume->setAccessibleName(tr("Resume the fleet"));
    m_reconcile = new QPushButton(tr("Reconcile now"), this);
    m_reconcile->setObjectName(QStringLiteral("reconcileFleet"));
    m_reconcile->setAccessibleName(tr("Reconcile now, once in the fleet"));
    for (QPushButton *b : {m_pause, m_resume, m_reconcile}) {
        b->setEnabled(m_context.controller != nullptr);
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("fleetMessage"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    m_refresh = new QTimer(this);
    m_refresh->setInterval(2000);
    connect(m_refresh, &QTimer::timeout, this, &FleetView::refresh);
    SyncController *controller = m_context.controller;
    if (!controller) {
        say(tr("No engine: the fleet cannot be read."));
        return;
    }
    connect(controller, &SyncController::fleetRead, this, &FleetView::showFleet);
    connect(m_pause, &QPushButton::clicked, controller, [this, controller] {
        controller->pause();
        say(tr("Pause sent."));
    });
    connect(m_resume, &QPushButton::clicked, controller, [this, controller] {
        controller->resume();
        say(tr("Resume sent."));
    });
    connect(m_reconcile, &QPushButton::clicked, controller, [this, controller] {
        controller->reconcileNow();
        say(tr("Reconcile asked for: the process holding the reconcile duty runs it."));
    });
    connect(controller, &SyncController::commandFailed, this,
            [this](const QString &command, const QString &message) {
                say(tr("%1: %2").arg(command, message));
            });
}

void FleetView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_refresh->start();
}

void FleetView::hideEvent(QHideEvent *event)
{
    m_refresh->stop();
    QWidget::hideEvent(event);
}

void FleetView::refresh()
{
    if (m_context.controller)
        m_context.controller->refreshFleet();
}

void FleetView::say(const QString &message)
{
    m_message->setText(message);
}

void FleetView::showFleet(const QList<FleetProcess> &processes, const QString &error)
{
    if (!error.isEmpty()) {
        say(tr("The fleet cannot be read: %1").arg(error));
        return;
    }
    const qint64 now = m_context.clockOrSystem().nowMs();
    m_table->setRowCount(int(processes.size()));
    for (int row = 0; row < processes.size(); ++row) {
        const FleetProcess &p = processes.at(row);
        const qint64 silent = now - p.heartbeatAt;
        const QStringList cells {
            p.host,
            QString::number(p.pid),
            p.version,
            p.role,
            p.duties.isEmpty() ? tr("none") : p.duties.join(QStringLiteral(", ")),
            QString::number(p.deliveriesLastMinute),
            silent <= AliveWithinMs ? age(silent) : tr("%1 (silent)").arg(age(silent))};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells.at(col));
            if (col == 0)
                item->setData(Qt::UserRole, p.workerId);
            m_table->setItem(row, col, item);
        }
    }
}

} // namespace lb::ui
