#include "MainWindow.h"

#include "credentials/CredentialsView.h"
#include "dashboard/DashboardView.h"
#include "destinations/DestinationsView.h"
#include "fleet/FleetView.h"
#include "import/ImportView.h"
#include "inbox/InboxView.h"
#include "leads/LeadsView.h"
#include "limits/LimitsView.h"
#include "mapping/MappingView.h"
#include "profiles/ProfilePicker.h"
#include "queue/QueueView.h"
#include "reports/ReportsView.h"
#include "store/Store.h"
#include "sync/SyncController.h"
#include "tray/TrayIcon.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>

// Resources compiled into the static lb_ui library must be registered by hand.
static void initUiResources()
{
    Q_INIT_RESOURCE(ui);
}

namespace lb::ui {

MainWindow::MainWindow(ConsoleContext context, QWidget *parent)
    : QMainWindow(parent)
    , m_context(std::move(context))
{
    initUiResources();
    qRegisterMetaType<lb::SyncStatus>();
    qRegisterMetaType<lb::ApiLimits>();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("LeadBridge"));
    const QIcon icon(QStringLiteral(":/leadbridge/icons/leadbridge.svg"));
    setWindowIcon(icon);
    setAccessibleName(tr("LeadBridge console"));

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Views"));
    m_navigation->setMaximumWidth(200);
    m_pages = new QStackedWidget(central);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setAccessibleName(tr("Current view"));
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    auto *dashboard = new DashboardView(m_context, m_pages);
    auto *leads = new LeadsView(m_context, m_pages);
    auto *queue = new QueueView(m_context, m_pages);
    auto *inbox = new InboxView(m_context, m_pages);
    auto *credentials = new CredentialsView(m_context, m_pages);
    auto *mapping = new MappingView(m_context, m_pages);
    addView(QStringLiteral("dashboard"), tr("Dashboard"), dashboard);
    addView(QStringLiteral("leads"), tr("Leads"), leads);
    addView(QStringLiteral("queue"), tr("Sync queue"), queue);
    addView(QStringLiteral("inbox"), tr("Error inbox"), inbox);
    addView(QStringLiteral("limits"), tr("API limits"), new LimitsView(m_context, m_pages));
    addView(QStringLiteral("credentials"), tr("Credentials"), credentials);
    addView(QStringLiteral("destinations"), tr("Destinations"),
            new DestinationsView(m_context, m_pages));
    addView(QStringLiteral("mapping"), tr("Mapping"), mapping);
    addView(QStringLiteral("reports"), tr("Reports"), new ReportsView(m_context, m_pages));
    addView(QStringLiteral("import"), tr("Import"), new ImportView(m_context, m_pages));
    addView(QStringLiteral("fleet"), tr("Fleet"), new FleetView(m_context, m_pages));

    connect(m_navigation, &QListWidget::currentRowChanged, m_pages,
            &QStackedWidget::setCurrentIndex);
    connect(inbox, &InboxView::openCountChanged, this,
            [this](qint64 open) { setViewBadge(QStringLiteral("inbox"), open); });
    connect(credentials, &CredentialsView::profileChanged, this, &MainWindow::profileChanged);
    connect(credentials, &CredentialsView::secretsChanged, this, &MainWindow::secretsChanged);
    connect(mapping, &MappingView::mappingSaved, this, &MainWindow::mappingSaved);

    m_engine = new QLabel(this);
    m_engine->setObjectName(QStringLiteral("engineState"));
    m_engine->setAccessibleName(tr("Engine state"));
    statusBar()->addPermanentWidget(m_engine);
    m_profile = new QLabel(this);
    m_profile->setObjectName(QStringLiteral("profileName"));
    m_profile->setAccessibleName(tr("Open profile"));
    m_profile->setText(m_context.profile.name.isEmpty()
                           ? tr("No profile")
                           : tr("Profile: %1").arg(m_context.profile.name));
    statusBar()->addPermanentWidget(m_profile);

