#include "ImportView.h"

#include "common/FileDialog.h"
#include "common/Format.h"
#include "common/MessageBox.h"
#include "importer/ImportWorker.h"
#include "util/WorkerThread.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lb::ui {

ImportView::ImportView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    qRegisterMetaType<lb::ImportReport>();
    qRegisterMetaType<lb::ImportOutcome>();
    setAccessibleName(tr("Import"));
    auto *layout = new QVBoxLayout(this);
    auto *fileRow = new QHBoxLayout;
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("importPath"));
    m_path->setAccessibleName(tr("CSV file to import"));
    m_path->setPlaceholderText(tr("A CSV file with a header line"));
    m_browse = new QPushButton(tr("&Browse…"), this);
    m_browse->setObjectName(QStringLiteral("importBrowse"));
    m_browse->setAccessibleName(tr("Choose a CSV file"));
    m_check = new QPushButton(tr("&Check file"), this);
    m_check->setObjectName(QStringLiteral("importCheck"));
    m_check->setAccessibleName(tr("Read and check the file"));
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(m_browse);
    fileRow->addWidget(m_check);
    layout->addLayout(fileRow);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("importSplitter"));
    split->setAccessibleName(tr("Columns, rows and problems"));
    auto *upper = new QSplitter(Qt::Horizontal, split);
    m_columns = new QTableWidget(0, 3, upper);
    m_columns->setObjectName(QStringLiteral("importColumns"));
    m_columns->setAccessibleName(tr("Columns and the lead fields they fill"));
    m_columns->setHorizontalHeaderLabels({tr("Column"), tr("First value"), tr("Lead field")});
    m_columns->horizontalHeader()->setStretchLastSection(true);
    m_columns->verticalHeader()->hide();
    m_columns->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview = new QTableWidget(upper);
    m_preview->setObjectName(QStringLiteral("importPreview"));
    m_preview->setAccessibleName(tr("The file's first rows"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setWordWrap(false);
    m_preview->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    upper->addWidget(m_columns);
    upper->addWidget(m_preview);
    upper->setStretchFactor(1, 2);
    upper->setSizes({420, 680});
    m_columns->setColumnWidth(0, 120);
    m_columns->setColumnWidth(1, 130);
    m_issues = new QTableWidget(0, 3, split);
    m_issues->setObjectName(QStringLiteral("importIssues"));
    m_issues->setAccessibleName(tr("Rows that would not be imported"));
    m_issues->setHorizontalHeaderLabels({tr("Line"), tr("Field"), tr("Problem")});
    m_issues->horizontalHeader()->setStretchLastSection(true);
    m_issues->verticalHeader()->hide();
    m_issues->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_issues->setSelectionBehavior(QAbstractItemView::SelectRows);
    split->addWidget(upper);
    split->addWidget(m_issues);
    layout->addWidget(split, 1);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("importSummary"));
    m_summary->setAccessibleName(tr("What the check found"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto *runRow = new QHBoxLayout;
    m_dryRun = new QPushButton(tr("&Dry run"), this);
    m_dryRun->setObjectName(QStringLiteral("importDryRun"));
    m_dryRun->setAccessibleName(tr("Dry run: count what would be delivered"));
    m_import = new QPushButton(tr("&Import…"), this);
    m_import->setObjectName(QStringLiteral("importRun"));
    m_import->setAccessibleName(tr("Import the valid rows"));
    m_cancel = new QPushButton(tr("Cance&l"), this);
    m_cancel->setObjectName(QStringLiteral("importCancel"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->setAccessibleName(tr("Import progress"));
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    runRow->addWidget(m_dryRun);
    runRow->addWidget(m_import);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_progress, 1);
    layout->addLayout(runRow);
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("importResult"));
    m_result->setAccessibleName(tr("Import outcome"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);

    m_thread = new WorkerThread(QStringLiteral("import"), this);
    auto *worker = new ImportWorker(m_context.storeConfig, m_context.clockOrSystem(),
                                    m_context.mapping.lead);
    worker->setBulkThreshold(m_context.profile.sync.bulkThreshold);
    m_worker = worker;
    m_thread->adopt(worker);
    connect(worker, &ImportWorker::progress, m_progress, &QProgressBar::setValue);
    connect(worker, &ImportWorker::analysed, this, &ImportView::showReport);
    connect(worker, &ImportWorker::failed, this, [this](const QString &message) {
        setBusy(false);
        m_result->setText(message);
        emit finished(false, message);
    });
    connect(worker, &ImportWorker::delivered, this, [this](const ImportOutcome &o) {
        setBusy(false);
        m_progress->setValue(100);
        QString text = o.dryRun
            ? tr("Dry run: %n lead(s) would be delivered to the sync queue", nullptr, o.delivered)
            : tr("Delivered %n lead(s) to the sync queue; the engine sends them on", nullptr,
                 o.delivered);
        if (o.duplicates > 0)
            text += tr("; %n imported before and left alone", nullptr, o.duplicates);
        if (o.skipped > 0)
            text += tr("; %n row(s) with problems left out", nullptr, o.skipped);
        m_delivered = text + u'.';
        m_result->setText(m_delivered);
        if (o.bulk) {
            // Followed through the engine's Bulk API job: Cancel stays available.
            setBusy(true,
                    m_delivered + u' '
                        + tr("Waiting for the engine to send them through a Bulk API "
                             "job…"));
            return;
        }
        emit finished(true, m_result->text());
    });
    connect(worker, &ImportWorker::bulkProgress, this, &ImportView::showBulkProgress);
    connect(worker, &ImportWorker::bulkFinished, this, &ImportView::showBulkFinished);

    connect(m_browse, &QPushButton::clicked, this, &ImportView::browse);
    connect(m_check, &QPushButton::clicked, this, [this] { openFile(m_path->text().trimmed()); });
    connect(m_path, &QLineEdit::returnPressed, m_check, &QPushButton::click);
    connect(m_dryRun, &QPushButton::clicked, this, [this] { run(true); });
    connect(m_import, &QPushButton::clicked, this, [this] { run(false); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!m_worker)
            return;
        m_worker->requestCancel();
        m_worker->requestBulkCancel();
    });
    if (!m_context.store) {
        m_result->setText(tr("No store is open. %1").arg(m_context.problem));
        m_path->setEnabled(false);
        m_browse->setEnabled(false);
    }
    setBusy(false);
}

ImportView::~ImportView()
{
    if (m_worker)
        m_worker->requestCancel();
}

void ImportView::browse()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("import/dir"), QDir::homePath()).toString();
    FileDialog::openFile(this, tr("Import leads"), dir, tr("CSV files (*.csv);;All files (*)"),
                         [this](const QString &path) {
                             m_path->setText(QDir::toNativeSeparators(path));
                             QSettings().setValue(QStringLiteral("import/dir"),
                                                  QFileInfo(path).absolutePath());
                             openFile(path);
                         });
}

