#pragma once

#include "ConsoleContext.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QTimer;

namespace lb {
class InboxTableModel;
}

namespace lb::ui {

// Records that could not be delivered: class, code, message, record, first and last failure,
// attempts; the payload of the selected one. Retry one, the selected or all (through the
// engine); discard with a reason after confirmation. Counts follow the engine live.
class InboxView : public QWidget
{
    Q_OBJECT
public:
    explicit InboxView(const ConsoleContext &context, QWidget *parent = nullptr);
    ~InboxView() override;

    InboxTableModel *model() const { return m_model; }
    QList<qint64> selectedIds() const;
    void retrySelected();
    void retryAll();
    void discardSelected();
    void refresh();

signals:
    void openCountChanged(qint64 open);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void applyFilter();
    void showSelected();
    void updateButtons();
    void updateCount();
    void selectIds(const QList<qint64> &ids);

    ConsoleContext m_context;
    InboxTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_state = nullptr;
    QLineEdit *m_text = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_retryAll = nullptr;
    QPushButton *m_discard = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_message = nullptr;
    QPlainTextEdit *m_payload = nullptr;
    QSplitter *m_splitter = nullptr;
    QTimer *m_coalesce = nullptr;
    qint64 m_open = 0;
};

} // namespace lb::ui
