#pragma once

#include "ConsoleContext.h"
#include "LeadDetailDialog.h"
#include "store/models/LeadFilter.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace lb {
class LeadsTableModel;
}

namespace lb::ui {

// The local mirror of leads: filter by text, status, sync state and agent; sort by any indexed
// column; smooth at a million rows (paged model, fixed row heights). Opens a lead's details.
// Follows the engine: while visible it re-reads the count every few seconds when the engine
// says something changed.
class LeadsView : public QWidget
{
    Q_OBJECT
public:
    explicit LeadsView(const ConsoleContext &context, QWidget *parent = nullptr);
    ~LeadsView() override;

    LeadsTableModel *model() const { return m_model; }
    LeadDetailDialog *detail() const { return m_detail; }
    void openDetail(const QString &platformId);
    void applyFilter();
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;

private:
    LeadFilter filterFromControls() const;
    void textEdited();
    void updateCount();
    void saveSettings() const;

    ConsoleContext m_context;
    LeadsTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_text = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_syncState = nullptr;
    QLineEdit *m_agent = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_error = nullptr;
    QTimer *m_debounce = nullptr;
    QTimer *m_live = nullptr;
    bool m_dirty = false;
    QPointer<LeadDetailDialog> m_detail;
};

} // namespace lb::ui