void ImportView::openFile(const QString &path)
{
    if (path.isEmpty() || m_busy || !m_worker || !m_context.store)
        return;
    m_report = ImportReport();
    m_result->clear();
    m_path->setText(QDir::toNativeSeparators(path));
    setBusy(true, tr("Reading %1…").arg(QFileInfo(path).fileName()));
    ImportWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, p = QDir::fromNativeSeparators(path)] { worker->analyse(p); },
        Qt::QueuedConnection);
}

void ImportView::showReport(const ImportReport &report)
{
    setBusy(false);
    m_report = report;
    m_filling = true;
    // Columns and their fields: the same file checked again keeps its combo boxes.
    bool sameColumns = m_columns->rowCount() == report.header.size();
    for (int i = 0; sameColumns && i < report.header.size(); ++i)
        sameColumns = m_columns->item(i, 0) && m_columns->item(i, 0)->text() == report.header.at(i)
            && qobject_cast<QComboBox *>(m_columns->cellWidget(i, 2));
    if (!sameColumns) {
        for (int i = 0; i < m_columns->rowCount(); ++i) {
            if (QWidget *old = m_columns->cellWidget(i, 2))
                old->setObjectName(QString()); // replaced; deleted later
        }
        m_columns->setRowCount(int(report.header.size()));
    }
    for (int i = 0; i < report.header.size(); ++i) {
        const QString first
            = report.sample.isEmpty() ? QString() : report.sample.first().fields.value(i);
        QComboBox *box
            = sameColumns ? qobject_cast<QComboBox *>(m_columns->cellWidget(i, 2)) : nullptr;
        if (!box) {
            m_columns->setItem(i, 0, new QTableWidgetItem(report.header.at(i)));
            box = new QComboBox(m_columns);
            box->setObjectName(QStringLiteral("importField%1").arg(i));
            box->setAccessibleName(tr("Lead field for column %1").arg(report.header.at(i)));
            box->addItem(tr("(not imported)"), QString());
            for (const QString &f : ImportPlan::targetFields())
                box->addItem(f, f);
            connect(box, &QComboBox::activated, this, &ImportView::columnChanged);
            m_columns->setCellWidget(i, 2, box);
        }
        m_columns->setItem(i, 1, new QTableWidgetItem(first.left(80)));
        box->setCurrentIndex(std::max(0, box->findData(report.columnFields.value(i))));
    }
    // The first rows, a warning sign on those that would be refused.
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    m_preview->clear();
    m_preview->setColumnCount(int(report.header.size()));
    m_preview->setHorizontalHeaderLabels(report.header);
    m_preview->setRowCount(int(report.sample.size()));
    QStringList lines;
    for (int r = 0; r < report.sample.size(); ++r) {
        const ImportReport::SampleRow &row = report.sample.at(r);
        lines.append(QString::number(row.line));
        for (int c = 0; c < report.header.size(); ++c)
            m_preview->setItem(r, c, new QTableWidgetItem(row.fields.value(c).left(200)));
    }
    m_preview->setVerticalHeaderLabels(lines);
    for (int r = 0; r < report.sample.size(); ++r) {
        if (!report.sample.at(r).valid) {
            auto *header = new QTableWidgetItem(warning, lines.at(r));
            header->setToolTip(tr("This row would not be imported; see the problems below."));
            m_preview->setVerticalHeaderItem(r, header);
        }
    }
    // Every problem, by line.
    m_issues->setRowCount(int(report.issues.size()));
    for (int i = 0; i < report.issues.size(); ++i) {
        const ImportIssue &issue = report.issues.at(i);
        auto *line = new QTableWidgetItem;
        line->setData(Qt::DisplayRole, issue.line > 0 ? QVariant(issue.line) : QVariant());
        m_issues->setItem(i, 0, line);
        m_issues->setItem(i, 1, new QTableWidgetItem(issue.field));
        auto *message = new QTableWidgetItem(issue.message);
        message->setToolTip(issue.message);
        m_issues->setItem(i, 2, message);
    }
    m_filling = false;

    QStringList summary;
    summary << tr("%1: %2 row(s), %3 valid, %4 with problems.")
                   .arg(report.fileName, format::number(report.rows),
                        format::number(report.validRows),
                        format::number(report.rows - report.validRows));
    if (report.issueCount > report.issues.size())
        summary << tr("The first %1 of %2 problems are listed.")
                       .arg(format::number(report.issues.size()),
                            format::number(report.issueCount));
    if (!report.fileError.isEmpty())
        summary << tr("Cannot import: %1").arg(report.fileError);
    summary << report.notes;
    m_summary->setText(summary.join(u' '));
    setBusy(false);
    m_result->setText(report.canImport() ? tr("Checked. Try a dry run, or import.")
                                         : tr("Nothing can be imported yet."));
    emit checked(report);
}

