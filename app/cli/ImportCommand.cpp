#include "ImportCommand.h"

#include "CommandRun.h"
#include "EngineCommands.h"
#include "EngineSession.h"
#include "importer/BulkImportProgress.h"
#include "importer/ImportPlan.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QHash>
#include <QTimer>

namespace lb::cli {
namespace {

// An import of more leads than `sync.bulk_threshold`: the rows are in the sync queue; one pass
// of the engine sends them the way it sends any big delivery, through a Bulk API 2.0 ingest
// job (SalesforceBulkDelivery: the job id is stored before the upload, so a run killed after
// it collects the same job when started again). Meanwhile the job's counters, which the engine
// stores at each poll, are printed to stderr as they change.
class BulkImportRun : public CommandRun
{
public:
    BulkImportRun(CliContext &ctx, Store &store, qint64 sinceMs, int skipped)
        : CommandRun(ctx)
        , m_store(store)
        , m_sinceMs(sinceMs)
        , m_skipped(skipped)
    {
        connect(&m_watch, &QTimer::timeout, this, &BulkImportRun::showProgress);
    }

protected:
    void start() override
    {
        m_ctx.err << "Sending the leads to Salesforce through a Bulk API job (more than "
                  << m_ctx.profile.sync.bulkThreshold << ", sync.bulk_threshold)..." << Qt::endl;
        m_engine.launch([this](const QString &error) {
            if (!error.isEmpty()) {
                m_ctx.err << "leadbridge import: " << error << Qt::endl;
                m_ctx.err << "The leads wait in the sync queue; `leadbridge sync` sends them."
                          << Qt::endl;
                finish(ConfigError);
                return;
            }
            m_watch.start(250);
            runEngineOnce(m_engine, this, [this](const OnceResult &result) {
                m_watch.stop();
                showProgress();
                if (auto p = BulkImportProgress::read(m_store, m_sinceMs); p && !p->jobs.isEmpty())
                    m_ctx.out << "Bulk: " << p->summary() << "." << Qt::endl;
                const int code = reportOnce(m_ctx, QStringLiteral("import"), result);
                finish(code == Ok && m_skipped > 0 ? RecordsInInbox : code);
            });
        });
    }

private:
    void showProgress()
    {
        auto progress = BulkImportProgress::read(m_store, m_sinceMs);
        if (!progress) {
            m_ctx.err << "leadbridge import: progress not readable: " << progress.error().toString()
                      << Qt::endl;
            m_watch.stop();
            return;
        }
        for (const IngestJobProgress &job : std::as_const(progress->jobs)) {
            const QString line = BulkImportProgress::line(job);
            if (m_shown.value(job.jobId) == line)
                continue;
            m_shown.insert(job.jobId, line);
            m_ctx.err << line << Qt::endl;
        }
    }

    Store &m_store;
    const qint64 m_sinceMs;
    const int m_skipped;
    EngineSession m_engine {m_ctx, EngineRole::Command};
    QTimer m_watch;
    QHash<QString, QString> m_shown; // the line last printed per job
};

} // namespace

int runImport(CliContext &ctx)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Import leads from a CSV file."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The CSV file."));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"),
                                    QStringLiteral("Check the file; deliver nothing."));
    parser.addOption(dryRun);
    if (!parser.parse(QStringList {QStringLiteral("leadbridge import")} + ctx.args)) {
        ctx.err << "leadbridge import: " << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    if (parser.positionalArguments().size() != 1) {
        ctx.err << "leadbridge import: give one CSV file." << Qt::endl;
        return ConfigError;
    }
    auto mapping = FieldMapping::load(ctx.profile.mapping);
    if (!mapping) {
        ctx.err << mapping.error().message << Qt::endl;
        return ConfigError;
    }
    auto plan = ImportPlan::fromFile(parser.positionalArguments().first());
    if (!plan) {
        ctx.err << "leadbridge import: " << plan.error().message << Qt::endl;
        return Failed;
    }
    const ImportReport report = plan->analyse(mapping->lead);
    QStringList mapped;
    for (int i = 0; i < report.header.size(); ++i) {
        if (!report.columnFields.value(i).isEmpty())
            mapped.append(report.header.at(i) + QStringLiteral(" -> ") + report.columnFields.at(i));
    }
    ctx.out << "Columns: " << mapped.join(QStringLiteral(", ")) << Qt::endl;
    for (const QString &note : report.notes)
        ctx.out << note << Qt::endl;
    for (const ImportIssue &issue : report.issues)
        ctx.err << (issue.line > 0 ? QStringLiteral("line %1: ").arg(issue.line) : QString())
                << issue.message << Qt::endl;
    if (report.issueCount > report.issues.size())
        ctx.err << "... and " << report.issueCount - report.issues.size() << " more problems."
                << Qt::endl;
    ctx.out << report.rows << " rows: " << report.validRows << " valid, "
            << report.rows - report.validRows << " with problems." << Qt::endl;
    if (!report.fileError.isEmpty()) {
        ctx.err << "Nothing was imported: " << report.fileError << Qt::endl;
        return Failed;
    }
    if (parser.isSet(dryRun)) {
        ctx.out << "Dry run: " << report.validRows << (report.validRows == 1 ? " lead" : " leads")
                << " would be delivered to the sync queue." << Qt::endl;
        return report.validRows == report.rows ? Ok : RecordsInInbox;
    }
    auto store = Store::open(ctx.store, Clock::system(), QStringLiteral("cli"));
    if (!store) {
        ctx.err << store.error().message << Qt::endl;
        return ConfigError;
    }
    const qint64 startedAt = Clock::system().nowMs();
    auto outcome = plan->deliver(**store, mapping->lead, startedAt, false);
    if (!outcome) {
        ctx.err << "leadbridge import: " << outcome.error().message << Qt::endl;
        return Failed;
    }
    ctx.out << "Delivered " << outcome->delivered << (outcome->delivered == 1 ? " lead" : " leads")
            << " to the sync queue";
    if (outcome->duplicates > 0)
        ctx.out << " (" << outcome->duplicates << " were imported before and left alone)";
    ctx.out << "." << Qt::endl;
    if (report.validRows > ctx.profile.sync.bulkThreshold) {
        BulkImportRun run(ctx, **store, startedAt, outcome->skipped);
        return CommandRun::execute(run);
    }
    return outcome->skipped == 0 ? Ok : RecordsInInbox;
}

} // namespace lb::cli
