#pragma once

#include <QMainWindow>

class QListWidget;
class QStackedWidget;

namespace lb::ui {

// Assembles the views and the navigation between them; owns no data and no logic of its own.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    // Names of the views in navigation order (objectName of each page).
    QStringList viewNames() const;
    void showView(const QString &name);
    QString currentView() const;

private:
    void addView(const QString &name, const QString &title, QWidget *view);
    void createMenus();

    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pages = nullptr;
};

} // namespace lb::ui