void ImportView::columnChanged()
{
    if (m_filling || !m_worker)
        return;
    QStringList fields;
    for (int i = 0; i < m_columns->rowCount(); ++i) {
        auto *box = qobject_cast<QComboBox *>(m_columns->cellWidget(i, 2));
        fields.append(box ? box->currentData().toString() : QString());
    }
    setBusy(true, tr("Checking again…"));
    ImportWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, fields] { worker->remap(fields); }, Qt::QueuedConnection);
}

void ImportView::run(bool dryRun)
{
    if (m_busy || !m_worker || !m_report.canImport())
        return;
    auto go = [this, dryRun] {
        setBusy(true, dryRun ? tr("Dry run…") : tr("Importing…"));
        ImportWorker *worker = m_worker;
        QMetaObject::invokeMethod(
            worker, [worker, dryRun] { worker->deliver(dryRun); }, Qt::QueuedConnection);
    };
    if (dryRun) {
        go();
        return;
    }
    const int refused = m_report.rows - m_report.validRows;
    MessageBox::confirm(
        this, tr("Import leads"),
        tr("Deliver %1 lead(s) from %2 through the sync queue to Salesforce?%3")
            .arg(format::number(m_report.validRows), m_report.fileName,
                 refused > 0 ? tr(" %n row(s) with problems are left out.", nullptr, refused)
                             : QString()),
        tr("Import"), go);
}

void ImportView::showBulkProgress(const BulkImportProgress &progress)
{
    m_progress->setValue(progress.percent());
    QStringList lines;
    for (const IngestJobProgress &job : progress.jobs)
        lines.append(BulkImportProgress::line(job));
    if (progress.cancelled())
        lines.append(tr("Cancelling: the engine aborts the job at Salesforce…"));
    m_result->setText(lines.join(u'\n'));
}

void ImportView::showBulkFinished(const BulkImportProgress &progress)
{
    setBusy(false);
    QString text;
    if (progress.jobs.isEmpty()) {
        text = tr("Cancelled before the engine started a Bulk API job: the leads wait in the "
                  "sync queue.");
    } else {
        m_progress->setValue(progress.cancelled() ? progress.percent() : 100);
        text = m_delivered + u' ' + progress.summary() + u'.';
        if (progress.cancelled())
            text += u' '
                + tr("Cancelled: the rows Salesforce had not processed are in the inbox, to "
                     "retry from there.");
        else if (progress.failed() > 0)
            text += u' '
                + tr("The %n failed row(s) are in the inbox with Salesforce's error.", nullptr,
                     int(progress.failed()));
    }
    m_result->setText(text);
    emit finished(!progress.cancelled() && !progress.jobs.isEmpty(), text);
}

void ImportView::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    const bool haveStore = m_context.store != nullptr;
    m_check->setEnabled(!busy && haveStore);
    m_browse->setEnabled(!busy && haveStore);
    m_columns->setEnabled(!busy);
    m_dryRun->setEnabled(!busy && m_report.canImport());
    m_import->setEnabled(!busy && m_report.canImport());
    m_cancel->setEnabled(busy);
    if (busy) {
        m_progress->setValue(0);
        m_result->setText(what);
    }
}

} // namespace lb::ui
