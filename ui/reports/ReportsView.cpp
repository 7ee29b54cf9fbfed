#include "ReportsView.h"

#include "PdfReportWriter.h"
#include "common/FileDialog.h"
#include "common/Format.h"
#include "report/ExportWorker.h"
#include "util/Clock.h"
#include "util/WorkerThread.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace lb::ui {

ReportsView::ReportsView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setAccessibleName(tr("Reports"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("reportKind"));
    m_kind->setAccessibleName(tr("Report"));
    for (ReportKind k : {ReportKind::Leads, ReportKind::History, ReportKind::Errors,
                         ReportKind::ApiUsage, ReportKind::Reconcile, ReportKind::Deliveries})
        m_kind->addItem(ReportRequest::kindTitle(k), int(k));
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("reportFormat"));
    m_format->setAccessibleName(tr("Format"));
    m_format->addItem(tr("CSV (spreadsheets)"), int(ReportFormat::Csv));
    m_format->addItem(tr("JSON"), int(ReportFormat::Json));
    m_format->addItem(tr("PDF (printable)"), int(ReportFormat::Pdf));
    form->addRow(tr("&Report:"), m_kind);
    form->addRow(tr("&Format:"), m_format);

    const QDate today = m_context.clockOrSystem().now().date();
    auto dateRow = [this, form](const QString &label, const QString &name, QCheckBox *&on,
                                QDateEdit *&date, const QDate &initial) {
        auto *cell = new QWidget(this);
        auto *h = new QHBoxLayout(cell);
        h->setContentsMargins(0, 0, 0, 0);
        on = new QCheckBox(label, cell);
        on->setObjectName(name + QStringLiteral("On"));
        on->setAccessibleName(label);
        date = new QDateEdit(initial, cell);
        date->setObjectName(name);
        date->setAccessibleName(label);
        date->setCalendarPopup(true);
        date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        date->setEnabled(false);
        connect(on, &QCheckBox::toggled, date, &QWidget::setEnabled);
        h->addWidget(on);
        h->addWidget(date);
        h->addStretch(1);
        form->addRow(QString(), cell);
    };
    dateRow(tr("&From (UTC day)"), QStringLiteral("reportSince"), m_sinceOn, m_since,
            today.addDays(-30));
    dateRow(tr("&Until, including (UTC day)"), QStringLiteral("reportUntil"), m_untilOn, m_until,
            today);

    auto *pathCell = new QWidget(this);
    auto *pathLayout = new QHBoxLayout(pathCell);
    pathLayout->setContentsMargins(0, 0, 0, 0);
    m_path = new QLineEdit(pathCell);
    m_path->setObjectName(QStringLiteral("reportPath"));
    m_path->setAccessibleName(tr("Save the report as"));
    m_browse = new QPushButton(tr("&Browse…"), pathCell);
    m_browse->setObjectName(QStringLiteral("reportBrowse"));
    m_browse->setAccessibleName(tr("Choose where to save the report"));
    pathLayout->addWidget(m_path, 1);
    pathLayout->addWidget(m_browse);
    form->addRow(tr("&Save as:"), pathCell);
    layout->addLayout(form);

    auto *run = new QHBoxLayout;
    m_export = new QPushButton(tr("&Export"), this);
    m_export->setObjectName(QStringLiteral("reportExport"));
    m_export->setAccessibleName(tr("Export the report"));
    m_export->setDefault(true);
    m_cancel = new QPushButton(tr("&Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("reportCancel"));
    m_cancel->setAccessibleName(tr("Cancel the export"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("reportProgress"));
    m_progress->setAccessibleName(tr("Export progress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    run->addWidget(m_export);
    run->addWidget(m_cancel);
    run->addWidget(m_progress, 1);
    layout->addLayout(run);
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("reportResult"));
    m_result->setAccessibleName(tr("Export outcome"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);
    auto *help = new QLabel(tr("CSV cells that a spreadsheet would run as a formula (starting "
                               "with = + - @) are written as text. PDF prints the main columns "
                               "of the first %1 rows; CSV and JSON have everything.")
                                .arg(format::number(PdfReportWriter::MaxRows)),
                            this);
    help->setAccessibleName(tr("About the formats"));
    help->setWordWrap(true);
    layout->addWidget(help);
    layout->addStretch(1);

    QSettings settings;
    settings.beginGroup(QStringLiteral("reports"));
    m_kind->setCurrentIndex(
        std::max(0, m_kind->findData(settings.value(QStringLiteral("kind"), 0).toInt())));
    m_format->setCurrentIndex(
        std::max(0, m_format->findData(settings.value(QStringLiteral("format"), 0).toInt())));
    settings.endGroup();
    suggestPath();

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ReportsView::suggestPath);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ReportsView::suggestPath);
    connect(m_browse, &QPushButton::clicked, this, &ReportsView::browse);
    connect(m_export, &QPushButton::clicked, this, &ReportsView::startExport);
    connect(m_cancel, &QPushButton::clicked, this, &ReportsView::cancelExport);
    m_thread = new WorkerThread(QStringLiteral("export"), this);
    if (!m_context.store) {
        m_export->setEnabled(false);
        m_result->setText(tr("No store is open. %1").arg(m_context.problem));
    }
    setRunning(false);
}

ReportsView::~ReportsView()
{
    if (m_worker)
        m_worker->requestCancel();
    QSettings settings;
    settings.beginGroup(QStringLiteral("reports"));
    settings.setValue(QStringLiteral("kind"), m_kind->currentData());
    settings.setValue(QStringLiteral("format"), m_format->currentData());
    if (!m_path->text().isEmpty())
        settings.setValue(QStringLiteral("dir"), QFileInfo(m_path->text()).absolutePath());
    settings.endGroup();
}

void ReportsView::suggestPath()
{
    QSettings settings;
    QString dir = settings.value(QStringLiteral("reports/dir")).toString();
    if (!m_path->text().isEmpty())
        dir = QFileInfo(m_path->text()).absolutePath();
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const auto kind = ReportKind(m_kind->currentData().toInt());
    const auto format = ReportFormat(m_format->currentData().toInt());
    const QString date = m_context.clockOrSystem().now().toString(QStringLiteral("yyyy-MM-dd"));
    m_path->setText(QDir(dir).filePath(
        QStringLiteral("leadbridge-%1-%2.%3")
            .arg(ReportRequest::kindName(kind), date, ReportRequest::formatName(format))));
}

void ReportsView::browse()
{
    const auto format = ReportFormat(m_format->currentData().toInt());
    const QString ext = ReportRequest::formatName(format);
    FileDialog::saveFile(this, tr("Save report"), m_path->text(),
                         tr("%1 files (*.%2)").arg(ext.toUpper(), ext),
                         [this](const QString &path) { m_path->setText(path); });
}

ReportRequest ReportsView::request() const
{
    ReportRequest r;
    r.kind = ReportKind(m_kind->currentData().toInt());
    r.format = ReportFormat(m_format->currentData().toInt());
    if (m_sinceOn->isChecked())
        r.sinceMs = QDateTime(m_since->date(), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    if (m_untilOn->isChecked())
        r.untilMs = QDateTime(m_until->date().addDays(1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    r.outPath = m_path->text().trimmed();
    const QString ext = u'.' + ReportRequest::formatName(r.format);
    if (!r.outPath.isEmpty() && !r.outPath.endsWith(ext, Qt::CaseInsensitive))
        r.outPath += ext;
    return r;
}

void ReportsView::startExport()
{
    if (m_worker || !m_context.store)
        return;
    const ReportRequest r = request();
    if (r.outPath.isEmpty()) {
        m_result->setText(tr("Say where to save the report."));
        return;
    }
    if (r.untilMs > 0 && r.sinceMs >= r.untilMs) {
        m_result->setText(tr("The first day is after the last one."));
        return;
    }
    auto *worker = new ExportWorker(m_context.storeConfig, m_context.clockOrSystem(), r,
                                    &PdfReportWriter::anySink);
    m_worker = worker;
    m_running = r.outPath;
    connect(worker, &ExportWorker::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
        m_progress->setFormat(tr("%1 of %2 rows").arg(format::number(done), format::number(total)));
    });
    connect(worker, &ExportWorker::finished, this, &ReportsView::finished);
    m_thread->adopt(worker);
    setRunning(true);
    m_result->setText(tr("Exporting %1…").arg(ReportRequest::kindTitle(r.kind)));
    QMetaObject::invokeMethod(worker, &ExportWorker::run, Qt::QueuedConnection);
}

void ReportsView::cancelExport()
{
    if (m_worker) {
        m_worker->requestCancel();
        m_result->setText(tr("Cancelling…"));
    }
}

void ReportsView::finished(bool ok, qint64 rows, const QString &message)
{
    if (m_worker)
        m_worker->deleteLater(); // on its own thread
    m_worker = nullptr;
    setRunning(false);
    if (ok) {
        m_progress->setValue(1000);
        m_result->setText(tr("Wrote %1 rows to %2.")
                              .arg(format::number(rows), QDir::toNativeSeparators(m_running)));
    } else {
        m_progress->setValue(0);
        m_result->setText(tr("No report written: %1").arg(message));
    }
    emit exported(ok, m_running, rows);
}

void ReportsView::setRunning(bool running)
{
    m_export->setEnabled(!running && m_context.store);
    m_cancel->setEnabled(running);
    for (QWidget *w : std::initializer_list<QWidget *> {m_kind, m_format, m_sinceOn, m_untilOn,
                                                        m_path, m_browse})
        w->setEnabled(!running);
    m_since->setEnabled(!running && m_sinceOn->isChecked());
    m_until->setEnabled(!running && m_untilOn->isChecked());
    if (running) {
        m_progress->setValue(0);
        m_progress->setFormat(tr("starting…"));
    } else {
        m_progress->setFormat(QStringLiteral("%p%"));
    }
}

} // namespace lb::ui
