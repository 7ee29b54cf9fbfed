#pragma once

#include "ConsoleContext.h"
#include "sync/SyncStatus.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace lb::ui {

// The engine at a glance: its state, when each direction last delivered, throughput and lag,
// the queue and the inbox, circuit breakers, the next reconcile, the Salesforce change stream
// (state, channels, last event, replayIds, a catch-up after a gap); Start, Pause/Resume and
// Reconcile now. Everything comes from the engine's status signal.
class DashboardView : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardView(const ConsoleContext &context, QWidget *parent = nullptr);

    void showStatus(const SyncStatus &status);
    static QString stateText(SyncStatus::State state);

private:
    void updateButtons();
    void updateTimes();
    void showStream(const SyncStatus &status);
    static QString streamStateText(const QString &state);

    ConsoleContext m_context;
    SyncStatus m_status;
    bool m_haveStatus = false;
    QLabel *m_state = nullptr;
    QLabel *m_detail = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_reconcile = nullptr;
    QLabel *m_toSalesforce = nullptr;
    QLabel *m_toPlatform = nullptr;
    QLabel *m_polls = nullptr;
    QLabel *m_throughput = nullptr;
    QLabel *m_lag = nullptr;
    QLabel *m_queue = nullptr;
    QLabel *m_inbox = nullptr;
    QLabel *m_nextReconcile = nullptr;
    QLabel *m_delivered = nullptr;
    QLabel *m_streamState = nullptr;
    QLabel *m_streamChannels = nullptr;
    QLabel *m_streamLastEvent = nullptr;
    QLabel *m_streamReplayIds = nullptr;
    QLabel *m_streamCatchUp = nullptr;
    QTableWidget *m_breakers = nullptr;
    QTableWidget *m_destinations = nullptr; // one row per destination: state, pending, inbox
    QTimer *m_clockTimer = nullptr;
};

} // namespace lb::ui
