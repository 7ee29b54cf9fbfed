#pragma once

#include "ConsoleContext.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace lb {
class QueueTableModel;
}

namespace lb::ui {

// Pending and in-flight deliveries: attempts, next attempt, target, last error. Deliveries can
// be paused (intake continues) and a pending job cancelled, after confirmation.
class QueueView : public QWidget
{
    Q_OBJECT
public:
    explicit QueueView(const ConsoleContext &context, QWidget *parent = nullptr);

    QueueTableModel *model() const { return m_model; }
    void cancelSelected();
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateButtons();
    void updateSummary();

    ConsoleContext m_context;
    QueueTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_message = nullptr;
    QTimer *m_coalesce = nullptr;
};

} // namespace lb::ui
