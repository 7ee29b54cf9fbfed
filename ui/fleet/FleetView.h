#pragma once

#include "ConsoleContext.h"
#include "store/ProcessStore.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace lb::ui {

// The engine processes sharing the profile's store: host, pid, version, role, the duties each
// holds (from the lease table), deliveries in the last minute and the age of its last
// heartbeat. Pause / Resume / Reconcile now go to the whole fleet through the controller (the
// store's commands when the console is attached to a running fleet). Read every 2 s while shown.
class FleetView : public QWidget
{
    Q_OBJECT
public:
    explicit FleetView(const ConsoleContext &context, QWidget *parent = nullptr);

    void showFleet(const QList<lb::FleetProcess> &processes, const QString &error);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refresh();
    void say(const QString &message);

    ConsoleContext m_context;
    QLabel *m_mode = nullptr;
    QLabel *m_message = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_reconcile = nullptr;
    QTimer *m_refresh = nullptr;
};

} // namespace lb::ui
