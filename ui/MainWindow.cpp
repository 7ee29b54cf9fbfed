#include "MainWindow.h"

#include "PlaceholderView.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

// Resources compiled into the static lb_ui library must be registered by hand.
static void initUiResources()
{
    Q_INIT_RESOURCE(ui);
}

namespace lb::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    initUiResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("LeadBridge"));
    setWindowIcon(QIcon(QStringLiteral(":/leadbridge/icons/leadbridge.svg")));

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Views"));
    m_navigation->setMaximumWidth(200);
    m_pages = new QStackedWidget(central);
    m_pages->setObjectName(QStringLiteral("pages"));
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    addView(QStringLiteral("dashboard"), tr("Dashboard"),
            new PlaceholderView(tr("Dashboard"),
                                tr("Sync state, last successful sync per direction, throughput, "
                                   "queue depth, inbox count and breaker states."),
                                m_pages));
    addView(QStringLiteral("leads"), tr("Leads"),
            new PlaceholderView(tr("Leads"),
                                tr("The local mirror of leads and their sync history."), m_pages));
    addView(QStringLiteral("queue"), tr("Sync queue"),
            new PlaceholderView(tr("Sync queue"), tr("Pending and in-flight jobs."), m_pages));
    addView(QStringLiteral("inbox"), tr("Error inbox"),
            new PlaceholderView(tr("Error inbox"),
                                tr("Records that could not be delivered; retry or discard them."),
                                m_pages));
    addView(QStringLiteral("limits"), tr("API limits"),
            new PlaceholderView(tr("API limits"),
                                tr("Salesforce and platform API usage against their limits."),
                                m_pages));
    addView(QStringLiteral("credentials"), tr("Credentials"),
            new PlaceholderView(tr("Credentials"),
                                tr("Connection settings; secrets are kept in the OS keychain."),
                                m_pages));
    addView(
        QStringLiteral("mapping"), tr("Mapping"),
        new PlaceholderView(tr("Mapping"), tr("Field pairs, transforms and authority."), m_pages));
    addView(QStringLiteral("reports"), tr("Reports"),
            new PlaceholderView(tr("Reports"), tr("Export leads, history, errors and API usage."),
                                m_pages));

    connect(m_navigation, &QListWidget::currentRowChanged, m_pages,
            &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(0);
    createMenus();
    statusBar()->showMessage(tr("Ready"));
    resize(1100, 720);
    // Settle the layout's size constraints before the native window exists; changing them
    // afterwards makes platforms without size-hint support (offscreen) warn on every show.
    ensurePolished();
    QMainWindow::layout()->activate();
}

void MainWindow::addView(const QString &name, const QString &title, QWidget *view)
{
    view->setObjectName(name);
    m_pages->addWidget(view);
    auto *item = new QListWidgetItem(title, m_navigation);
    item->setData(Qt::UserRole, name);
    item->setToolTip(title);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_navigation->count(); ++i) {
        QListWidgetItem *item = m_navigation->item(i);
        QAction *action = view->addAction(item->text());
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(action, &QAction::triggered, m_navigation,
                [this, i] { m_navigation->setCurrentRow(i); });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LeadBridge"), this, [this] {
        QMessageBox::about(this, tr("About LeadBridge"),
                           tr("<b>LeadBridge %1</b><p>Keeps Salesforce and the lead platform in "
                              "sync.</p>")
                               .arg(QStringLiteral(LB_VERSION)));
    });
}

QStringList MainWindow::viewNames() const
{
    QStringList names;
    for (int i = 0; i < m_pages->count(); ++i)
        names.append(m_pages->widget(i)->objectName());
    return names;
}

void MainWindow::showView(const QString &name)
{
    const int index = viewNames().indexOf(name);
    if (index >= 0)
        m_navigation->setCurrentRow(index);
}

QString MainWindow::currentView() const
{
    QWidget *page = m_pages->currentWidget();
    return page ? page->objectName() : QString();
}

} // namespace lb::ui
