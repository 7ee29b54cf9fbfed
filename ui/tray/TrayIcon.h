#pragma once

#include "sync/SyncStatus.h"

#include <QHash>
#include <QObject>
#include <QSystemTrayIcon>

class QAction;
class QMenu;

namespace lb {
class Clock;
class SyncController;
} // namespace lb

namespace lb::ui {

// The console in the system tray: state in the tooltip, a menu (show the console, start or
// pause, quit) and the engine's notifications (a breaker opened, the inbox grows past its
// threshold, API usage crossed the pause threshold) as tray messages. Where there is no tray
// (some desktops, offscreen) the messages go to notification() for the window to show. The
// same message is not repeated within RepeatAfterMs.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 RepeatAfterMs = 10 * 60'000;

    TrayIcon(SyncController *controller, const QIcon &icon, const Clock &clock,
             QObject *parent = nullptr);
    ~TrayIcon() override;

    bool isShownInTray() const;
    QString toolTip() const;
    QString lastTitle() const { return m_lastTitle; }
    QString lastMessage() const { return m_lastMessage; }
    QMenu *menu() const { return m_menu; }

public slots:
    void notify(const QString &kind, const QString &title, const QString &message);
    void showStatus(const lb::SyncStatus &status);

signals:
    void showConsoleRequested();
    void quitRequested();
    // For the window when there is no tray to show it in.
    void notification(const QString &title, const QString &message);

private:
    SyncController *m_controller;
    const Clock &m_clock;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_toggle = nullptr;
    SyncStatus::State m_state = SyncStatus::State::Stopped;
    QHash<QString, qint64> m_lastShown; // kind + text -> ms
    QString m_lastTitle;
    QString m_lastMessage;
    QString m_toolTip;
};

} // namespace lb::ui
