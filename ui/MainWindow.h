#pragma once

#include "ConsoleContext.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace lb {
struct SyncStatus;
}

namespace lb::ui {

class TrayIcon;

// Assembles the views and the navigation between them; owns no data and no logic of its own.
// Everything it shows comes from `context` (see ConsoleContext): the engine through its
// SyncController signals, the GUI thread's store for the tables, the keychain for secrets.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ConsoleContext context = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Names of the views in navigation order (objectName of each page).
    QStringList viewNames() const;
    void showView(const QString &name);
    QString currentView() const;
    QWidget *view(const QString &name) const;
    TrayIcon *trayIcon() const { return m_tray; }
    const ConsoleContext &context() const { return m_context; }

signals:
    // For the application to pass on to the engine.
    void profileChanged(const lb::Profile &profile);
    void secretsChanged(const QString &system);
    void mappingSaved(const lb::FieldMapping &mapping);
    // The profile picker asks for another profile; the console restarts on it.
    void switchProfileRequested(const QString &profilePath);

public slots:
    // File > Profiles: the profile picker (non-modal).
    void showProfiles();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addView(const QString &name, const QString &title, QWidget *view);
    void createMenus();
    void setViewBadge(const QString &name, qint64 count);
    void showStatus(const SyncStatus &status);
    void saveSettings();

    ConsoleContext m_context;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_engine = nullptr;
    QLabel *m_profile = nullptr;
    TrayIcon *m_tray = nullptr;
    QHash<QString, QString> m_titles;
};

} // namespace lb::ui
