#pragma once

#include "ConsoleContext.h"
#include "importer/ImportWorker.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace lb {
class WorkerThread;
}

namespace lb::ui {

// Leads from a CSV file: choose the file, see its first rows, match columns to lead fields,
// see every row the import would refuse (line number and why), try a dry run, then deliver
// the valid rows through the sync queue. Reading and checking run on a worker thread.
class ImportView : public QWidget
{
    Q_OBJECT
public:
    explicit ImportView(const ConsoleContext &context, QWidget *parent = nullptr);
    ~ImportView() override;

    void openFile(const QString &path);
    void run(bool dryRun);
    const ImportReport &report() const { return m_report; }
    bool isBusy() const { return m_busy; }

signals:
    void checked(const lb::ImportReport &report);
    void finished(bool ok, const QString &message);

private:
    void browse();
    void showReport(const ImportReport &report);
    void columnChanged();
    void setBusy(bool busy, const QString &what = {});
    void showBulkProgress(const BulkImportProgress &progress);
    void showBulkFinished(const BulkImportProgress &progress);

    ConsoleContext m_context;
    QLineEdit *m_path = nullptr;
    QPushButton *m_browse = nullptr;
    QPushButton *m_check = nullptr;
    QTableWidget *m_columns = nullptr;
    QTableWidget *m_preview = nullptr;
    QTableWidget *m_issues = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_dryRun = nullptr;
    QPushButton *m_import = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_result = nullptr;
    WorkerThread *m_thread = nullptr;
    QPointer<ImportWorker> m_worker;
    ImportReport m_report;
    bool m_busy = false;
    bool m_filling = false;
    QString m_delivered; // what the last import stored, shown with its bulk job's summary
};

} // namespace lb::ui
