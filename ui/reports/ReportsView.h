#pragma once

#include "ConsoleContext.h"
#include "report/ExportWorker.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace lb {
class WorkerThread;
}

namespace lb::ui {

// Exports leads, sync history, errors, API usage or reconcile results as CSV, JSON or PDF for
// a date range, on a worker thread with its own store connection; a progress bar and Cancel
// while it runs. Same reports as `leadbridge export`.
class ReportsView : public QWidget
{
    Q_OBJECT
public:
    explicit ReportsView(const ConsoleContext &context, QWidget *parent = nullptr);
    ~ReportsView() override;

    ReportRequest request() const;
    void startExport();
    void cancelExport();
    bool isExporting() const { return m_worker != nullptr; }

signals:
    void exported(bool ok, const QString &path, qint64 rows);

private:
    void browse();
    void suggestPath();
    void finished(bool ok, qint64 rows, const QString &message);
    void setRunning(bool running);

    ConsoleContext m_context;
    QComboBox *m_kind = nullptr;
    QComboBox *m_format = nullptr;
    QCheckBox *m_sinceOn = nullptr;
    QDateEdit *m_since = nullptr;
    QCheckBox *m_untilOn = nullptr;
    QDateEdit *m_until = nullptr;
    QLineEdit *m_path = nullptr;
    QPushButton *m_browse = nullptr;
    QPushButton *m_export = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_result = nullptr;
    WorkerThread *m_thread = nullptr;
    QPointer<ExportWorker> m_worker;
    QString m_running;
};

} // namespace lb::ui
