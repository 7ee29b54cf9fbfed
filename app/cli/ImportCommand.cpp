#include "ImportCommand.h"

#include "importer/ImportPlan.h"
#include "store/Store.h"

#include <QCommandLineParser>

namespace lb::cli {

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
    auto outcome = plan->deliver(**store, mapping->lead, Clock::system().nowMs(), false);
    if (!outcome) {
        ctx.err << "leadbridge import: " << outcome.error().message << Qt::endl;
        return Failed;
    }
    ctx.out << "Delivered " << outcome->delivered << (outcome->delivered == 1 ? " lead" : " leads")
            << " to the sync queue";
    if (outcome->duplicates > 0)
        ctx.out << " (" << outcome->duplicates << " were imported before and left alone)";
    ctx.out << "." << Qt::endl;
    return outcome->skipped == 0 ? Ok : RecordsInInbox;
}

} // namespace lb::cli
