#include "TrayIcon.h"

#include "dashboard/DashboardView.h"
#include "sync/SyncController.h"
#include "util/Clock.h"

#include <QAction>
#include <QMenu>

namespace lb::ui {

TrayIcon::TrayIcon(SyncController *controller, const QIcon &icon, const Clock &clock,
                   QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_clock(clock)
{
    m_menu = new QMenu; // a menu has no QObject parent here; deleted with the icon
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_menu->setAccessibleName(tr("LeadBridge"));
    m_menu->addAction(tr("Show the console"), this, &TrayIcon::showConsoleRequested);
    m_toggle = m_menu->addAction(tr("Start syncing"));
    m_toggle->setEnabled(controller != nullptr);
    connect(m_toggle, &QAction::triggered, this, [this] {
        if (!m_controller)
            return;
        switch (m_state) {
        case SyncStatus::State::Stopped:
        case SyncStatus::State::Error:
            m_controller->start();
            break;
        case SyncStatus::State::Paused:
            m_controller->resume();
            break;
        default:
            m_controller->pause();
        }
    });
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);

    m_toolTip = tr("LeadBridge");
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(icon, this);
        m_tray->setContextMenu(m_menu);
        m_tray->setToolTip(m_toolTip);
        connect(m_tray, &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason reason) {
                    if (reason == QSystemTrayIcon::Trigger
                        || reason == QSystemTrayIcon::DoubleClick)
                        emit showConsoleRequested();
                });
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayIcon::showConsoleRequested);
        m_tray->show();
    }
    if (controller) {
        connect(controller, &SyncController::notify, this, &TrayIcon::notify);
        connect(controller, &SyncController::statusChanged, this, &TrayIcon::showStatus);
        showStatus(controller->lastStatus());
    }
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

bool TrayIcon::isShownInTray() const
{
    return m_tray && m_tray->isVisible();
}

QString TrayIcon::toolTip() const
{
    return m_toolTip;
}

void TrayIcon::showStatus(const SyncStatus &status)
{
    m_state = status.state;
    m_toolTip = tr("LeadBridge: %1; %2 in the queue, %3 in the error inbox")
                    .arg(DashboardView::stateText(status.state))
                    .arg(status.queue.pending)
                    .arg(status.queue.inbox);
    if (m_tray)
        m_tray->setToolTip(m_toolTip);
    const bool paused = status.state == SyncStatus::State::Paused;
    const bool stopped
        = status.state == SyncStatus::State::Stopped || status.state == SyncStatus::State::Error;
    m_toggle->setText(stopped      ? tr("Start syncing")
                          : paused ? tr("Resume syncing")
                                   : tr("Pause syncing"));
}

void TrayIcon::notify(const QString &kind, const QString &title, const QString &message)
{
    const qint64 now = m_clock.nowMs();
    const QString key = kind + u'\n' + title + u'\n' + message;
    if (m_lastShown.contains(key) && now - m_lastShown.value(key) < RepeatAfterMs)
        return;
    m_lastShown.insert(key, now);
    m_lastTitle = title;
    m_lastMessage = message;
    if (m_tray && m_tray->isVisible() && QSystemTrayIcon::supportsMessages()) {
        const auto icon = kind == QLatin1String("breaker_open") ? QSystemTrayIcon::Critical
                                                                : QSystemTrayIcon::Warning;
        m_tray->showMessage(title, message, icon, 15'000);
    }
    emit notification(title, message);
}

} // namespace lb::ui