    m_tray = new TrayIcon(m_context.controller, icon, m_context.clockOrSystem(), this);
    connect(m_tray, &TrayIcon::showConsoleRequested, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    connect(m_tray, &TrayIcon::quitRequested, qApp, &QApplication::quit);
    connect(m_tray, &TrayIcon::notification, this,
            [this](const QString &title, const QString &message) {
                statusBar()->showMessage(title + QStringLiteral(": ") + message, 15'000);
            });

    if (SyncController *c = m_context.controller) {
        connect(c, &SyncController::statusChanged, this, &MainWindow::showStatus);
        connect(c, &SyncController::commandFailed, this,
                [this](const QString &command, const QString &message) {
                    statusBar()->showMessage(tr("Could not %1: %2").arg(command, message), 15'000);
                });
        showStatus(c->lastStatus());
    } else {
        m_engine->setText(tr("Engine not connected"));
    }
    if (m_context.store) {
        if (auto open = m_context.store->inbox().countOpen())
            setViewBadge(QStringLiteral("inbox"), *open);
    }

    m_navigation->setCurrentRow(0);
    createMenus();
    statusBar()->showMessage(m_context.problem.isEmpty() ? tr("Ready") : m_context.problem);
    resize(1100, 720);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    const int page = m_navigation->count() > 0
        ? viewNames().indexOf(settings.value(QStringLiteral("window/view")).toString())
        : -1;
    if (page >= 0)
        m_navigation->setCurrentRow(page);
    // Settle the layout's size constraints before the native window exists; changing them
    // afterwards makes platforms without size-hint support (offscreen) warn on every show.
    ensurePolished();
    QMainWindow::layout()->activate();
}

MainWindow::~MainWindow()
{
    saveSettings();
}

void MainWindow::saveSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/view"), currentView());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::addView(const QString &name, const QString &title, QWidget *view)
{
    view->setObjectName(name);
    if (view->accessibleName().isEmpty())
        view->setAccessibleName(title);
    m_pages->addWidget(view);
    auto *item = new QListWidgetItem(title, m_navigation);
    item->setData(Qt::UserRole, name);
    item->setToolTip(title);
    m_titles.insert(name, title);
}

void MainWindow::setViewBadge(const QString &name, qint64 count)
{
    const int index = viewNames().indexOf(name);
    if (index < 0)
        return;
    const QString title = m_titles.value(name);
    m_navigation->item(index)->setText(count > 0 ? QStringLiteral("%1 (%2)").arg(title).arg(count)
                                                 : title);
}

void MainWindow::showStatus(const SyncStatus &status)
{
    m_engine->setText(DashboardView::stateText(status.state));
    setViewBadge(QStringLiteral("inbox"), status.queue.inbox);
    setViewBadge(QStringLiteral("queue"), status.queue.pending + status.queue.inFlight);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Import leads…"), this, [this] { showView(QStringLiteral("import")); });
    file->addAction(tr("&Export a report…"), this, [this] { showView(QStringLiteral("reports")); });
    file->addSeparator();
    QAction *profiles = file->addAction(tr("&Profiles…"), this, &MainWindow::showProfiles);
    profiles->setObjectName(QStringLiteral("actionProfiles"));
    profiles->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *sync = menuBar()->addMenu(tr("&Sync"));
    SyncController *c = m_context.controller;
    QAction *start = sync->addAction(tr("&Start"));
    QAction *pause = sync->addAction(tr("&Pause"));
    QAction *resume = sync->addAction(tr("&Resume"));
    QAction *reconcile = sync->addAction(tr("Reconcile &now"));
    reconcile->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    for (QAction *a : {start, pause, resume, reconcile})
        a->setEnabled(c != nullptr);
    if (c) {
        connect(start, &QAction::triggered, c, &SyncController::start);
        connect(pause, &QAction::triggered, c, &SyncController::pause);
        connect(resume, &QAction::triggered, c, &SyncController::resume);
        connect(reconcile, &QAction::triggered, c, &SyncController::reconcileNow);
    }

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_navigation->count(); ++i) {
        QAction *action = view->addAction(m_titles.value(viewNames().at(i)));
        // Ctrl+1 ... Ctrl+9, then Ctrl+0 for the tenth.
        if (i < 10)
            action->setShortcut(
                QKeySequence(Qt::CTRL | Qt::Key(i < 9 ? Qt::Key_1 + i : Qt::Key_0)));
        connect(action, &QAction::triggered, m_navigation,
                [this, i] { m_navigation->setCurrentRow(i); });
    }
    view->addSeparator();
    QAction *refresh = view->addAction(tr("&Refresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, this, [this] {
        QWidget *page = m_pages->currentWidget();
        if (auto *leads = qobject_cast<LeadsView *>(page))
            leads->refresh();
        else if (auto *queue = qobject_cast<QueueView *>(page))
            queue->refresh();
        else if (auto *inbox = qobject_cast<InboxView *>(page))
            inbox->refresh();
        else if (auto *limits = qobject_cast<LimitsView *>(page))
            limits->reloadHistory();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LeadBridge"), this, [this] {
        QMessageBox::about(this, tr("About LeadBridge"),
                           tr("<b>LeadBridge %1</b><p>Keeps Salesforce and the lead platform in "
                              "sync.</p>")
                               .arg(QStringLiteral(LB_VERSION)));
    });
}

void MainWindow::showProfiles()
{
    if (auto *open = findChild<ProfilePicker *>()) {
        open->raise();
        open->activateWindow();
        return;
    }
    auto *picker = new ProfilePicker(m_context.credentials, m_context.profilePath,
                                     ProfileCatalog::defaultFolder(), this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    connect(picker, &ProfilePicker::switchRequested, this, &MainWindow::switchProfileRequested);
    picker->show();
}

QStringList MainWindow::viewNames() const
{
    QStringList names;
    for (int i = 0; i < m_pages->count(); ++i)
        names.append(m_pages->widget(i)->objectName());
    return names;
}

QWidget *MainWindow::view(const QString &name) const
{
    const int index = viewNames().indexOf(name);
    return index >= 0 ? m_pages->widget(index) : nullptr;
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
